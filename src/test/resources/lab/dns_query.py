#!/usr/bin/env python3
"""A one-question DNS client for the nfqwall lab (UDP, RFC 1035), so tests resolve names through
the lab's own DNS server and the answer crosses the firewall like a real resolver's would.

It sends one query (recursion desired) for --name and --type (A or AAAA) to --server port 53 and
prints one JSON object:
  {"rcode": 0, "addresses": ["10.99.9.4"], "cnames": ["alias.example.net"], "error": null}
addresses are the A/AAAA records of the answer section in order, cnames the CNAME targets.
rcode is -1 and error says why if no valid answer came within --timeout seconds (one try, no
retry). Exit code 0 whenever the summary is printed.

Usage: dns_query.py --server ADDRESS --name NAME [--type A|AAAA] [--port N] [--timeout S]
"""
import argparse
import json
import os
import socket
import struct

TYPES = {"A": 1, "AAAA": 28}
CNAME = 5
MAX_POINTERS = 32


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode("ascii")
        if not 1 <= len(raw) <= 63:
            raise ValueError("bad label in %r" % name)
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def skip_name(msg, offset):
    """The offset just after the (possibly compressed) name at offset."""
    while True:
        if offset >= len(msg):
            raise ValueError("name runs past the message")
        length = msg[offset]
        if length & 0xC0 == 0xC0:
            return offset + 2
        if length == 0:
            return offset + 1
        offset += 1 + length


def read_name(msg, offset):
    labels = []
    for _ in range(MAX_POINTERS):
        length = msg[offset]
        if length & 0xC0 == 0xC0:
            offset = ((length & 0x3F) << 8) | msg[offset + 1]
            continue
        if length == 0:
            return ".".join(labels)
        labels.append(msg[offset + 1:offset + 1 + length].decode("ascii"))
        offset += 1 + length
    raise ValueError("too many compression pointers")


def parse(msg, query_id):
    ident, flags, qd, an = struct.unpack_from("!HHHH", msg, 0)
    if ident != query_id or not flags & 0x8000:
        raise ValueError("not the answer to our query")
    offset = 12
    for _ in range(qd):
        offset = skip_name(msg, offset) + 4
    addresses, cnames = [], []
    for _ in range(an):
        offset = skip_name(msg, offset)
        rtype, _, _, length = struct.unpack_from("!HHIH", msg, offset)
        offset += 10
        data = msg[offset:offset + length]
        if len(data) != length:
            raise ValueError("record runs past the message")
        if rtype == 1 and length == 4:
            addresses.append(socket.inet_ntop(socket.AF_INET, data))
        elif rtype == 28 and length == 16:
            addresses.append(socket.inet_ntop(socket.AF_INET6, data))
        elif rtype == CNAME:
            cnames.append(read_name(msg, offset))
        offset += length
    return flags & 0xF, addresses, cnames


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--type", choices=sorted(TYPES), default="A")
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--timeout", type=float, default=3)
    args = parser.parse_args()
    result = {"rcode": -1, "addresses": [], "cnames": [], "error": None}
    query_id = struct.unpack("!H", os.urandom(2))[0]
    query = struct.pack("!HHHHHH", query_id, 0x0100, 1, 0, 0, 0) + encode_name(args.name) \
        + struct.pack("!HH", TYPES[args.type], 1)
    family = socket.AF_INET6 if ":" in args.server else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.settimeout(args.timeout)
            sock.connect((args.server, args.port))
            sock.send(query)
            rcode, addresses, cnames = parse(sock.recv(65535), query_id)
            result.update(rcode=rcode, addresses=addresses, cnames=cnames)
    except (OSError, ValueError, IndexError, struct.error) as e:
        result["error"] = "%s: %s" % (type(e).__name__, e)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
