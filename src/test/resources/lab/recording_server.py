#!/usr/bin/env python3
"""An HTTP/1.1 test server for the nfqwall lab that records every request it receives.

It appends one JSON line per request head it has read to --log:
  {"method": "GET", "path": "/APP1/index", "host": "www.example.com", "version": "HTTP/1.1",
   "client": "10.99.1.2", "port": 80, "time": "2026-11-23T18:30:00.123Z", "t": 1795458600.123}
and answers 200 with a short text body. Connections stay open (keep-alive) until the client
closes them, goes idle for --idle-timeout seconds, or the server stops.
GET /big?bytes=N streams N bytes (at most MAX_BIG_BYTES), for throughput measurements.

The server exits by itself after --max-seconds, so a forgotten one cannot outlive a test run.
Once listening it prints "READY <address> <port>" on stdout.

Usage: recording_server.py --log FILE [--bind ADDRESS] [--port N] [--max-seconds S]
       ADDRESS "::" (the default) accepts IPv4 and IPv6.
"""
import argparse
import datetime
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_BIG_BYTES = 64 * 1024 * 1024 * 1024
CHUNK = 64 * 1024
MAX_REQUEST_BODY = 16 * 1024 * 1024


class RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nfqwall-lab"
    sys_version = ""

    def __getattr__(self, name):
        # Every method name the client sends (GET, POST, PROPFIND, ...) gets the same answer.
        if name.startswith("do_"):
            return self._answer
        raise AttributeError(name)

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)

    def _record(self):
        now = time.time()
        client = self.client_address[0]
        if client.startswith("::ffff:"):
            client = client[len("::ffff:"):]
        entry = {
            "method": self.command,
            "path": self.path,
            "host": self.headers.get("Host"),
            "version": self.request_version,
            "client": client,
            "port": self.server.server_address[1],
            "time": datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
                    .strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "t": round(now, 6),
        }
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self.server.log_lock:
            with open(self.server.log_path, "a", encoding="utf-8") as log:
                log.write(line)

    def _discard_body(self):
        length = self.headers.get("Content-Length")
        if length is None:
            return True
        try:
            remaining = int(length)
        except ValueError:
            return False
        if remaining < 0 or remaining > MAX_REQUEST_BODY:
            return False
        while remaining > 0:
            data = self.rfile.read(min(remaining, CHUNK))
            if not data:
                return False
            remaining -= len(data)
        return True

    def _answer(self):
        self._record()
        if not self._discard_body():
            self.close_connection = True
            self.send_error(400, "bad Content-Length")
            return
        url = urlsplit(self.path)
        if url.path == "/big":
            self._answer_big(url)
            return
        body = ("ok %s %s\n" % (self.command, self.path)).encode("utf-8", "replace")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer_big(self, url):
        try:
            size = int(parse_qs(url.query).get("bytes", ["0"])[0])
        except ValueError:
            size = -1
        if size < 0 or size > MAX_BIG_BYTES:
            self.send_error(400, "bytes must be 0..%d" % MAX_BIG_BYTES)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command == "HEAD":
            return
        block = b"x" * CHUNK
        while size > 0:
            n = min(size, CHUNK)
            self.wfile.write(block if n == CHUNK else block[:n])
            size -= n


class RecordingServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self):
        if self.address_family == socket.AF_INET6:
            # "::" serves IPv4 too (as ::ffff:a.b.c.d), whatever the host's bindv6only says.
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bind", default="::", help="address to listen on (default :: = v4 and v6)")
    parser.add_argument("--port", type=int, default=80)
    parser.add_argument("--log", required=True, help="file to append one JSON line per request to")
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="exit after this many seconds (default 900)")
    parser.add_argument("--idle-timeout", type=float, default=30,
                        help="close a connection idle this long (default 30)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args()

    RecordingHandler.timeout = args.idle_timeout
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    RecordingServer.address_family = family
    server = RecordingServer((args.bind, args.port), RecordingHandler)
    server.log_path = args.log
    server.log_lock = threading.Lock()
    server.verbose = args.verbose
    open(args.log, "a").close()

    def stop_after_deadline():
        time.sleep(args.max_seconds)
        print("recording_server: --max-seconds %g reached, exiting" % args.max_seconds,
              file=sys.stderr, flush=True)
        os._exit(0)

    threading.Thread(target=stop_after_deadline, daemon=True).start()
    print("READY %s %d" % (args.bind, args.port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
