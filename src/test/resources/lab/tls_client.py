#!/usr/bin/env python3
"""A TLS client for the nfqwall lab that controls how its ClientHello crosses the network.

Python's ssl module (an SSLObject over two MemoryBIOs) builds a real ClientHello; the tool sends
it over a plain TCP socket itself, so it decides the framing:
  --records K    re-frame the ClientHello handshake message into K TLS records (each with a
                 correct 5-byte record header; servers must accept a fragmented handshake)
  --segments N   send the resulting bytes as N TCP segments (TCP_NODELAY, --gap-ms between)
  --sni NAME     the server_name to send; --no-sni sends none. An IP address is never sent as
                 SNI (RFC 6066), so --sni 10.99.2.2 also means no SNI.
  --alpn LIST    comma-separated ALPN protocols to offer (default none)
  --pad-to B     grow the ClientHello handshake message (4-byte header included) to B bytes, or
                 B+1 when B is one byte past what padding can reach, by offering extra ALPN
                 protocols named "ppp...": up to 255 bytes each, ignored by servers, so the hello
                 stays valid. Without padding the hello is 512 bytes with TLS 1.3 (OpenSSL pads
                 it, RFC 7685) and about 160-190 with --tls-max 1.2; with --pad-to 4000 it
                 spans three 1448-byte segments of a 1500-byte MTU link. Beyond 16384 bytes it
                 needs two records at least.
  --tls-max V    highest TLS version to offer: 1.2 or 1.3 (default 1.3)
Then it completes the handshake through the MemoryBIOs (socket -> incoming BIO, outgoing BIO ->
socket), sends one "GET --path HTTP/1.1" with Host = the SNI (else the address) and reads the
response. It prints one JSON object:
  {"connected": true, "connect_error": null, "local_port": 40112, "hello_bytes": 4000,
   "records_sent": 2, "segments_sent": 3, "bytes_sent": 4010, "handshake_ok": true,
   "handshake_error": null, "alpn": "http/1.1", "tls_version": "TLSv1.3", "status": 200,
   "reset": false, "closed": false, "timed_out": false, "ms_until_end": null, "elapsed_ms": 23.5}
local_port is the client's TCP port (to find the connection in a server log or a capture);
hello_bytes is the handshake message; bytes_sent adds the record headers. ms_until_end is the
time from connect to a reset or close by the peer (null if neither came). Exit code 0 whenever the
summary is printed, 2 on bad arguments.

Usage: tls_client.py --host ADDRESS --port N [--sni NAME | --no-sni] [--alpn LIST] [--records K]
                     [--segments N] [--gap-ms MS] [--pad-to B] [--path P] [--timeout S]
"""
import argparse
import json
import os
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from split_client import ResponseReader, split_evenly  # noqa: E402

RECORD_HEADER = 5
HANDSHAKE_HEADER = 4
CONTENT_HANDSHAKE = 22
MAX_RECORD_PAYLOAD = 16384  # RFC 8446 section 5.1: 2^14
MAX_ALPN_NAME = 255
MAX_PAD_TO = 60000  # the ALPN extension must stay below 2^16 bytes
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


def parse_records(data):
    """Splits TLS records into (type, version bytes, payload); the bytes must be whole records."""
    records, i = [], 0
    while i < len(data):
        if len(data) - i < RECORD_HEADER:
            raise ValueError("truncated TLS record header at byte %d" % i)
        length = int.from_bytes(data[i + 3:i + 5], "big")
        if len(data) - i - RECORD_HEADER < length:
            raise ValueError("truncated TLS record at byte %d" % i)
        records.append((data[i], data[i + 1:i + 3], data[i + 5:i + 5 + length]))
        i += RECORD_HEADER + length
    return records


def new_context(alpn, tls_max):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if tls_max == "1.2":
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


