#!/usr/bin/env python3
"""Sends a bounded burst of malformed IPv4/TCP packets towards DST:PORT through the firewall.

Variants, in turn: TCP data offset below 5, data offset beyond the packet, a TCP header cut short
by the IP total length, a wrong TCP checksum, and garbage bytes after a valid header. The kernel
forwards them (the generated rules only look at the ports); the daemon must count them, give
them the default verdict and keep deciding real traffic correctly. Raw socket: needs root.
"""
import argparse
import random
import socket
import struct
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_segment(src, dst, sport, dport, doff_words, payload, good_checksum=True):
    header = struct.pack("!HHIIBBHHH", sport, dport, random.getrandbits(32), 0,
                         (doff_words & 0xF) << 4, 0x18, 65535, 0, 0)
    seg = header + payload
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(seg))
    csum = checksum(pseudo + seg)
    if not good_checksum:
        csum ^= 0x5A5A
    return seg[:16] + struct.pack("!H", csum) + seg[18:]


def ipv4(src, dst, body, total_length=None):
    total = total_length if total_length is not None else 20 + len(body)
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, random.getrandbits(16), 0, 64, 6, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    return header + body


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--src", help="source address (default: the route's)")
    ap.add_argument("--dst", required=True)
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--max-seconds", type=float, default=20)
    args = ap.parse_args()
    count = max(0, min(args.count, 1_000_000))
    src = args.src
    if not src:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect((args.dst, args.port))
        src = probe.getsockname()[0]
        probe.close()
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    deadline = time.monotonic() + args.max_seconds
    sent = 0
    for i in range(count):
        if time.monotonic() > deadline:
            break
        sport = 20000 + (i % 20000)
        kind = i % 5
        if kind == 0:
            pkt = ipv4(src, args.dst, tcp_segment(src, args.dst, sport, args.port, 2, b"GET / HTTP/1.1\r\n\r\n"))
        elif kind == 1:
            pkt = ipv4(src, args.dst, tcp_segment(src, args.dst, sport, args.port, 15, b"x"))
        elif kind == 2:
            seg = tcp_segment(src, args.dst, sport, args.port, 5, b"")
            pkt = ipv4(src, args.dst, seg[:12], total_length=32)
        elif kind == 3:
            pkt = ipv4(src, args.dst, tcp_segment(src, args.dst, sport, args.port, 5,
                                                   b"GET /APP2/x HTTP/1.1\r\nHost: www.example.com\r\n\r\n", False))
        else:
            pkt = ipv4(src, args.dst, tcp_segment(src, args.dst, sport, args.port, 5, random.randbytes(64)))
        try:
            sock.sendto(pkt, (args.dst, 0))
            sent += 1
        except OSError:
            pass
        if i % 200 == 199:
            time.sleep(0.01)
    print('{"sent": %d}' % sent)


if __name__ == "__main__":
    main()
