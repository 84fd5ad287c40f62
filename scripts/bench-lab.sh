#!/usr/bin/env bash
# The data-path benchmark (scripts/bench lab): nfqwall against the C reference verdict loop
# (native/nfq_accept_loop) and against no queue at all, in one run, on one namespace lab.
#
#   client (load: native/build/nfq_load) --> fw (iptables ruleset, NFQUEUE, the loop) --> server
#
# Both loops sit behind the same generated ruleset (nfqwall iptables ... --ports 80,8080), with
# the same queue length and socket buffer. nfqwall runs with a 1,000-rule file and inspects every
# queued packet: each flood packet is a TCP segment carrying a whole HTTP/1.1 request head, on
# 4,096 flows from 32 source addresses (the kernel's --queue-balance hashes addresses, so the flows
# spread over the queues). Measured:
#   drain    a full queue (the loop stopped, DRAIN_PACKETS queued) emptied: the loop's capacity,
#            for request heads and for body segments of keep-alive uploads (median of DRAIN_RUNS);
#   steady   the sender at its top rate for STEADY_SECONDS: sent, lost, waved through (fail-open);
#   rtt      round trip of a keep-alive HTTP request, each one queued (p50, p99; median of RUNS);
#   rps      HTTP requests a second, a new connection each (SYN, request and FIN are queued);
#   bulk     a BULK_BYTES download through the firewall (its packets are never queued; median of RUNS).
# Each with QUEUE_COUNTS queues (1 and 2). The settings below can be overridden from the
# environment; BENCH_PROFILE=1 also records a JFR profile of the one-queue daemon
# (target/bench/nfqwall-q1.jfr), BENCH_JAVA_OPTS adds JVM options to the daemon.
# Writes the table to target/bench/lab.txt and the raw results to target/bench/lab-results.txt.
# Run by scripts/bench lab; runs as root; removes its lab and processes on exit, also on failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lab.sh
source scripts/lab.sh

STEADY_SECONDS=${STEADY_SECONDS:-5}
WARM_SECONDS=${WARM_SECONDS:-8}   # nfqwall's warm-up flood, below its capacity
DRAIN_PACKETS=${DRAIN_PACKETS:-50000}
DRAIN_RUNS=${DRAIN_RUNS:-5}
RUNS=${RUNS:-3}               # round trip and bulk runs per case (medians)
RTT_COUNT=${RTT_COUNT:-5000}
RPS_SECONDS=${RPS_SECONDS:-5}
RPS_CONCURRENCY=${RPS_CONCURRENCY:-16}
BULK_BYTES=${BULK_BYTES:-1000000000}
QUEUE_COUNTS=${QUEUE_COUNTS:-"1 2"}
QUEUE_LENGTH=65536      # both loops: room for DRAIN_PACKETS
SOCKET_BUFFER_MIB=128   # both loops: about 1 KiB of socket buffer per queued packet
BUFFER_MIB=256          # nfqwall: room for every flood flow to hold a reassembly buffer at once
FLOOD_SOURCES=10.99.1.10-10.99.1.41
FLOOD_FLOWS_PER_SOURCE=128
BODY_FLOWS_PER_SOURCE=32  # -m body: 1,024 flows, so their opening POST heads are 2% of a drain
NEXT_PORT=20000
RPS_SOURCES=10.99.1.10-10.99.1.25
FLOOD_PORT=8080         # the server namespace drops it in raw PREROUTING, and counts it
HTTP_PORT=80

LAB=nfqbench
OUT=target/bench
WORK=$OUT/lab-work
LOAD=native/build/nfq_load
CLOOP=native/build/nfq_accept_loop
JAR=target/nfqwall.jar
SERVER=$LAB_SERVER_V4
RESULTS=$OUT/lab-results.txt
RULES=rules/bench/1000-rules.yaml   # none of its rules matches the benchmark traffic
LOOP_PID=

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

cleanup() {
    local rc=$?
    [[ -n $LOOP_PID ]] && kill -CONT "$LOOP_PID" 2>/dev/null || true
    lab_down "$LAB" >/dev/null 2>&1 || true
    exit "$rc"
}

result() { # KEY VALUE: one measured number, kept for the table and in $RESULTS
    R[$1]=$2
    printf '%s=%s\n' "$1" "$2" >>"$RESULTS"
}

