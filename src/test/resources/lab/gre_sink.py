#!/usr/bin/env python3
"""A GRE sink for the nfqwall lab: logs every GRE packet that reaches this namespace, never answers.

It reads a raw IPv4 socket for protocol 47 (which sees every incoming GRE packet; holding it also
keeps the kernel from answering with ICMP protocol-unreachable, though nothing depends on that)
and appends one JSON line per packet to --log:
  {"outer_src": "10.99.1.2", "key": 22, "inner": 4, "inner_src": "10.0.0.2", "inner_dst": "10.0.1.2",
   "sport": 40000, "dport": 80, "flags": 24, "host": "blocked.example.org", "payload": "GET / HTTP/1.1..."}
"key" is null without a GRE key; "inner" is 4 or 6, or null when the GRE payload is neither (then
the inner fields are left out); "payload" is the TCP payload as Latin-1 text, at most
MAX_PAYLOAD bytes, and "host" the value of its Host header (null when there is none). Once the
socket is open it prints "READY"; it exits by itself after --max-seconds.

Usage: gre_sink.py --log FILE [--max-seconds S]
"""
import argparse
import ipaddress
import json
import socket
import struct
import sys
import time

MAX_PAYLOAD = 2048
GRE_CHECKSUM, GRE_KEY, GRE_SEQUENCE = 0x8000, 0x2000, 0x1000


def decode(packet):
    """The fields of one received outer IPv4 packet carrying GRE; raises ValueError when it is too short."""
    if len(packet) < 20:
        raise ValueError("short IPv4 header")
    ihl = (packet[0] & 0x0F) * 4
    out = {"outer_src": str(ipaddress.IPv4Address(packet[12:16]))}
    gre = packet[ihl:]
    if len(gre) < 4:
        raise ValueError("short GRE header")
    flags, proto = struct.unpack("!HH", gre[:4])
    at = 4 + (4 if flags & GRE_CHECKSUM else 0)
    out["key"] = struct.unpack("!I", gre[at:at + 4])[0] if flags & GRE_KEY else None
    at += (4 if flags & GRE_KEY else 0) + (4 if flags & GRE_SEQUENCE else 0)
    inner = gre[at:]
    if proto == 0x0800 and len(inner) >= 20:
        out["inner"] = 4
        l4, src, dst, protocol = inner[(inner[0] & 0x0F) * 4:], inner[12:16], inner[16:20], inner[9]
    elif proto == 0x86DD and len(inner) >= 40:
        out["inner"] = 6
        l4, src, dst, protocol = inner[40:], inner[8:24], inner[24:40], inner[6]
    else:
        out["inner"] = None
        return out
    out["inner_src"] = str(ipaddress.ip_address(bytes(src)))
    out["inner_dst"] = str(ipaddress.ip_address(bytes(dst)))
    if protocol == 6 and len(l4) >= 20:
        sport, dport, _, _, offset, tcp_flags = struct.unpack("!HHIIBB", l4[:14])
        payload = bytes(l4[(offset >> 4) * 4:][:MAX_PAYLOAD]).decode("latin-1")
        host = None
        for line in payload.split("\r\n")[1:]:
            if line.lower().startswith("host:"):
                host = line[5:].strip()
                break
        out.update(sport=sport, dport=dport, flags=tcp_flags, host=host, payload=payload)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--log", required=True, help="file to append one JSON line per packet to")
    parser.add_argument("--max-seconds", type=float, default=900, help="exit after this many seconds (default 900)")
    args = parser.parse_args()
    deadline = time.monotonic() + args.max_seconds
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE) as s, \
            open(args.log, "a", encoding="utf-8") as log:
        print("READY", flush=True)
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, min(1.0, deadline - time.monotonic())))
            try:
                packet = s.recv(65535)
            except socket.timeout:
                continue
            try:
                line = decode(packet)
            except ValueError as e:
                line = {"error": str(e)}
            log.write(json.dumps(line) + "\n")
            log.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
