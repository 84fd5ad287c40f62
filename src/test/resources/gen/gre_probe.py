#!/usr/bin/env python3
"""Sends one hand-made GRE-over-IPv4 packet through a raw socket, so that a kernel test can see
which GRE key rules it hits (see GreU32TrafficIT). Both headers are built here, byte by byte:
any IHL (NOP options), the GRE C, R, K, S bits, the version and other flag bits, fragments,
truncated packets. The kernel fills in the IP total length and header checksum (IP_HDRINCL);
nothing else is touched.

    gre_probe.py --src ADDR --dst ADDR [--ihl 5..15] [--c] [--r] [--k] [--s] [--version V]
                 [--extra-flags BITS] [--key K] [--frag-offset UNITS] [--mf] [--truncate N]
                 [--protocol P] [--payload N]

GRE (RFC 2784, 2890, 1701): flags word, then checksum/offset (when C or R), key (K), sequence
(S), then the payload. --truncate cuts everything after the IP header to N bytes; --frag-offset
writes the fragment offset (in 8-byte units) without changing the bytes, so a later fragment
carries what looks like a GRE header and only the offset tells it apart.
"""

import argparse
import ipaddress
import socket
import struct

IP_NODEFRAG = 22  # linux/in.h: netfilter must not reassemble what this socket sends


def gre_bytes(args):
    flags = args.version & 0x7 | args.extra_flags
    flags |= 0x8000 if args.c else 0
    flags |= 0x4000 if args.r else 0
    flags |= 0x2000 if args.k else 0
    flags |= 0x1000 if args.s else 0
    data = struct.pack("!HH", flags, 0x0800)  # protocol type: IPv4 inside
    if args.c or args.r:
        data += struct.pack("!HH", 0xC0DE, 0)  # checksum (not verified by any matcher) and reserved1/offset
    if args.k:
        data += struct.pack("!I", args.key)
    if args.s:
        data += struct.pack("!I", 7)
    data += bytes(i % 256 for i in range(args.payload))
    if args.truncate is not None:
        data = data[:args.truncate]
    return data


def ipv4_packet(args, payload):
    options = b"\x01" * (4 * (args.ihl - 5))  # NOPs, whole 32-bit words
    fragment = (0x2000 if args.mf else 0) | (args.frag_offset & 0x1FFF)
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | args.ihl, 0, 4 * args.ihl + len(payload), 0x4242,
                         fragment, 64, args.protocol, 0,
                         ipaddress.IPv4Address(args.src).packed, ipaddress.IPv4Address(args.dst).packed)
    return header + options + payload


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", required=True)
    parser.add_argument("--dst", required=True)
    parser.add_argument("--ihl", type=int, default=5, choices=range(5, 16))
    parser.add_argument("--c", action="store_true", help="checksum present")
    parser.add_argument("--r", action="store_true", help="routing present (RFC 1701)")
    parser.add_argument("--k", action="store_true", help="key present")
    parser.add_argument("--s", action="store_true", help="sequence number present")
    parser.add_argument("--version", type=int, default=0)
    parser.add_argument("--extra-flags", type=lambda v: int(v, 0), default=0,
                        help="more bits of the first 16, e.g. 0x0800 (strict source route)")
    parser.add_argument("--key", type=lambda v: int(v, 0), default=1)
    parser.add_argument("--frag-offset", type=int, default=0, help="fragment offset, in 8-byte units")
    parser.add_argument("--mf", action="store_true", help="more fragments")
    parser.add_argument("--truncate", type=int, help="keep only this many bytes after the IP header")
    parser.add_argument("--protocol", type=int, default=47)
    parser.add_argument("--payload", type=int, default=20, help="bytes after the GRE header")
    args = parser.parse_args()
    packet = ipv4_packet(args, gre_bytes(args))
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
        s.setsockopt(socket.SOL_IP, IP_NODEFRAG, 1)
        s.sendto(packet, (args.dst, 0))
    print(len(packet))


if __name__ == "__main__":
    main()
