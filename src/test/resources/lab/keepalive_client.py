#!/usr/bin/env python3
"""Two HTTP/1.1 requests on one TCP connection, with a pause between them that the test controls.

It connects to --host:--port, sends "GET /first" with "Host: --name", reads the answer, creates
--ready-file, waits until --go-file exists (at most --timeout seconds), then sends "GET /second"
on the same connection and reads that answer. It prints one JSON object:
  {"first": 200, "second": 200, "error": null}
where a status is 0 if no answer came (reset, closed or silent for --timeout seconds) and error
says why. Exit code 0 whenever the summary is printed. Everything is bounded by --timeout.

Used to show that a connection stays on its route (nfqwall does not steer a live connection)
and, in the two-uplink lab, that a connection moved to another uplink mid-way breaks.

Usage: keepalive_client.py --host ADDRESS --port N --name HOST --ready-file PATH --go-file PATH
                           [--timeout S]
"""
import argparse
import json
import os
import socket
import time


def read_answer(sock, deadline):
    """Reads one answer (head and Content-Length body); returns its status, 0 if none came."""
    data = b""
    while b"\r\n\r\n" not in data:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            return 0
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            return 0
        body += chunk
    return status


def request(sock, path, name, timeout):
    sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: keepalive-client\r\n\r\n"
                  % (path, name)).encode("ascii"))
    return read_answer(sock, time.monotonic() + timeout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--name", required=True, help="the Host header")
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--go-file", required=True)
    parser.add_argument("--timeout", type=float, default=10)
    args = parser.parse_args()
    result = {"first": 0, "second": 0, "error": None}
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(args.timeout)
            sock.connect((args.host, args.port))
            result["first"] = request(sock, "/first", args.name, args.timeout)
            open(args.ready_file, "w").close()
            deadline = time.monotonic() + args.timeout
            while not os.path.exists(args.go_file):
                if time.monotonic() > deadline:
                    raise TimeoutError("no go file within %s s" % args.timeout)
                time.sleep(0.02)
            result["second"] = request(sock, "/second", args.name, args.timeout)
    except (OSError, ValueError, IndexError) as e:
        result["error"] = "%s: %s" % (type(e).__name__, e)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
