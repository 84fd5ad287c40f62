#!/usr/bin/env python3
"""Sends one hand-made TCP packet through a raw socket, so that a kernel test can see which
iptables rule it hits (see IptablesRulesetTrafficIT). The IP and TCP headers are built here,
byte by byte: IP options, fragments, IPv6 extension headers, any TCP data offset and payload.
Checksums are left zero: iptables does not look at them.

    raw_tcp.py --src ADDR --dst ADDR --dport N [--flags A] [--doff D] [--options-bytes N]
               [--payload N] [--ip-options WORDS] [--more-fragments] [--dest-options]

--doff is the data offset written into the header; --options-bytes how many option bytes
(NOPs) really follow the 20-byte TCP header (default: 4*(doff-5), fewer makes a truncated header).
"""

import argparse
import ipaddress
import random
import socket
import struct

IP_NODEFRAG = 22  # linux/in.h: netfilter must not reassemble what this socket sends
FLAG_BITS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20}


def tcp_segment(args):
    flags = 0
    for letter in args.flags:
        flags |= FLAG_BITS[letter]
    options = args.options_bytes if args.options_bytes is not None else 4 * max(args.doff - 5, 0)
    header = struct.pack("!HHIIBBHHH", random.randint(20000, 60000), args.dport, 1000, 2000,
                         (args.doff & 0xF) << 4, flags, 64240, 0, 0)
    return header + b"\x01" * options + b"x" * args.payload


def ipv4_packet(args, segment):
    options = b"\x01" * (4 * args.ip_options)  # NOPs, whole 32-bit words
    ihl = 5 + args.ip_options
    frag = 0x2000 if args.more_fragments else 0
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(segment), 0, frag, 64, 6, 0,
                         ipaddress.IPv4Address(args.src).packed, ipaddress.IPv4Address(args.dst).packed)
    return header + options + segment


def ipv6_packet(args, segment):
    if args.dest_options:
        # Destination options: next header TCP, length 0 (8 bytes), one PadN option of 4 bytes.
        payload = struct.pack("!BBBB4x", 6, 0, 1, 4) + segment
        next_header = 60
    else:
        payload = segment
        next_header = 6
    header = struct.pack("!IHBB16s16s", 6 << 28, len(payload), next_header, 64,
                         ipaddress.IPv6Address(args.src).packed, ipaddress.IPv6Address(args.dst).packed)
    return header + payload


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", required=True)
    parser.add_argument("--dst", required=True)
    parser.add_argument("--dport", type=int, required=True)
    parser.add_argument("--flags", default="A", help="letters of F S R P A U, e.g. A or SA")
    parser.add_argument("--doff", type=int, default=5)
    parser.add_argument("--options-bytes", type=int)
    parser.add_argument("--payload", type=int, default=0)
    parser.add_argument("--ip-options", type=int, default=0, help="IPv4 option words (NOPs)")
    parser.add_argument("--more-fragments", action="store_true", help="IPv4: set MF (a first fragment)")
    parser.add_argument("--dest-options", action="store_true", help="IPv6: add a destination options header")
    args = parser.parse_args()
    segment = tcp_segment(args)
    if ":" in args.dst:
        packet = ipv6_packet(args, segment)
        with socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
            s.sendto(packet, (args.dst, 0, 0, 0))
    else:
        packet = ipv4_packet(args, segment)
        with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
            s.setsockopt(socket.SOL_IP, IP_NODEFRAG, 1)
            s.sendto(packet, (args.dst, 0))
    print(len(packet))


if __name__ == "__main__":
    main()