def start_handshake(alpn, sni, tls_max):
    """Returns (SSLObject, incoming BIO, outgoing BIO, ClientHello handshake message, version)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = new_context(alpn, tls_max).wrap_bio(incoming, outgoing, server_hostname=sni)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    records = parse_records(outgoing.read())
    if not records or any(r[0] != CONTENT_HANDSHAKE for r in records):
        raise ValueError("python's first flight is not only handshake records")
    return tls, incoming, outgoing, b"".join(r[2] for r in records), records[0][1]


def pad_names(chars):
    """ALPN names of `chars` bytes in all, 255 a name (each name costs one more length byte)."""
    names = ["p" * MAX_ALPN_NAME] * (chars // MAX_ALPN_NAME)
    return names + (["p" * (chars % MAX_ALPN_NAME)] if chars % MAX_ALPN_NAME else [])


def pad_cost(chars):
    return chars + len(pad_names(chars))


def padding_names(alpn, sni, tls_max, target):
    """ALPN names that bring the ClientHello to target bytes (or target + 1), or [] if it is already."""
    if len(start_handshake(alpn, sni, tls_max)[3]) >= target:
        return []
    # OpenSSL may add its own padding extension (RFC 7685) to small hellos, which shrinks as the
    # ALPN list grows; so measure, correct and measure again until the size is right.
    chars = 1
    for _ in range(8):
        size = len(start_handshake(alpn + pad_names(chars), sni, tls_max)[3])
        if size in (target, target + 1):
            break
        wanted = pad_cost(chars) + target - size
        chars = max(1, chars + target - size)
        while pad_cost(chars) > wanted and chars > 1:
            chars -= 1
        while pad_cost(chars) < wanted:
            chars += 1
    return pad_names(chars)


def frame(message, version, records):
    """The handshake message in `records` TLS records of about equal size."""
    count = max(1, -(-len(message) // MAX_RECORD_PAYLOAD), records)
    if count > len(message):
        raise ValueError("cannot cut a %d-byte ClientHello into %d records" % (len(message), count))
    out = b""
    for part in split_evenly(message, count):
        if len(part) > MAX_RECORD_PAYLOAD:
            raise ValueError("%d records cannot hold a %d-byte ClientHello" % (count, len(message)))
        out += bytes([CONTENT_HANDSHAKE]) + version + len(part).to_bytes(2, "big") + part
    return out, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", required=True, help="server address, IPv4 or IPv6")
    parser.add_argument("--port", type=int, default=443)
    parser.add_argument("--sni", help="server_name to send")
    parser.add_argument("--no-sni", action="store_true", help="send no server_name")
    parser.add_argument("--alpn", default="", help="comma-separated ALPN protocols to offer")
    parser.add_argument("--records", type=int, default=0,
                        help="TLS records to frame the ClientHello in (default: as python made it)")
    parser.add_argument("--segments", type=int, default=1, help="TCP segments for the hello")
    parser.add_argument("--gap-ms", type=float, default=50.0, help="pause between segments")
    parser.add_argument("--pad-to", type=int, default=0, help="ClientHello size in bytes")
    parser.add_argument("--tls-max", choices=("1.2", "1.3"), default="1.3")
    parser.add_argument("--path", default="/", help="path to GET after the handshake")
    parser.add_argument("--timeout", type=float, default=3.0,
                        help="seconds to connect, for the handshake and for the response")
    args = parser.parse_args()
    if args.sni is not None and args.no_sni:
        parser.error("give --sni NAME or --no-sni, not both")
    if args.sni is None and not args.no_sni:
        parser.error("give --sni NAME or --no-sni")
    if not 0 <= args.pad_to <= MAX_PAD_TO:
        parser.error("--pad-to must be 0..%d" % MAX_PAD_TO)
    if args.segments < 1 or args.records < 0:
        parser.error("--segments must be >= 1 and --records >= 0")
    sni = None if args.no_sni else args.sni
    alpn = [p for p in args.alpn.split(",") if p]

    pads = padding_names(alpn, sni, args.tls_max, args.pad_to) if args.pad_to else []
    tls, incoming, outgoing, hello, version = start_handshake(alpn + pads, sni, args.tls_max)
    try:
        framed, record_count = frame(hello, version, args.records)
    except ValueError as e:
        parser.error(str(e))
    if args.segments > len(framed):
        parser.error("cannot send %d bytes in %d segments" % (len(framed), args.segments))
    pieces = split_evenly(framed, args.segments)

    reader = ResponseReader(["GET"])
    summary = {"connected": False, "connect_error": None, "local_port": None,
               "hello_bytes": len(hello),
               "records_sent": record_count, "segments_sent": 0, "bytes_sent": 0,
               "handshake_ok": False, "handshake_error": None, "alpn": None, "tls_version": None,
               "status": None, "reset": False, "closed": False, "timed_out": False,
               "ms_until_end": None, "elapsed_ms": None}
    started = time.monotonic()
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(args.timeout)
    connected_at = None

    def end(kind):
        summary[kind] = True
        summary["ms_until_end"] = round((time.monotonic() - connected_at) * 1000, 1)

    def receive(deadline):
        """Moves what the server sent into the incoming BIO; False when the connection ended."""
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
            incoming.write_eof()
            return False
        incoming.write(data)
        return True

    def flush():
        data = outgoing.read()
        if data:
            sock.sendall(data)

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
            summary["local_port"] = sock.getsockname()[1]
            run(args, sock, tls, pieces, summary, reader, receive, flush, end)
    except (BrokenPipeError, ConnectionResetError) as e:
        summary["handshake_error"] = summary["handshake_error"] or type(e).__name__
        if not summary["reset"]:
            end("reset")
    finally:
        sock.close()
    summary["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
    print(json.dumps(summary), flush=True)
    return 0


def run(args, sock, tls, pieces, summary, reader, receive, flush, end):
    for i, piece in enumerate(pieces):
        if i:
            time.sleep(args.gap_ms / 1000.0)
        sock.sendall(piece)
        summary["segments_sent"] += 1
        summary["bytes_sent"] += len(piece)

    deadline = time.monotonic() + args.timeout
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            flush()
            if not receive(deadline):
                return
        except ssl.SSLError as e:
            summary["handshake_error"] = e.reason or str(e)
            flush()  # the alert, if OpenSSL made one
            return
    flush()
    summary["handshake_ok"] = True
    summary["alpn"] = tls.selected_alpn_protocol()
    summary["tls_version"] = tls.version()

    host = args.sni or (("[%s]" % args.host) if ":" in args.host else args.host)
    tls.write(("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: nfqwall-lab-tls-client\r\n\r\n"
               % (args.path, host)).encode("latin-1"))
    flush()
    deadline = time.monotonic() + args.timeout
    while not reader.statuses:
        try:
            data = tls.read(65536)
        except ssl.SSLWantReadError:
            flush()
            if not receive(deadline):
                return
            continue
        except ssl.SSLZeroReturnError:
            end("closed")
            return
        except ssl.SSLError as e:
            summary["handshake_error"] = e.reason or str(e)
            return
        if not data:
            end("closed")
            return
        if reader.received + len(data) > MAX_RESPONSE_BYTES:
            return
        reader.feed(data)
    summary["status"] = reader.statuses[0]


if __name__ == "__main__":
    sys.exit(main())
