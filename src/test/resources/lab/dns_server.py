#!/usr/bin/env python3
"""A tiny authoritative DNS server over UDP for the nfqwall lab.

It answers every query from a fixed table given as arguments, NAME=TYPE:VALUE, e.g.
  www.steer.test=A:10.99.2.77  alias.test=CNAME:edge.cdn.test  edge.cdn.test=A:10.99.2.78
  v6.steer.test=AAAA:fd99:2::77
A query for a name in the table gets its records; CNAME records are followed (at most 8 links)
and the target's records are added, as a recursive resolver's answer has them. Other names get
NXDOMAIN. The first record's owner is compressed to the question (a pointer to offset 12).
Once bound it prints "READY <port>"; it exits by itself after --max-seconds.

Usage: dns_server.py [--port 53] [--bind 0.0.0.0] [--max-seconds S] NAME=TYPE:VALUE...
"""
import argparse
import ipaddress
import socket
import struct
import sys
import time

TYPES = {"A": 1, "CNAME": 5, "AAAA": 28}


def wire_name(name):
    out = b""
    for label in name.strip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def read_question(msg):
    pos, labels = 12, []
    while msg[pos] != 0:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n].decode("ascii"))
        pos += n + 1
    qtype, qclass = struct.unpack(">HH", msg[pos + 1:pos + 5])
    return ".".join(labels).lower(), qtype, msg[12:pos + 5]


def rdata(rtype, value):
    if rtype == "A":
        return ipaddress.IPv4Address(value).packed
    if rtype == "AAAA":
        return ipaddress.IPv6Address(value).packed
    return wire_name(value)


def answer(msg, table):
    qid = msg[:2]
    name, qtype, question = read_question(msg)
    records, seen = [], set()
    current = name
    for _ in range(8):
        if current in seen or current not in table:
            break
        seen.add(current)
        records += [(current, t, v) for t, v in table[current]]
        cnames = [v for t, v in table[current] if t == "CNAME"]
        if not cnames:
            break
        current = cnames[0].lower()
    flags = 0x8180 if records else 0x8183
    out = qid + struct.pack(">HHHHH", flags, 1, len(records), 0, 0) + question
    for i, (owner, rtype, value) in enumerate(records):
        owner_wire = b"\xc0\x0c" if owner == name else wire_name(owner)
        data = rdata(rtype, value)
        out += owner_wire + struct.pack(">HHIH", TYPES[rtype], 1, 60, len(data)) + data
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("records", nargs="+", help="NAME=TYPE:VALUE")
    args = parser.parse_args()
    table = {}
    for r in args.records:
        name, rest = r.split("=", 1)
        rtype, value = rest.split(":", 1)
        table.setdefault(name.lower(), []).append((rtype.upper(), value))
    sock = socket.socket(socket.AF_INET6 if ":" in args.bind else socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.bind, args.port))
    sock.settimeout(0.5)
    print("READY %d" % args.port, flush=True)
    end = time.time() + args.max_seconds
    while time.time() < end:
        try:
            msg, peer = sock.recvfrom(4096)
        except socket.timeout:
            continue
        try:
            sock.sendto(answer(msg, table), peer)
        except (IndexError, UnicodeDecodeError, struct.error) as e:
            print("bad query from %s: %s" % (peer, e), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