field() { # KEY LINE: the value of KEY=... in a key=value result line
    sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"
}

fw() { lab_exec "$LAB" fw "$@"; }
# run_in NODE CMD... &: as 'ip netns exec' execs CMD, $! is CMD's own pid (a shell function run with &
# would be a subshell, and signals to it would miss CMD).
run_in() { local ns; ns=$(lab_ns "$LAB" "$1"); shift; exec ip netns exec "$ns" "$@"; }
client() { lab_exec "$LAB" client "$@"; }
server() { lab_exec "$LAB" server "$@"; }
nfqwall() { java -jar "$JAR" "$@"; }

queue_list() { # Q -> 0 or 0-1 ...
    if (( $1 == 1 )); then echo 0; else echo "0-$(( $1 - 1 ))"; fi
}

apply_ruleset() { # Q [--remove]
    local q=$1
    shift
    local args=(--chain FORWARD --ports "$HTTP_PORT,$FLOOD_PORT")
    if (( q == 1 )); then args+=(--queue 0); else args+=(--queues "$(queue_list "$q")"); fi
    nfqwall iptables "${args[@]}" "$@" >"$WORK/ruleset.v4"
    fw iptables-legacy-restore --noflush <"$WORK/ruleset.v4" || die "iptables-legacy-restore refused $WORK/ruleset.v4"
}

# Sums of the kernel's per-queue counters (/proc/net/netfilter/nfnetlink_queue: queue portid
# queue_total copy_mode copy_range queue_dropped user_dropped id_sequence 1): "waiting dropped".
kernel_queue_sums() {
    fw awk '{ waiting += $3; dropped += $6 + $7 } END { print waiting + 0, dropped + 0 }' \
        /proc/net/netfilter/nfnetlink_queue 2>/dev/null || echo "0 0"
}

queued_by_rule() { # packets that reached the NFQUEUE rule(s), fail-open ones included
    fw iptables-legacy -L NFQWALL -v -n -x | awk '/NFQUEUE/ { s += $1 } END { print s + 0 }'
}

arrived_at_server() { # flood packets that reached the server namespace
    server iptables-legacy -t raw -L PREROUTING -v -n -x | awk -v p="dpt:$FLOOD_PORT" '$0 ~ p { print $1 }'
}

wait_bound() { # Q: until the kernel lists that many bound queues (at most 30 s)
    local i
    for (( i = 0; i < 300; i++ )); do
        if (( $(fw awk '$2 != 0' /proc/net/netfilter/nfnetlink_queue 2>/dev/null | wc -l) >= $1 )); then
            return 0
        fi
        kill -0 "$LOOP_PID" 2>/dev/null || die "the loop exited before binding its queues (see $WORK)"
        sleep 0.1
    done
    die "the loop did not bind $1 queue(s) within 30 s"
}

start_c_loop() { # Q
    (run_in fw "$CLOOP" -Q "$(queue_list "$1")" -l "$QUEUE_LENGTH" -B "$SOCKET_BUFFER_MIB" -t 900 >"$WORK/cloop.out" 2>&1) &
    LOOP_PID=$!
    wait_bound "$1"
}

start_nfqwall() { # Q
    local q=$1 jfr=() queues=(--queue 0)
    (( q == 1 )) || queues=(--queues "$(queue_list "$q")")
    rm -f "$WORK/control.sock"
    [[ -n ${BENCH_PROFILE:-} && $q == 1 ]] && jfr=("-XX:StartFlightRecording=filename=$OUT/nfqwall-q1.jfr,settings=profile")
    # shellcheck disable=SC2086
    (run_in fw java ${BENCH_JAVA_OPTS:-} "${jfr[@]}" -jar "$JAR" run --rules "$RULES" "${queues[@]}" \
        --queue-length "$QUEUE_LENGTH" --socket-buffer "$SOCKET_BUFFER_MIB" --buffer-memory "$BUFFER_MIB" --control "$WORK/control.sock" \
        --state-dir "$WORK/state" --log-format text >>"$WORK/nfqwall-q$q.log" 2>&1) &
    LOOP_PID=$!
    wait_bound "$q"
    local i
    for (( i = 0; i < 100; i++ )); do
        [[ -S $WORK/control.sock ]] && return 0
        sleep 0.1
    done
    die "nfqwall did not open its control socket within 10 s (see $WORK/nfqwall-q$q.log)"
}

