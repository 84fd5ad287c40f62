#!/bin/sh
# Recaptures the packet fixtures in this directory from real traffic (run as root, from this directory).
# Everything happens between two throw-away network namespaces joined by a veth pair (private
# addresses 10.99.0.0/24 and fd00:99::/64); tcpdump listens on the client's end:
#   - MTU 1280, so 1300-byte datagrams are fragmented by the sending kernel (IPv4 and IPv6);
#   - checksum offload off on veth (loopback cannot turn it off), so the captured TCP/UDP
#     checksums are the real ones;
#   - a python http.server answers two curl GETs (IPv4 and IPv6), a python sender makes UDP
#     datagrams, one with IPv4 options, large ones with IPv6 hop-by-hop and destination options.
# tcpdump -w records the traffic; the python below picks one packet per fixture and writes hex.
# Check the checksums independently with: tcpdump -vv -r capture.pcap
set -eu
C=nfqw-packet-client
S=nfqw-packet-server
PCAP=${PCAP:-/tmp/nfqw-packet-fixtures.pcap}
cleanup() {
    for ns in $C $S; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
}
trap cleanup EXIT INT TERM
cleanup
ip netns add $C
ip netns add $S
ip -n $C link add a0 mtu 1280 type veth peer name b0 netns $S mtu 1280
ip -n $C addr add 10.99.0.1/24 dev a0
ip -n $C addr add fd00:99::1/64 dev a0 nodad
ip -n $S addr add 10.99.0.2/24 dev b0
ip -n $S addr add fd00:99::2/64 dev b0 nodad
ip -n $C link set a0 up
ip -n $S link set b0 up
ip netns exec $C ethtool -K a0 tx off tso off gso off >/dev/null
ip netns exec $S ethtool -K b0 tx off tso off gso off >/dev/null
ip netns exec $C tcpdump -i a0 -s 0 -U -w "$PCAP" 2>/dev/null &
ip netns exec $S python3 -m http.server --bind :: 8080 >/dev/null 2>&1 &
sleep 1.5
ip netns exec $C curl -s -m 5 -o /dev/null http://10.99.0.2:8080/index.html
ip netns exec $C curl -s -m 5 -o /dev/null 'http://[fd00:99::2]:8080/index.html'
ip netns exec $C python3 - <<'PY'
import socket
u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u4.sendto(b"hello nfqwall\n", ("10.99.0.2", 9999))
o4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# Record Route (type 7, 2 slots) + End of Option List: 12 option bytes, IHL 8.
o4.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([7, 11, 4] + [0] * 8 + [0]))
o4.sendto(b"options\n", ("10.99.0.2", 9999))
f4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
f4.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: allow fragments
f4.sendto(bytes(i % 251 for i in range(1300)), ("10.99.0.2", 9998))
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u6.sendto(b"hello nfqwall\n", ("fd00:99::2", 9999))
hop = bytes([0, 0, 5, 2, 0, 0, 1, 0])           # Router Alert (MLD value 0) + PadN
dst = bytes([0, 0, 0x1e, 2, 0xab, 0xcd, 0, 0])   # experimental option, "skip if unknown" + 2 Pad1
u6.sendmsg([bytes(i % 253 for i in range(1300))],
           [(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, hop),
            (socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, dst)], 0, ("fd00:99::2", 9997))
PY
sleep 1
ip netns pids $C | xargs -r kill
sleep 0.5
python3 - "$PCAP" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
magic = struct.unpack("<I", data[:4])[0]
assert magic == 0xa1b2c3d4, hex(magic)
linktype = struct.unpack("<I", data[20:24])[0]
assert linktype == 1, linktype     # Ethernet (veth)
packets, at = [], 24
while at + 16 <= len(data):
    incl = struct.unpack("<I", data[at + 8:at + 12])[0]
    frame = data[at + 16:at + 16 + incl]
    at += 16 + incl
    if frame[12:14] in (b"\x08\x00", b"\x86\xdd"):
        packets.append(frame[14:])

def first(pred, what):
    for p in packets:
        if pred(p):
            return p
    raise SystemExit("no packet for " + what)

def v4(p): return p[0] >> 4 == 4
def v6(p): return p[0] >> 4 == 6
def ihl(p): return (p[0] & 15) * 4
def frag4(p): return struct.unpack(">H", p[6:8])[0]

fixtures = {
    "ipv4-tcp-syn": (lambda p: v4(p) and p[9] == 6 and p[ihl(p) + 13] == 0x02,
                     "IPv4 TCP SYN from curl to python3 -m http.server"),
    "ipv4-tcp-http-get": (lambda p: v4(p) and p[9] == 6 and b"GET /" in p,
                          "IPv4 TCP segment carrying curl's HTTP GET request head"),
    "ipv4-udp": (lambda p: v4(p) and p[9] == 17 and ihl(p) == 20 and b"hello nfqwall" in p,
                 "IPv4 UDP datagram 'hello nfqwall'"),
    "ipv4-udp-options": (lambda p: v4(p) and p[9] == 17 and ihl(p) > 20 and b"options" in p,
                         "IPv4 UDP datagram with a Record Route option (IHL 8)"),
    "ipv4-fragment-first": (lambda p: v4(p) and p[9] == 17 and frag4(p) == 0x2000,
                            "IPv4 first fragment (MF, offset 0) of a 1300-byte UDP datagram"),
    "ipv4-fragment-later": (lambda p: v4(p) and p[9] == 17 and frag4(p) & 0x1fff != 0,
                            "IPv4 last fragment (offset != 0) of the same UDP datagram"),
    "ipv4-icmp-port-unreachable": (lambda p: v4(p) and p[9] == 1,
                                   "IPv4 ICMP port unreachable answering the UDP datagram (not TCP/UDP)"),
    "ipv6-udp": (lambda p: v6(p) and p[6] == 17 and b"hello nfqwall" in p,
                 "IPv6 UDP datagram 'hello nfqwall'"),
    "ipv6-tcp-http-get": (lambda p: v6(p) and p[6] == 6 and b"GET /" in p,
                          "IPv6 TCP segment carrying curl's HTTP GET request head"),
    "ipv6-hbh-dst-fragment-first": (
        lambda p: v6(p) and p[6] == 0 and p[48] == 44 and struct.unpack(">H", p[58:60])[0] & 0xfff8 == 0,
        "IPv6 first fragment: Hop-by-Hop, Destination Options, Fragment, UDP (1300-byte datagram)"),
    "ipv6-fragment-later": (
        lambda p: v6(p) and p[6] == 0 and p[48] == 44 and struct.unpack(">H", p[58:60])[0] & 0xfff8 != 0,
        "IPv6 later fragment: Hop-by-Hop, Destination Options, Fragment (offset != 0)"),
}
for name, (pred, what) in fixtures.items():
    p = first(pred, name)
    with open(name + ".hex", "w") as out:
        out.write("# " + what + ".\n")
        out.write("# Captured with tcpdump on a veth between two network namespaces (capture-fixtures.sh);\n")
        out.write("# the link-layer header is removed, the IP packet is verbatim (%d bytes).\n" % len(p))
        for i in range(0, len(p), 32):
            out.write(" ".join(p[j:j + 16].hex() for j in range(i, min(i + 32, len(p)), 16)) + "\n")
    print(name, len(p))
PY
