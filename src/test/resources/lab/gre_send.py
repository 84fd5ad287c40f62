#!/usr/bin/env python3
"""Sends one TCP conversation opening inside a GRE tunnel, crafted by hand (this kernel has no GRE device).

Each packet is an outer IPv4 header (IP_HDRINCL, protocol 47), a GRE header (RFC 2784 with the
key and sequence number of RFC 2890, optional checksum) and an inner IPv4 or IPv6 packet with a
TCP segment whose checksum is right: first a SYN, then a PSH|ACK segment carrying an HTTP request
head for --host and --path, then (with --tail TEXT) one more data segment right after the head.
Nothing is answered or awaited: the far side has no tunnel either. --gap-ms pauses between packets.
It prints one JSON object and exits 0:
  {"sent": 3, "key": 22, "inner": 4, "head_bytes": 61, "error": null}
With --hex it prints each packet in hex, one a line, and sends nothing (for fixtures).
Exit code 2 on bad arguments.

Usage: gre_send.py --src A --dst B [--key N] [--checksum] [--sequence N] --inner-src A --inner-dst B
                   [--sport N] [--dport N] --host H [--path P] [--tail TEXT] [--gap-ms MS] [--hex]
"""
import argparse
import ipaddress
import json
import socket
import struct
import sys
import time

GRE_CHECKSUM, GRE_KEY, GRE_SEQUENCE = 0x8000, 0x2000, 0x1000
SYN, PSH, ACK = 0x02, 0x08, 0x10
FIRST_SEQ = 1000


def checksum(data):
    """The Internet checksum (RFC 1071), complemented."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tcp_segment(src, dst, sport, dport, seq, flags, payload):
    """A TCP header (no options) and payload, checksummed over the pseudo header of RFC 9293 / RFC 8200."""
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, 1 if flags & ACK else 0, 5 << 4, flags, 65535, 0, 0)
    length = len(header) + len(payload)
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 6, length)
    else:
        pseudo = src.packed + dst.packed + struct.pack("!IxxxB", length, 6)
    sum_ = checksum(pseudo + header + payload)
    return header[:16] + struct.pack("!H", sum_) + header[18:] + payload


def ip_packet(src, dst, protocol, payload):
    """An IPv4 header (no options, DF, header checksum) or an IPv6 header, then the payload."""
    if src.version == 4:
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, protocol, 0,
                             src.packed, dst.packed)
        header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
        return header + payload
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), protocol, 64, src.packed, dst.packed) + payload


def gre(inner, inner_version, key, with_checksum, sequence):
    flags = (GRE_CHECKSUM if with_checksum else 0) | (GRE_KEY if key is not None else 0) \
        | (GRE_SEQUENCE if sequence is not None else 0)
    header = struct.pack("!HH", flags, 0x0800 if inner_version == 4 else 0x86DD)
    if with_checksum:
        header += b"\0\0\0\0"
    if key is not None:
        header += struct.pack("!I", key)
    if sequence is not None:
        header += struct.pack("!I", sequence)
    packet = header + inner
    if with_checksum:
        packet = packet[:4] + struct.pack("!H", checksum(packet)) + packet[6:]
    return packet


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", required=True, help="outer (tunnel) source, IPv4")
    parser.add_argument("--dst", required=True, help="outer (tunnel) destination, IPv4")
    parser.add_argument("--key", type=lambda s: int(s, 0), help="GRE key (0..4294967295)")
    parser.add_argument("--checksum", action="store_true", help="add the GRE checksum")
    parser.add_argument("--sequence", type=lambda s: int(s, 0), help="first GRE sequence number")
    parser.add_argument("--inner-src", required=True)
    parser.add_argument("--inner-dst", required=True)
    parser.add_argument("--sport", type=int, default=40000)
    parser.add_argument("--dport", type=int, default=80)
    parser.add_argument("--host", required=True, help="Host header of the request head")
    parser.add_argument("--path", default="/")
    parser.add_argument("--tail", help="text of a data segment sent after the head")
    parser.add_argument("--gap-ms", type=float, default=20.0)
    parser.add_argument("--hex", action="store_true", help="print the packets in hex instead of sending")
    args = parser.parse_args()
    try:
        outer_src, outer_dst = ipaddress.IPv4Address(args.src), ipaddress.IPv4Address(args.dst)
        inner_src, inner_dst = ipaddress.ip_address(args.inner_src), ipaddress.ip_address(args.inner_dst)
    except ValueError as e:
        parser.error(str(e))
    if inner_src.version != inner_dst.version:
        parser.error("--inner-src and --inner-dst must both be IPv4 or both IPv6")
    if args.key is not None and not 0 <= args.key <= 0xFFFFFFFF:
        parser.error("--key must be 0..4294967295")

    head = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: gre_send\r\n\r\n" % (args.path, args.host)).encode("ascii")
    segments = [(FIRST_SEQ, SYN, b""), (FIRST_SEQ + 1, PSH | ACK, head)]
    if args.tail is not None:
        segments.append((FIRST_SEQ + 1 + len(head), PSH | ACK, args.tail.encode("ascii")))
    packets = []
    for i, (seq, flags, payload) in enumerate(segments):
        inner = ip_packet(inner_src, inner_dst, 6,
                          tcp_segment(inner_src, inner_dst, args.sport, args.dport, seq, flags, payload))
        sequence = None if args.sequence is None else (args.sequence + i) & 0xFFFFFFFF
        packets.append(ip_packet(outer_src, outer_dst, 47,
                                 gre(inner, inner_src.version, args.key, args.checksum, sequence)))
    if args.hex:
        for p in packets:
            print(p.hex())
        return 0

    sent, error = 0, None
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
            for p in packets:
                if sent:
                    time.sleep(args.gap_ms / 1000.0)
                s.sendto(p, (str(outer_dst), 0))
                sent += 1
    except OSError as e:
        error = "%s: %s" % (type(e).__name__, e)
    print(json.dumps({"sent": sent, "key": args.key, "inner": inner_src.version, "head_bytes": len(head),
                      "error": error}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
