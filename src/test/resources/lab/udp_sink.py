#!/usr/bin/env python3
"""A UDP sink for the nfqwall lab: logs every datagram it receives and never answers.

It appends one JSON line per datagram to --log:
  {"client": "10.99.1.2", "client_port": 41234, "port": 443, "bytes": 1200,
   "hex": "c3000000010814...", "time": "2026-11-23T18:30:00.123Z", "t": 1795458600.123}
"hex" holds the first MAX_HEX_BYTES bytes of the datagram ("bytes" is always the full length).
Once bound it prints "READY <address> <port>"; it exits by itself after --max-seconds.

Usage: udp_sink.py --log FILE [--bind ADDRESS] [--port N] [--max-seconds S]
       ADDRESS "::" (the default) receives IPv4 and IPv6.
"""
import argparse
import datetime
import json
import socket
import sys
import time

MAX_HEX_BYTES = 2048


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bind", default="::", help="address to bind (default :: = v4 and v6)")
    parser.add_argument("--port", type=int, default=443)
    parser.add_argument("--log", required=True, help="file to append one JSON line per datagram to")
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="exit after this many seconds (default 900)")
    args = parser.parse_args()

    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind((args.bind, args.port))
    port = sock.getsockname()[1]
    deadline = time.monotonic() + args.max_seconds
    with open(args.log, "a", encoding="utf-8") as log:
        print("READY %s %d" % (args.bind, port), flush=True)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                print("udp_sink: --max-seconds %g reached, exiting" % args.max_seconds,
                      file=sys.stderr, flush=True)
                return 0
            sock.settimeout(left)
            try:
                data, source = sock.recvfrom(65535)
            except socket.timeout:
                continue
            now = time.time()
            client = source[0]
            if client.startswith("::ffff:"):
                client = client[len("::ffff:"):]
            entry = {"client": client, "client_port": source[1], "port": port, "bytes": len(data),
                     "hex": data[:MAX_HEX_BYTES].hex(),
                     "time": datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
                             .strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                     "t": round(now, 6)}
            log.write(json.dumps(entry, separators=(",", ":")) + "\n")
            log.flush()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
