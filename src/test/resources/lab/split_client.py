#!/usr/bin/env python3
"""A TCP client for the nfqwall lab that sends request bytes in pieces, each its own segment.

The steps run in the order given on the command line:
  --piece TEXT      send TEXT (backslash escapes such as \\r\\n and \\x00 are decoded)
  --piece-hex HEX   send the bytes HEX
  --await           wait until one more HTTP response has arrived (keep-alive, one request
                    after another on the same connection)
  --request TEXT    a whole request (escapes decoded), cut into --split N pieces of about
                    equal size
Between two pieces it sleeps --gap-ms (TCP_NODELAY is on), so each piece leaves as its own
segment. After the last step it reads until every request sent has its response, the connection
closes or is reset, or --timeout seconds pass. It prints one JSON object:
  {"connected": true, "connect_error": null, "pieces_sent": 3, "bytes_sent": 61,
   "statuses": [200], "reset": false, "closed": false, "timed_out": true, "send_error": null,
   "ms_until_end": null, "elapsed_ms": 812.4}
ms_until_end is the time from the connection being established to the reset or close (null if
neither happened). Exit code 0 whenever the summary is printed, 2 on bad arguments.

Usage: split_client.py --host ADDRESS --port N [--timeout S] [--gap-ms MS] STEP...
"""
import argparse
import codecs
import json
import socket
import sys
import time

AWAIT = object()
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
MAX_STEPS = 10000


def decode_escapes(text):
    return codecs.escape_decode(text.encode("latin-1", "backslashreplace"))[0]


def split_evenly(data, pieces):
    pieces = max(1, min(pieces, len(data)))
    size, rest = divmod(len(data), pieces)
    out, start = [], 0
    for i in range(pieces):
        end = start + size + (1 if i < rest else 0)
        out.append(data[start:end])
        start = end
    return out


class ResponseReader:
    """Counts complete HTTP/1.x responses in a byte stream (Content-Length framing, or none)."""

    def __init__(self, request_methods):
        self.buffer = b""
        self.statuses = []
        self.methods = request_methods  # methods in send order, to know which answers have no body
        self.received = 0

    def feed(self, data):
        self.received += len(data)
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].decode("latin-1")
            lines = head.split("\r\n")
            parts = lines[0].split(" ", 2)
            try:
                status = int(parts[1])
            except (IndexError, ValueError):
                status = -1
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    try:
                        length = int(value.strip())
                    except ValueError:
                        length = 0
            index = len([s for s in self.statuses if s >= 200 or s < 100])
            method = self.methods[index] if index < len(self.methods) else "GET"
            if method == "HEAD" or 100 <= status < 200 or status in (204, 304):
                length = 0
            if len(self.buffer) < head_end + 4 + length:
                return
            self.statuses.append(status)
            self.buffer = self.buffer[head_end + 4 + length:]


def request_methods(payload):
    """The method of each request found in the bytes sent (for HEAD responses without a body)."""
    methods = []
    for block in payload.split(b"\r\n\r\n"):
        word = block.lstrip(b"\r\n").split(b" ", 1)[0]
        if word.isalpha() and word.isupper():
            methods.append(word.decode("ascii"))
    return methods


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", required=True, help="server address, IPv4 or IPv6")
    parser.add_argument("--port", type=int, default=80)
    parser.add_argument("--timeout", type=float, default=3.0,
                        help="seconds to connect, to wait for each awaited response and for "
                             "the end after the last step (default 3)")
    parser.add_argument("--gap-ms", type=float, default=50.0,
                        help="pause between pieces in milliseconds (default 50)")
    parser.add_argument("--split", type=int, default=1, help="pieces per --request (default 1)")
    parser.add_argument("--piece", dest="steps", action="append", type=decode_escapes)
    parser.add_argument("--piece-hex", dest="steps", action="append", type=bytes.fromhex)
    parser.add_argument("--request", dest="steps", action="append",
                        type=lambda text: ("request", decode_escapes(text)))
    parser.add_argument("--await", dest="steps", action="append_const", const=AWAIT)
    args = parser.parse_args()

    steps = []
    for step in args.steps or []:
        if isinstance(step, tuple):
            steps.extend(split_evenly(step[1], args.split))
        else:
            steps.append(step)
    if not steps or len(steps) > MAX_STEPS:
        parser.error("give 1..%d steps (--piece, --piece-hex, --request, --await)" % MAX_STEPS)

    payload = b"".join(s for s in steps if s is not AWAIT)
    reader = ResponseReader(request_methods(payload))
    summary = {"connected": False, "connect_error": None, "pieces_sent": 0, "bytes_sent": 0,
               "statuses": reader.statuses, "reset": False, "closed": False, "timed_out": False,
               "send_error": None, "ms_until_end": None, "elapsed_ms": None}
    started = time.monotonic()
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(args.timeout)
    connected_at = None

    def end(kind):
        summary[kind] = True
        summary["ms_until_end"] = round((time.monotonic() - connected_at) * 1000, 1)

    def read_until(predicate):
        """Reads until predicate() holds, the peer ends the connection, or the timeout passes."""
        deadline = time.monotonic() + args.timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                summary["timed_out"] = True
                return False
            sock.settimeout(left)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                summary["timed_out"] = True
                return False
            except ConnectionResetError:
                end("reset")
                return False
            if not data:
                end("closed")
                return False
            if reader.received + len(data) > MAX_RESPONSE_BYTES:
                summary["send_error"] = "more than %d response bytes" % MAX_RESPONSE_BYTES
                return False
            reader.feed(data)
        return True

    try:
        try:
            sock.connect((args.host, args.port))
        except socket.timeout:
            summary["connect_error"] = "timeout"
        except ConnectionRefusedError:
            summary["connect_error"] = "refused (reset)"
        except OSError as e:
            summary["connect_error"] = e.strerror or str(e)
        if summary["connect_error"] is None:
            connected_at = time.monotonic()
            summary["connected"] = True
            alive = True
            first = True
            for step in steps:
                if step is AWAIT:
                    wanted = len(reader.statuses) + 1
                    alive = read_until(lambda: len(reader.statuses) >= wanted)
                    if not alive:
                        break
                    continue
                if not first:
                    time.sleep(args.gap_ms / 1000.0)
                first = False
                try:
                    sock.sendall(step)
                except (ConnectionResetError, BrokenPipeError) as e:
                    summary["send_error"] = type(e).__name__
                    end("reset")
                    alive = False
                    break
                except socket.timeout:
                    summary["send_error"] = "send timeout"
                    summary["timed_out"] = True
                    alive = False
                    break
                summary["pieces_sent"] += 1
                summary["bytes_sent"] += len(step)
            if alive:
                # Done once every request sent has its answer; else wait for the end or timeout.
                expected = len(reader.methods)
                read_until(lambda: expected > 0 and len(reader.statuses) >= expected)
    finally:
        sock.close()
    summary["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
