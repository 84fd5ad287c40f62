#!/usr/bin/env bash
# The nfqwall lab: three network namespaces in a line, so the firewall sits on a real forwarding path.
#
#   PREFIX-client            PREFIX-fw                  PREFIX-server
#   eth0 10.99.1.2/24  <-->  lan0 10.99.1.1/24
#        fd99:1::2/64             fd99:1::1/64
#                            wan0 10.99.2.1/24   <-->   eth0 10.99.2.2/24
#                                 fd99:2::1/64               fd99:2::2/64
#
# Client and server route everything (v4 and v6) via the firewall, which forwards.
# The client sends wire-sized segments (its eth0 has gso_max_segs 1, as if its NIC segmented):
# a 4000-byte write crosses the firewall as three segments, the way a large TLS ClientHello
# reaches a real gateway. The server keeps GSO, so downloads through the lab stay fast.
# Every veth is created inside the namespaces, so the host's own interfaces, routes and
# iptables are never touched, and deleting the namespaces removes everything.
#
# As a library:  source scripts/lab.sh; lab_up PREFIX; lab_exec PREFIX client ping ...; lab_down PREFIX
# As a command:  scripts/lab.sh up|down PREFIX    scripts/lab.sh exec PREFIX NODE CMD...
#                scripts/lab.sh list [PATTERN]    (lab namespaces, optionally only names matching PATTERN)

LAB_CLIENT_V4=10.99.1.2
LAB_FW_LAN_V4=10.99.1.1
LAB_FW_WAN_V4=10.99.2.1
LAB_SERVER_V4=10.99.2.2
LAB_CLIENT_V6=fd99:1::2
LAB_FW_LAN_V6=fd99:1::1
LAB_FW_WAN_V6=fd99:2::1
LAB_SERVER_V6=fd99:2::2
LAB_NODES=(client fw server)

_lab_err() { printf 'lab: %s\n' "$*" >&2; }

# _lab_check_prefix PREFIX: a non-empty name of letters, digits, '_' and '-' (it becomes part of
# the namespace names and of file names under /run/netns).
_lab_check_prefix() {
    if [[ ! ${1:-} =~ ^[A-Za-z0-9_-]{1,40}$ ]]; then
        _lab_err "bad lab prefix '${1:-}': expected 1-40 letters, digits, '_' or '-'"
        return 2
    fi
}

# lab_ns PREFIX NODE: the namespace name of NODE (client, fw or server).
lab_ns() {
    case ${2:-} in
        client|fw|server) printf '%s-%s\n' "$1" "$2" ;;
        *) _lab_err "unknown lab node '${2:-}': expected client, fw or server"; return 2 ;;
    esac
}

# lab_exec PREFIX NODE CMD...: runs CMD inside NODE's namespace.
lab_exec() {
    local ns
    ns=$(lab_ns "$1" "$2") || return 2
    shift 2
    ip netns exec "$ns" "$@"
}

# lab_up PREFIX: builds the lab; on any failure it removes what it built and returns non-zero.
lab_up() {
    local p=${1:-}
    _lab_check_prefix "$p" || return 2
    local node
    for node in "${LAB_NODES[@]}"; do
        if ip netns list | grep -qE "^$p-$node( |\$)"; then
            _lab_err "namespace $p-$node already exists: run 'scripts/lab.sh down $p' first"
            return 1
        fi
    done
    if ! _lab_build "$p"; then
        _lab_err "could not build lab '$p' (see the error above); removing what was built"
        lab_down "$p"
        return 1
    fi
}

