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
# The two-uplink variant (lab_up PREFIX uplinks; for policy routing and shaping) puts two "ISPs"
# between the firewall and the server instead of one link, and gives the server one address per
# test host:
#
#                                 wana 10.99.2.1 <--> eth0 10.99.2.2 PREFIX-upa eth1 10.99.4.1 <--> eth0 10.99.4.2
#   PREFIX-client <--> PREFIX-fw       fd99:2::1           fd99:2::2              fd99:4::1           fd99:4::2   PREFIX-server
#   (as above)         lan0 (as above)                                                                            hosts on lo:
#                                 wanb 10.99.3.1 <--> eth0 10.99.3.2 PREFIX-upb eth1 10.99.5.1 <--> eth1 10.99.5.2  10.99.9.1-9
#                                      fd99:3::1           fd99:3::2              fd99:5::1           fd99:5::2   fd99:9::1-9
#
# Each uplink forwards and MASQUERADEs (v4 and v6) to its own server-side address, like an ISP,
# so the server sees 10.99.4.1 for a connection through A and 10.99.5.1 through B, and a
# connection moved from one uplink to the other mid-way breaks (the server answers the new
# source address with a reset). The server has no default route: it answers each uplink over
# its own link. The firewall's default route is via A; nothing goes through B until a policy
# route sends it there. rp_filter on the firewall: strict (1) on lan0 and wana, loose (2) on wanb,
# since replies of steered connections arrive on wanb while the main table routes their source
# via wana. Each uplink counts, in its filter table chain LAB-COUNT (jumped to from FORWARD),
# the packets to and from every server host ("to 10.99.9.N", "from 10.99.9.N", and the TCP SYNs
# "syn 10.99.9.N"; the same for fd99:9::N in ip6tables), for tests to read.
#
# As a library:  source scripts/lab.sh; lab_up PREFIX [uplinks]; lab_exec PREFIX client ping ...; lab_down PREFIX
# As a command:  scripts/lab.sh up|down PREFIX    scripts/lab.sh up PREFIX uplinks
#                scripts/lab.sh exec PREFIX NODE CMD...
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
# The two-uplink variant: the firewall's second and third links, the uplinks and the server's side.
LAB_FW_WANA_V4=10.99.2.1
LAB_FW_WANB_V4=10.99.3.1
LAB_UPA_V4=10.99.2.2
LAB_UPB_V4=10.99.3.2
LAB_UPA_OUT_V4=10.99.4.1
LAB_UPB_OUT_V4=10.99.5.1
LAB_SERVER_A_V4=10.99.4.2
LAB_SERVER_B_V4=10.99.5.2
LAB_FW_WANA_V6=fd99:2::1
LAB_FW_WANB_V6=fd99:3::1
LAB_UPA_V6=fd99:2::2
LAB_UPB_V6=fd99:3::2
LAB_UPA_OUT_V6=fd99:4::1
LAB_UPB_OUT_V6=fd99:5::1
LAB_SERVER_A_V6=fd99:4::2
LAB_SERVER_B_V6=fd99:5::2
LAB_HOSTS_V4=10.99.9.0/24   # the server's host addresses 10.99.9.1 .. 10.99.9.$LAB_HOST_COUNT
LAB_HOSTS_V6=fd99:9::/64    # and fd99:9::1 .. fd99:9::$LAB_HOST_COUNT
LAB_HOST_COUNT=9
# Every node either variant may have; lab_down and lab_list know them all.
LAB_ALL_NODES=(client fw server upa upb)

_lab_err() { printf 'lab: %s\n' "$*" >&2; }

# _lab_check_prefix PREFIX: a non-empty name of letters, digits, '_' and '-' (it becomes part of
# the namespace names and of file names under /run/netns).
_lab_check_prefix() {
    if [[ ! ${1:-} =~ ^[A-Za-z0-9_-]{1,40}$ ]]; then
        _lab_err "bad lab prefix '${1:-}': expected 1-40 letters, digits, '_' or '-'"
        return 2
    fi
}

# lab_ns PREFIX NODE: the namespace name of NODE (client, fw, server, upa or upb).
lab_ns() {
    case ${2:-} in
        client|fw|server|upa|upb) printf '%s-%s\n' "$1" "$2" ;;
        *) _lab_err "unknown lab node '${2:-}': expected client, fw, server, upa or upb"; return 2 ;;
    esac
}

# lab_exec PREFIX NODE CMD...: runs CMD inside NODE's namespace.
lab_exec() {
    local ns
    ns=$(lab_ns "$1" "$2") || return 2
    shift 2
    ip netns exec "$ns" "$@"
}