stop_loop() { # waits for the loop to print its summary
    local i
    kill -TERM "$LOOP_PID" 2>/dev/null || true
    for (( i = 0; i < 100; i++ )); do
        kill -0 "$LOOP_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$LOOP_PID" 2>/dev/null || true
    wait "$LOOP_PID" 2>/dev/null || true
    LOOP_PID=
}

nfqwall_counter() { # NAME...: the engine counters NAME (all queues), on one line
    python3 - "$WORK/control.sock" "$@" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(b'{"cmd":"stats"}\n')
engine = json.loads(s.makefile().readline())["engine"]
print(" ".join(str(engine[name]) for name in sys.argv[2:]))
EOF
}

# A fresh daemon, its JIT warmed by floods below its capacity: a flood packet that the queue waves
# through (fail-open) leaves a gap in its flow that the flood never fills, so the flow holds its
# later segments and a reassembly buffer for good; warm-up must not leave such flows behind.
warm_nfqwall() { # Q
    [[ -z $LOOP_PID ]] || stop_loop
    start_nfqwall "$1"
    # A cold JVM is slow for its first seconds: ramp up, so that no queue runs over meanwhile.
    flood -t 2 -r $(( 5000 * $1 ))
    flood -t 2 -r $(( 20000 * $1 ))
    flood -t "$WARM_SECONDS" -r $(( 60000 * $1 ))
    flood body -t 1 -r $(( 60000 * $1 ))
    settle
    local broken
    broken=$(nfqwall_counter reassembly_no_room buffers_exhausted)
    [[ $broken == "0 0" ]] || say "warning: the warm-up left flows with gaps (reassembly_no_room, buffers_exhausted: $broken)"
}

# flood [head|body] ARGS...: one nfq_load flood from the client, its result line in $FLOOD. Each run takes
# source ports no earlier run used: an old flow's sequence numbers would make the new run's
# segments look like retransmissions, which the engine does not inspect again.
flood() {
    local flows=$FLOOD_FLOWS_PER_SOURCE mode=head
    case ${1:-} in
        head) shift ;;
        body) mode=body flows=$BODY_FLOWS_PER_SOURCE; shift ;;
    esac
    (( NEXT_PORT + flows <= 65536 )) || NEXT_PORT=20000
    FLOOD=$(client "$LOAD" flood -d "$SERVER" -p "$FLOOD_PORT" -S "$FLOOD_SOURCES" -f "$flows" -P "$NEXT_PORT" \
        -m "$mode" "$@")
    NEXT_PORT=$(( NEXT_PORT + flows ))
}

settle() { # until the queues are empty (at most 10 s)
    local i
    for (( i = 0; i < 100; i++ )); do
        [[ $(kernel_queue_sums | cut -d' ' -f1) == 0 ]] && return 0
        sleep 0.1
    done
}

# steady_begin, then steady_end NAME Q VERDICTED: the sender at its top rate. The caller counts
# what the loop verdicted meanwhile, since the C loop only reports when it stops.
steady_begin() {
    S_RULE=$(queued_by_rule)
    S_ARRIVED=$(arrived_at_server)
    S_DROPPED=$(kernel_queue_sums | cut -d' ' -f2)
    flood -t "$STEADY_SECONDS"
    S_LINE=$FLOOD
    settle
}

steady_end() { # NAME Q VERDICTED
    local name=$1 q=$2 verdicted=$3 sent queued arrived dropped
    sent=$(field sent "$S_LINE")
    queued=$(( $(queued_by_rule) - S_RULE ))
    arrived=$(( $(arrived_at_server) - S_ARRIVED ))
    dropped=$(( $(kernel_queue_sums | cut -d' ' -f2) - S_DROPPED ))
    result "steady_pps.$name.q$q" "$(field pps "$S_LINE")"
    result "steady_sent.$name.q$q" "$sent"
    result "steady_lost.$name.q$q" $(( sent - arrived ))
    result "steady_failopen.$name.q$q" $(( queued - verdicted ))
    result "steady_kernel_dropped.$name.q$q" "$dropped"
}