_lab_build() {
    local p=$1 node ns
    for node in "${LAB_NODES[@]}"; do
        ns="$p-$node"
        ip netns add "$ns" || return 1
        # New addresses are usable at once: no duplicate address detection, no tentative state.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 || return 1
        ip -n "$ns" link set lo up || return 1
    done
    ip -n "$p-client" link add eth0 type veth peer name lan0 netns "$p-fw" || return 1
    ip -n "$p-fw" link add wan0 type veth peer name eth0 netns "$p-server" || return 1

    _lab_addr "$p-client" eth0 "$LAB_CLIENT_V4/24" "$LAB_CLIENT_V6/64" || return 1
    _lab_addr "$p-fw" lan0 "$LAB_FW_LAN_V4/24" "$LAB_FW_LAN_V6/64" || return 1
    _lab_addr "$p-fw" wan0 "$LAB_FW_WAN_V4/24" "$LAB_FW_WAN_V6/64" || return 1
    _lab_addr "$p-server" eth0 "$LAB_SERVER_V4/24" "$LAB_SERVER_V6/64" || return 1

    ip -n "$p-client" link set dev eth0 gso_max_segs 1 || return 1
    ip -n "$p-client" route add default via "$LAB_FW_LAN_V4" || return 1
    ip -n "$p-client" -6 route add default via "$LAB_FW_LAN_V6" || return 1
    ip -n "$p-server" route add default via "$LAB_FW_WAN_V4" || return 1
    ip -n "$p-server" -6 route add default via "$LAB_FW_WAN_V6" || return 1

    ip netns exec "$p-fw" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
    _lab_wait_carrier "$p"
}

# _lab_wait_carrier PREFIX: the kernel reports a veth's carrier up to a second after 'link set up'
# and drops what is sent before; wait (at most 5 s) until all four ends have carrier.
_lab_wait_carrier() {
    local p=$1 i link state all_up
    for (( i = 0; i < 50; i++ )); do
        all_up=1
        for link in client:eth0 fw:lan0 fw:wan0 server:eth0; do
            state=$(ip -n "$p-${link%%:*}" -o link show dev "${link#*:}" 2>/dev/null)
            if [[ $state != *"state UP"* || $state == *NO-CARRIER* ]]; then
                all_up=0
                break
            fi
        done
        (( all_up )) && return 0
        sleep 0.1
    done
    _lab_err "the lab's veth links in '$p' did not come up within 5 s"
    return 1
}

# _lab_addr NS DEV V4/LEN V6/LEN
_lab_addr() {
    ip -n "$1" addr add "$3" dev "$2" || return 1
    ip -n "$1" -6 addr add "$4" dev "$2" nodad || return 1
    ip -n "$1" link set "$2" up
}

# lab_down PREFIX: stops every process still running in the lab's namespaces and deletes them
# (which deletes their veths and iptables too). Tolerates a lab that is partly built or gone.
lab_down() {
    local p=${1:-} node ns pids
    _lab_check_prefix "$p" || return 2
    for node in "${LAB_NODES[@]}"; do
        ns="$p-$node"
        [[ -e /run/netns/$ns ]] || ip netns list 2>/dev/null | grep -qE "^$ns( |\$)" || continue
        # Only processes started inside this lab live in its namespaces.
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        if [[ -n $pids ]]; then
            # shellcheck disable=SC2086
            kill -TERM $pids 2>/dev/null || true
            local i
            for i in 1 2 3 4 5 6 7 8 9 10; do
                [[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break
                sleep 0.2
            done
            pids=$(ip netns pids "$ns" 2>/dev/null || true)
            # shellcheck disable=SC2086
            [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
        fi
        ip netns del "$ns" 2>/dev/null || _lab_err "could not delete namespace $ns"
    done
    return 0
}

# lab_list [PATTERN]: names of existing lab namespaces (ending in -client, -fw or -server), one a
# line, optionally only those whose prefix matches the extended regex PATTERN.
lab_list() {
    local pattern=${1:-.*}
    ip netns list 2>/dev/null | awk '{print $1}' \
        | grep -E "^($pattern)-(client|fw|server)\$" || true
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -uo pipefail
    case ${1:-} in
        up) lab_up "${2:-}" ;;
        down) lab_down "${2:-}" ;;
        exec) shift; lab_exec "$@" ;;
        list) lab_list "${2:-}" ;;
        *) echo "usage: $0 up PREFIX | down PREFIX | exec PREFIX client|fw|server CMD... | list [PATTERN]" >&2; exit 2 ;;
    esac
fi