# lab_up PREFIX [uplinks]: builds the lab (with "uplinks": the two-uplink variant); on any failure
# it removes what it built and returns non-zero.
lab_up() {
    local p=${1:-} variant=${2:-}
    _lab_check_prefix "$p" || return 2
    case $variant in
        ''|uplinks) ;;
        *) _lab_err "unknown lab variant '$variant': expected nothing or 'uplinks'"; return 2 ;;
    esac
    local node
    for node in "${LAB_ALL_NODES[@]}"; do
        if ip netns list | grep -qE "^$p-$node( |\$)"; then
            _lab_err "namespace $p-$node already exists: run 'scripts/lab.sh down $p' first"
            return 1
        fi
    done
    if [[ -n $variant ]] && ! _lab_build_uplinks "$p"; then
        _lab_err "could not build lab '$p' (see the error above); removing what was built"
        lab_down "$p"
        return 1
    fi
    if [[ -z $variant ]] && ! _lab_build "$p"; then
        _lab_err "could not build lab '$p' (see the error above); removing what was built"
        lab_down "$p"
        return 1
    fi
}

_lab_build() {
    local p=$1
    _lab_add_namespaces "$p" "${LAB_NODES[@]}" || return 1
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
    _lab_wait_carrier "$p" client:eth0 fw:lan0 fw:wan0 server:eth0
}

# _lab_add_namespaces PREFIX NODE...: one namespace a node, loopback up, no DAD.
_lab_add_namespaces() {
    local p=$1 node ns
    shift
    for node in "$@"; do
        ns="$p-$node"
        ip netns add "$ns" || return 1
        # New addresses are usable at once: no duplicate address detection, no tentative state.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 || return 1
        ip -n "$ns" link set lo up || return 1
    done
}

# _lab_build_uplinks PREFIX: the two-uplink variant (see the top of this file).
_lab_build_uplinks() {
    local p=$1 n
    _lab_add_namespaces "$p" "${LAB_ALL_NODES[@]}" || return 1
    ip -n "$p-client" link add eth0 type veth peer name lan0 netns "$p-fw" || return 1
    ip -n "$p-fw" link add wana type veth peer name eth0 netns "$p-upa" || return 1
    ip -n "$p-fw" link add wanb type veth peer name eth0 netns "$p-upb" || return 1
    ip -n "$p-upa" link add eth1 type veth peer name eth0 netns "$p-server" || return 1
    ip -n "$p-upb" link add eth1 type veth peer name eth1 netns "$p-server" || return 1

    _lab_addr "$p-client" eth0 "$LAB_CLIENT_V4/24" "$LAB_CLIENT_V6/64" || return 1
    _lab_addr "$p-fw" lan0 "$LAB_FW_LAN_V4/24" "$LAB_FW_LAN_V6/64" || return 1
    _lab_addr "$p-fw" wana "$LAB_FW_WANA_V4/24" "$LAB_FW_WANA_V6/64" || return 1
    _lab_addr "$p-fw" wanb "$LAB_FW_WANB_V4/24" "$LAB_FW_WANB_V6/64" || return 1
    _lab_addr "$p-upa" eth0 "$LAB_UPA_V4/24" "$LAB_UPA_V6/64" || return 1
    _lab_addr "$p-upb" eth0 "$LAB_UPB_V4/24" "$LAB_UPB_V6/64" || return 1
    _lab_addr "$p-upa" eth1 "$LAB_UPA_OUT_V4/24" "$LAB_UPA_OUT_V6/64" || return 1
    _lab_addr "$p-upb" eth1 "$LAB_UPB_OUT_V4/24" "$LAB_UPB_OUT_V6/64" || return 1
    _lab_addr "$p-server" eth0 "$LAB_SERVER_A_V4/24" "$LAB_SERVER_A_V6/64" || return 1
    _lab_addr "$p-server" eth1 "$LAB_SERVER_B_V4/24" "$LAB_SERVER_B_V6/64" || return 1
    for (( n = 1; n <= LAB_HOST_COUNT; n++ )); do
        ip -n "$p-server" addr add "10.99.9.$n/32" dev lo || return 1
        ip -n "$p-server" -6 addr add "fd99:9::$n/128" dev lo nodad || return 1
    done

    ip -n "$p-client" link set dev eth0 gso_max_segs 1 || return 1
    ip -n "$p-client" route add default via "$LAB_FW_LAN_V4" || return 1
    ip -n "$p-client" -6 route add default via "$LAB_FW_LAN_V6" || return 1
    ip -n "$p-fw" route add default via "$LAB_UPA_V4" dev wana || return 1
    ip -n "$p-fw" -6 route add default via "$LAB_UPA_V6" dev wana || return 1
    ip netns exec "$p-fw" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.lan0.rp_filter=1 \
        net.ipv4.conf.wana.rp_filter=1 net.ipv4.conf.wanb.rp_filter=2 || return 1

    _lab_uplink "$p" upa "$LAB_FW_WANA_V4" "$LAB_FW_WANA_V6" "$LAB_SERVER_A_V4" "$LAB_SERVER_A_V6" || return 1
    _lab_uplink "$p" upb "$LAB_FW_WANB_V4" "$LAB_FW_WANB_V6" "$LAB_SERVER_B_V4" "$LAB_SERVER_B_V6" || return 1
    _lab_wait_carrier "$p" client:eth0 fw:lan0 fw:wana fw:wanb upa:eth0 upa:eth1 upb:eth0 upb:eth1 \
        server:eth0 server:eth1
}

