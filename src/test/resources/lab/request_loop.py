#!/usr/bin/env python3
"""A bounded client loop for the nfqwall lab: HTTP requests, one new connection each, until stopped.

It alternates an allowed request (GET /ok/loop-N) and a blocked one (GET /blocked/loop-N), both
with "Host: www.example.com" and "Connection: close". An allowed request succeeds when a
"HTTP/1.x 200" status line arrives within --timeout seconds; a blocked one is refused when the
connection is reset, closed or silent for --blocked-wait seconds without a status line. The loop
ends when --stop-file exists, after --max-seconds, or after --max-requests requests. It prints one
JSON object:
  {"allowed_sent": 50, "allowed_ok": 50, "allowed_failed": 0, "blocked_sent": 50,
   "blocked_refused": 50, "blocked_answered": 0, "failures": [], "seconds": 3.2}
failures lists the first reasons (at most 20). Exit code 0 whenever the summary is printed.

Blocked requests come from their own source ports (--blocked-ports, each used once, outside the
kernel's ephemeral range): a rejected connection's conntrack entry keeps its reject mark while the
server still holds its side open, so an allowed request that happened to reuse that source port
would be reset by the kernel, whatever the daemon decides.

Usage: request_loop.py --host ADDRESS --port N --stop-file PATH [--max-seconds S]
                       [--max-requests N] [--timeout S] [--blocked-wait S] [--blocked-ports A-B]
"""
import argparse
import json
import os
import socket
import time

MAX_FAILURES_LISTED = 20


def request(host, port, path, timeout, source_port=0):
    """Sends one request; returns ("status", code), ("reset", None), ("closed", None) or ("timeout", None)."""
    data = b""
    try:
        with socket.create_connection((host, port), timeout=timeout, source_address=("", source_port)) as s:
            s.settimeout(timeout)
            s.sendall(("GET %s HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n" % path).encode())
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    return ("closed", None)
                data += chunk
    except ConnectionResetError:
        return ("reset", None)
    except (socket.timeout, TimeoutError):
        return ("timeout", None)
    except OSError as e:
        return ("error " + str(e), None)
    first = data.split(b"\r\n", 1)[0].split()
    return ("status", int(first[1]) if len(first) > 1 and first[1].isdigit() else -1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--stop-file", required=True)
    p.add_argument("--max-seconds", type=float, default=120)
    p.add_argument("--max-requests", type=int, default=100000)
    p.add_argument("--timeout", type=float, default=3)
    p.add_argument("--blocked-wait", type=float, default=2)
    p.add_argument("--blocked-ports", default="20000-31999")
    a = p.parse_args()
    low, high = (int(x) for x in a.blocked_ports.split("-"))
    out = {"allowed_sent": 0, "allowed_ok": 0, "allowed_failed": 0, "blocked_sent": 0, "blocked_refused": 0,
           "blocked_answered": 0, "failures": []}
    start = time.monotonic()
    n = 0
    while n < a.max_requests and low + n // 2 <= high and time.monotonic() - start < a.max_seconds and not os.path.exists(a.stop_file):
        if n % 2 == 0:
            kind, status = request(a.host, a.port, "/ok/loop-%d" % n, a.timeout)
            out["allowed_sent"] += 1
            if kind == "status" and status == 200:
                out["allowed_ok"] += 1
            else:
                out["allowed_failed"] += 1
                if len(out["failures"]) < MAX_FAILURES_LISTED:
                    out["failures"].append("allowed /ok/loop-%d: %s %s" % (n, kind, status))
        else:
            kind, status = request(a.host, a.port, "/blocked/loop-%d" % n, a.blocked_wait, low + n // 2)
            out["blocked_sent"] += 1
            if kind == "status":
                out["blocked_answered"] += 1
                if len(out["failures"]) < MAX_FAILURES_LISTED:
                    out["failures"].append("blocked /blocked/loop-%d answered %s" % (n, status))
            else:
                out["blocked_refused"] += 1
        n += 1
    out["seconds"] = round(time.monotonic() - start, 3)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
