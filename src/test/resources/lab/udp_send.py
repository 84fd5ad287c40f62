#!/usr/bin/env python3
"""Sends UDP datagrams given in hex (QUIC packets, for instance) from one socket, in order.

The datagrams come from --hex arguments and/or a --file with one hex datagram a line (blank lines
and lines starting with '#' are skipped; whitespace inside a line is ignored). All leave from the
same source port (--source-port, else one the kernel picks), so they belong to one flow; --gap-ms
pauses between them. It prints one JSON object and exits 0:
  {"sent": 2, "bytes": 2400, "source_port": 41234, "error": null}
A send that fails (no route, ICMP unreachable reported on a later send) stops the run and is
named in "error". Exit code 2 on bad arguments.

Usage: udp_send.py --host ADDRESS --port N [--hex HEX]... [--file FILE] [--gap-ms MS]
                   [--source-port N]
"""
import argparse
import json
import socket
import sys
import time

MAX_DATAGRAMS = 100000
MAX_DATAGRAM_BYTES = 65507


def read_file(path):
    with open(path, encoding="ascii") as f:
        return [line for line in f if line.strip() and not line.lstrip().startswith("#")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", required=True, help="destination address, IPv4 or IPv6")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hex", action="append", default=[], help="one datagram in hex")
    parser.add_argument("--file", help="a file with one hex datagram a line")
    parser.add_argument("--gap-ms", type=float, default=0.0, help="pause between datagrams")
    parser.add_argument("--source-port", type=int, default=0, help="source port (default any)")
    args = parser.parse_args()

    texts = list(args.hex) + (read_file(args.file) if args.file else [])
    if not texts or len(texts) > MAX_DATAGRAMS:
        parser.error("give 1..%d datagrams (--hex or --file)" % MAX_DATAGRAMS)
    datagrams = []
    for n, text in enumerate(texts, 1):
        try:
            data = bytes.fromhex("".join(text.split()))
        except ValueError:
            parser.error("datagram %d is not hex: %.40s" % (n, text.strip()))
        if not 0 < len(data) <= MAX_DATAGRAM_BYTES:
            parser.error("datagram %d has %d bytes; expected 1..%d" % (n, len(data), MAX_DATAGRAM_BYTES))
        datagrams.append(data)

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    summary = {"sent": 0, "bytes": 0, "source_port": None, "error": None}
    try:
        sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", args.source_port))
        summary["source_port"] = sock.getsockname()[1]
        for i, data in enumerate(datagrams):
            if i and args.gap_ms > 0:
                time.sleep(args.gap_ms / 1000.0)
            sock.sendto(data, (args.host, args.port))
            summary["sent"] += 1
            summary["bytes"] += len(data)
    except OSError as e:
        summary["error"] = e.strerror or str(e)
    finally:
        sock.close()
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