# _lab_uplink PREFIX NODE FW_V4 FW_V6 SERVER_V4 SERVER_V6: an "ISP": forwards between the firewall
# (eth0) and the server (eth1), MASQUERADEs what leaves towards the server, counts per host.
_lab_uplink() {
    local ns=$1-$2 fw4=$3 fw6=$4 server4=$5 server6=$6 n tool host
    # Back to the client LAN through the firewall (the replies, once de-NATed).
    ip -n "$ns" route add 10.99.1.0/24 via "$fw4" || return 1
    ip -n "$ns" -6 route add fd99:1::/64 via "$fw6" || return 1
    ip -n "$ns" route add "$LAB_HOSTS_V4" via "$server4" || return 1
    ip -n "$ns" -6 route add "$LAB_HOSTS_V6" via "$server6" || return 1
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
    for tool in iptables-legacy ip6tables-legacy; do
        ip netns exec "$ns" "$tool" -t nat -A POSTROUTING -o eth1 -j MASQUERADE || return 1
        ip netns exec "$ns" "$tool" -N LAB-COUNT || return 1
        ip netns exec "$ns" "$tool" -A FORWARD -j LAB-COUNT || return 1
        for (( n = 1; n <= LAB_HOST_COUNT; n++ )); do
            if [[ $tool == iptables-legacy ]]; then host=10.99.9.$n; else host=fd99:9::$n; fi
            ip netns exec "$ns" "$tool" -A LAB-COUNT -i eth0 -d "$host" -m comment --comment "to $host" || return 1
            ip netns exec "$ns" "$tool" -A LAB-COUNT -i eth0 -d "$host" -p tcp --syn -m comment --comment "syn $host" || return 1
            ip netns exec "$ns" "$tool" -A LAB-COUNT -i eth1 -s "$host" -m comment --comment "from $host" || return 1
        done
    done
}

# _lab_wait_carrier PREFIX NODE:DEV...: the kernel reports a veth's carrier up to a second after
# 'link set up' and drops what is sent before; wait (at most 5 s) until all these ends have carrier.
_lab_wait_carrier() {
    local p=$1 i link state all_up
    shift
    for (( i = 0; i < 50; i++ )); do
        all_up=1
        for link in "$@"; do
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
    for node in "${LAB_ALL_NODES[@]}"; do
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

# lab_list [PATTERN]: names of existing lab namespaces (ending in -client, -fw, -server, -upa or
# -upb), one a line, optionally only those whose prefix matches the extended regex PATTERN.
lab_list() {
    local pattern=${1:-.*}
    ip netns list 2>/dev/null | awk '{print $1}' \
        | grep -E "^($pattern)-(client|fw|server|upa|upb)\$" || true
}

# lab_prefixes [PATTERN]: the prefixes of the existing labs (see lab_list), one a line.
lab_prefixes() {
    lab_list "${1:-}" | sed -E 's/-(client|fw|server|upa|upb)$//' | sort -u
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -uo pipefail
    case ${1:-} in
        up) lab_up "${2:-}" "${3:-}" ;;
        down) lab_down "${2:-}" ;;
        exec) shift; lab_exec "$@" ;;
        list) lab_list "${2:-}" ;;
        *) echo "usage: $0 up PREFIX [uplinks] | down PREFIX | exec PREFIX client|fw|server|upa|upb CMD... | list [PATTERN]" >&2; exit 2 ;;
    esac
fi
