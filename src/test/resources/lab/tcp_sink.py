#!/usr/bin/env python3
"""A TCP sink for the nfqwall lab: accepts connections, reads everything, never answers.

For peers that do not speak HTTP (a BitTorrent handshake on port 51413, for instance), where
recording_server.py would only see garbage. It appends JSON lines to --log, as things happen:
  {"event": "open", "conn": 1, "client": "10.99.1.2", "client_port": 40112, "port": 51413, ...}
  {"event": "data", "conn": 1, "bytes": 68, "head": "13426974546f7272656e74..."}
  {"event": "end", "conn": 1, "how": "eof", "total": 68}
"data" is one line per read, so a reader can sum the bytes of a connection that is still open;
"head" (the connection's first MAX_HEAD_BYTES bytes, in hex) comes with its first data line only.
"how" is "eof" (the peer closed), "reset", "idle" (nothing for --idle-timeout seconds) or "limit"
(more than MAX_CONNECTION_BYTES). Every line also has "time" (ISO-8601 UTC) and "t" (seconds).
Once listening it prints "READY <address> <port>"; it exits by itself after --max-seconds.

Usage: tcp_sink.py --log FILE [--bind ADDRESS] [--port N] [--idle-timeout S] [--max-seconds S]
"""
import argparse
import datetime
import json
import os
import socket
import sys
import threading
import time

MAX_HEAD_BYTES = 256
MAX_CONNECTION_BYTES = 1024 * 1024 * 1024
MAX_CONNECTIONS = 256


class Sink:
    def __init__(self, log_path, port, idle_timeout):
        self.log_path = log_path
        self.port = port
        self.idle_timeout = idle_timeout
        self.lock = threading.Lock()
        self.count = 0
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def log(self, entry):
        now = time.time()
        entry["time"] = (datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
                         .strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")
        entry["t"] = round(now, 6)
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(line)

    def serve(self, conn, source, number):
        client = source[0]
        if client.startswith("::ffff:"):
            client = client[len("::ffff:"):]
        self.log({"event": "open", "conn": number, "client": client, "client_port": source[1],
                  "port": self.port})
        total, how = 0, "eof"
        conn.settimeout(self.idle_timeout)
        try:
            while True:
                try:
                    data = conn.recv(65536)
                except socket.timeout:
                    how = "idle"
                    break
                except ConnectionResetError:
                    how = "reset"
                    break
                if not data:
                    break
                entry = {"event": "data", "conn": number, "bytes": len(data)}
                if total == 0:
                    entry["head"] = data[:MAX_HEAD_BYTES].hex()
                total += len(data)
                self.log(entry)
                if total > MAX_CONNECTION_BYTES:
                    how = "limit"
                    break
        finally:
            conn.close()
            self.slots.release()
            self.log({"event": "end", "conn": number, "how": how, "total": total})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bind", default="::", help="address to listen on (default :: = v4 and v6)")
    parser.add_argument("--port", type=int, default=51413)
    parser.add_argument("--log", required=True, help="file to append JSON lines to")
    parser.add_argument("--idle-timeout", type=float, default=30,
                        help="close a connection idle this long (default 30)")
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="exit after this many seconds (default 900)")
    args = parser.parse_args()

    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    server.bind((args.bind, args.port))
    server.listen(64)
    sink = Sink(args.log, server.getsockname()[1], args.idle_timeout)
    open(args.log, "a").close()

    def stop_after_deadline():
        time.sleep(args.max_seconds)
        print("tcp_sink: --max-seconds %g reached, exiting" % args.max_seconds,
              file=sys.stderr, flush=True)
        os._exit(0)

    threading.Thread(target=stop_after_deadline, daemon=True).start()
    print("READY %s %d" % (args.bind, sink.port), flush=True)
    while True:
        sink.slots.acquire()
        conn, source = server.accept()
        sink.count += 1
        threading.Thread(target=sink.serve, args=(conn, source, sink.count), daemon=True).start()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
