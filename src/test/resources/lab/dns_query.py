#!/usr/bin/env python3
"""Asks a DNS server one question over UDP for the nfqwall lab, and the moment the answer
arrives runs a command (so a test can look at state the answer should already have changed).

Prints "ANSWER <rcode> <ancount> <bytes>" and then the command's exit code as "CHECK <code>"
(no command: no CHECK line); "TIMEOUT" when no answer came within --timeout seconds.

Usage: dns_query.py SERVER NAME [--type A|AAAA] [--port 53] [--timeout S] [--then CMD...]
"""
import argparse
import random
import socket
import struct
import subprocess

TYPES = {"A": 1, "AAAA": 28}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("server")
    parser.add_argument("name")
    parser.add_argument("--type", default="A")
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--timeout", type=float, default=3)
    parser.add_argument("--then", nargs=argparse.REMAINDER, default=None)
    args = parser.parse_args()
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in args.name.split("."):
        q += bytes([len(label)]) + label.encode("ascii")
    q += b"\0" + struct.pack(">HH", TYPES[args.type], 1)
    sock = socket.socket(socket.AF_INET6 if ":" in args.server else socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(args.timeout)
    sock.sendto(q, (args.server, args.port))
    try:
        msg, _ = sock.recvfrom(4096)
    except socket.timeout:
        print("TIMEOUT", flush=True)
        return
    check = subprocess.run(args.then).returncode if args.then else None
    flags, _, ancount = struct.unpack(">HHH", msg[2:8])
    print("ANSWER %d %d %d" % (flags & 0xF, ancount, len(msg)), flush=True)
    if check is not None:
        print("CHECK %d" % check, flush=True)


if __name__ == "__main__":
    main()