drain() { # NAME Q MODE: DRAIN_RUNS times: stop the loop, fill the queue, let it go; the median pps
    local name=$1 q=$2 mode=$3 run rates=() line waiting i
    for (( run = 0; run < DRAIN_RUNS; run++ )); do
        fw conntrack -F 2>/dev/null || true   # room for the run's new flows
        kill -STOP "$LOOP_PID"
        flood "$mode" -n "$DRAIN_PACKETS" -t 30
        # The last packets may still be on their way into the queue.
        for (( i = 0; i < 50; i++ )); do
            waiting=$(kernel_queue_sums | cut -d' ' -f1)
            (( waiting >= DRAIN_PACKETS )) && break
            sleep 0.1
        done
        line=$(fw "$LOAD" drain -q "$(seq -s, 0 $(( q - 1 )))" -P "$LOOP_PID" -e "$DRAIN_PACKETS" -t 20) \
            || die "drain of $name with $q queue(s) failed (queued: $waiting of $DRAIN_PACKETS; flood: $FLOOD;" \
                "kernel queues: $(fw cat /proc/net/netfilter/nfnetlink_queue | tr '\n' ';'))"
        rates+=("$(field pps "$line")")
        printf 'drain %s q%s %s run %d: %s\n' "$name" "$q" "$mode" "$run" "$line" >>"$RESULTS"
        settle
    done
    result "drain_pps.$name.q$q.$mode" "$(printf '%s\n' "${rates[@]}" | median)"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

rtt() { # NAME: RUNS times; the median p50 and the median p99 (this VM's timing varies from run to run)
    local line run p50=() p99=()
    for (( run = 0; run < RUNS; run++ )); do
        line=$(client "$LOAD" rtt -d "$SERVER" -p "$HTTP_PORT" -n "$RTT_COUNT" -t 60)
        printf 'rtt %s run %d: %s\n' "$1" "$run" "$line" >>"$RESULTS"
        p50+=("$(field p50_us "$line")")
        p99+=("$(field p99_us "$line")")
    done
    result "rtt_p50.$1" "$(printf '%s\n' "${p50[@]}" | median)"
    result "rtt_p99.$1" "$(printf '%s\n' "${p99[@]}" | median)"
}

rps() { # NAME
    local line
    # A new connection per request leaves one conntrack entry in TIME_WAIT per request: start
    # each run with an empty table, so no run is slowed by a full one (nf_conntrack_max).
    fw conntrack -F 2>/dev/null || true
    line=$(client "$LOAD" rps -d "$SERVER" -p "$HTTP_PORT" -t "$RPS_SECONDS" -c "$RPS_CONCURRENCY" -S "$RPS_SOURCES")
    result "rps.$1" "$(field rps "$line")"
    result "rps_errors.$1" "$(field errors "$line")"
}

bulk() { # NAME: RUNS downloads; the median rate
    local line run rates=()
    for (( run = 0; run < RUNS; run++ )); do
        line=$(client "$LOAD" get -d "$SERVER" -p "$HTTP_PORT" -b "$BULK_BYTES" -t 120)
        printf 'bulk %s run %d: %s\n' "$1" "$run" "$line" >>"$RESULTS"
        rates+=("$(field mbit_s "$line")")
    done
    result "bulk_mbit.$1" "$(printf '%s\n' "${rates[@]}" | median)"
}

build_lab() {
    lab_up "$LAB" || die "could not build the lab"
    local i
    # More client addresses, so the kernel's address hash spreads connections over the queues.
    for (( i = 10; i <= 41; i++ )); do client ip addr add "10.99.1.$i/24" dev eth0; done
    client sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65535"
    server sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
    # The flood's sink: counted and dropped before the server's TCP stack would answer it.
    server iptables-legacy -t raw -A PREROUTING -p tcp --dport "$FLOOD_PORT" -j DROP
    # The flood's flows have no handshake: conntrack must not call their segments invalid.
    modprobe nf_conntrack 2>/dev/null || true
    fw iptables-legacy -t raw -A PREROUTING -j ACCEPT   # loads conntrack in the namespace
    fw sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
    # The requests-per-second runs close about 100,000 connections each; their TIME_WAIT
    # entries must not fill the conntrack table (a full table drops new flows before the queue).
    fw sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_time_wait=2
    (run_in server "$LOAD" serve -p "$HTTP_PORT" >"$WORK/server.out" 2>&1) &
    for (( i = 0; i < 50; i++ )); do
        grep -q listening "$WORK/server.out" 2>/dev/null && return 0
        sleep 0.1
    done
    die "the benchmark server did not start (see $WORK/server.out)"
}

main() {
    [[ $(id -u) -eq 0 ]] || die "run as root: the benchmark builds network namespaces"
    mkdir -p "$WORK"
    rm -f "$RESULTS" "$WORK"/*.log "$WORK/control.sock"
    say "building native/ and $JAR"
    make -s -C native >&2 || die "make -C native failed (sudo scripts/setup installs gcc and the -dev packages)"
    [[ -f $JAR ]] || mvn -q -B -o package -DskipTests >&2 || die "the Maven build failed"
    [[ -z $(lab_list "$LAB") ]] || lab_down "$LAB"
    trap cleanup EXIT INT TERM
    declare -gA R=()
    nfqwall check "$RULES" >&2 || die "$RULES does not check"
    build_lab

    say "no queue: round trip, requests per second, bulk"
    rtt none
    rps none
    bulk none

    local q v0 d0
    for q in $QUEUE_COUNTS; do
        apply_ruleset "$q"

        say "C loop, $q queue(s): steady, drain, round trip, requests per second"
        start_c_loop "$q"
        steady_begin
        stop_loop
        steady_end c "$q" "$(awk '/^total packets=/ { sub(/.*=/, ""); print }' "$WORK/cloop.out")"
        start_c_loop "$q"
        drain c "$q" head
        drain c "$q" body
        if (( q == 1 )); then rtt c; fi
        rps "c.q$q"
        stop_loop

        say "nfqwall, $q queue(s): warm-up, steady, drain, round trip, requests per second, bulk"
        warm_nfqwall "$q"
        v0=$(nfqwall_counter packets)
        d0=$(nfqwall_counter reassembly_no_room reassembly_conflicts truncated_dropped | awk '{ print $1 + $2 + $3 }')
        steady_begin
        steady_end nfqwall "$q" $(( $(nfqwall_counter packets) - v0 ))
        # Segments nfqwall itself dropped (no room to hold them out of order, conflicting copies, cut).
        result "steady_engine_drops.nfqwall.q$q" $(( $(nfqwall_counter reassembly_no_room reassembly_conflicts \
            truncated_dropped | awk '{ print $1 + $2 + $3 }') - d0 ))
        # Packets waved through at the top rate leave broken flows: measure the rest afresh.
        result "steady_broken_flows.nfqwall.q$q" "$(nfqwall_counter buffers_exhausted)"
        warm_nfqwall "$q"
        drain nfqwall "$q" head
        drain nfqwall "$q" body
        if (( q == 1 )); then rtt nfqwall; fi
        rps "nfqwall.q$q"
        bulk "nfqwall.q$q"
        stop_loop
        grep -E 'stopped:' "$WORK/nfqwall-q$q.log" >>"$RESULTS" || true

        apply_ruleset "$q" --remove
    done
    print_table | tee "$OUT/lab.txt"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b <= 0) print "-"; else printf "%.2f", a / b }'; }
meets() { # RATIO OP TARGET
    awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { if (r == "-") print "-"; else if ((op == ">=" && r >= t) || (op == "<=" && r <= t)) print "yes"; else print "NO" }'
}

row() { # MEASURE QUEUES NONE C NFQWALL RATIO TARGET
    local met=${8:-}
    [[ -z $met ]] && met=$( [[ $7 == - ]] && echo - || meets "$6" "${7%% *}" "${7#* }")
    printf '%-40s %6s %11s %11s %11s %7s %9s %4s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$met"
}

print_table() {
    local q k
    echo "nfqwall data-path benchmark, $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs, $(java -version 2>&1 | head -1)"
    echo "traffic: TCP segments with an HTTP/1.1 request head each, $(( 32 * FLOOD_FLOWS_PER_SOURCE )) flows from 32 sources;"
    echo "nfqwall: 1,000 rules, every flood packet inspected, --buffer-memory $BUFFER_MIB; both loops: queue length $QUEUE_LENGTH,"
    echo "socket buffer $SOCKET_BUFFER_MIB MiB. A steady run whose flows were left uninspected (no buffer) does not count."
    echo
    row "measure" "queues" "no queue" "C loop" "nfqwall" "ratio" "target" "met"
    for q in $QUEUE_COUNTS; do
        k=drain_pps
        row "drain: request heads, kpps (median)" "$q" - "$(kpps "${R[$k.c.q$q.head]:--}")" "$(kpps "${R[$k.nfqwall.q$q.head]:--}")" \
            "$(ratio "${R[$k.nfqwall.q$q.head]:--}" "${R[$k.c.q$q.head]:--}")" ">= 0.90"
        row "drain: body segments, kpps (median)" "$q" - "$(kpps "${R[$k.c.q$q.body]:--}")" "$(kpps "${R[$k.nfqwall.q$q.body]:--}")" \
            "$(ratio "${R[$k.nfqwall.q$q.body]:--}" "${R[$k.c.q$q.body]:--}")" ">= 0.90"
        row "steady: sender rate, kpps" "$q" - "$(kpps "${R[steady_pps.c.q$q]:--}")" "$(kpps "${R[steady_pps.nfqwall.q$q]:--}")" - -
        row "steady: lost packets" "$q" - "${R[steady_lost.c.q$q]:--}" "${R[steady_lost.nfqwall.q$q]:--}" - -
        row "steady: of those, dropped by nfqwall" "$q" - - "${R[steady_engine_drops.nfqwall.q$q]:--}" - -
        row "steady: waved through (fail-open)" "$q" - "${R[steady_failopen.c.q$q]:--}" "${R[steady_failopen.nfqwall.q$q]:--}" - -
        row "steady: kernel queue drops" "$q" - "${R[steady_kernel_dropped.c.q$q]:--}" "${R[steady_kernel_dropped.nfqwall.q$q]:--}" - -
        row "steady: flows left uninspected" "$q" - - "${R[steady_broken_flows.nfqwall.q$q]:--}" - -
    done
    row "round trip p50, us (median of $RUNS)" 1 "${R[rtt_p50.none]:--}" "${R[rtt_p50.c]:--}" "${R[rtt_p50.nfqwall]:--}" \
        "$(ratio "${R[rtt_p50.nfqwall]:--}" "${R[rtt_p50.c]:--}")" "<= 1.10"
    row "round trip p99, us (median of $RUNS)" 1 "${R[rtt_p99.none]:--}" "${R[rtt_p99.c]:--}" "${R[rtt_p99.nfqwall]:--}" \
        "$(ratio "${R[rtt_p99.nfqwall]:--}" "${R[rtt_p99.c]:--}")" "<= 1.10"
    row "added round trip p50 / p99, us" 1 - \
        "$(sub "${R[rtt_p50.c]:--}" "${R[rtt_p50.none]:--}") / $(sub "${R[rtt_p99.c]:--}" "${R[rtt_p99.none]:--}")" \
        "$(sub "${R[rtt_p50.nfqwall]:--}" "${R[rtt_p50.none]:--}") / $(sub "${R[rtt_p99.nfqwall]:--}" "${R[rtt_p99.none]:--}")" - -
    for q in $QUEUE_COUNTS; do
        row "HTTP requests/s, new connection each" "$q" "${R[rps.none]:--}" "${R[rps.c.q$q]:--}" "${R[rps.nfqwall.q$q]:--}" \
            "$(ratio "${R[rps.nfqwall.q$q]:--}" "${R[rps.none]:--}")" ">= 0.80"
    done
    for q in $QUEUE_COUNTS; do
        row "bulk $(( BULK_BYTES / 1000000 )) MB download, Mbit/s (median)" "$q" "${R[bulk_mbit.none]:--}" - "${R[bulk_mbit.nfqwall.q$q]:--}" \
            "$(ratio "${R[bulk_mbit.nfqwall.q$q]:--}" "${R[bulk_mbit.none]:--}")" ">= 0.95"
    done
    echo
    echo "ratio: nfqwall / C loop for drain and round trip, nfqwall / no queue for requests and bulk."
    echo "requests/s errors: none ${R[rps_errors.none]:--}$(for q in $QUEUE_COUNTS; do printf ', C q%s %s, nfqwall q%s %s' "$q" "${R[rps_errors.c.q$q]:--}" "$q" "${R[rps_errors.nfqwall.q$q]:--}"; done)"
}

kpps() { awk -v v="${1:--}" 'BEGIN { if (v == "-") print "-"; else printf "%.1f", v / 1000 }'; }
sub() { awk -v a="${1:--}" -v b="${2:--}" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.0f", a - b }'; }

main "$@"
