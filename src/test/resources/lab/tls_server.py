#!/usr/bin/env python3
"""An HTTPS test server for the nfqwall lab: HTTP/1.1 over TLS, recording requests and handshakes.

It answers exactly like recording_server.py (same handler: 200 with a short body, keep-alive,
GET /big?bytes=N streams N bytes) and appends the same JSON line per request head to --log.
In addition it appends one JSON line per TLS handshake to --handshake-log:
  {"ok": true, "sni": "www.example.com", "alpn": "http/1.1", "version": "TLSv1.3",
   "cipher": "TLS_AES_256_GCM_SHA384", "client": "10.99.1.2", "client_port": 40112, "port": 443,
   "time": "2026-11-23T18:30:00.123Z", "t": 1795458600.123, "error": null}
sni is null when the client sent no server_name; alpn is null when none was agreed. A handshake
that fails is logged with "ok": false and the error.

ALPN: the server offers only http/1.1, so a client offering "h2,http/1.1" (curl) gets http/1.1;
a client offering only protocols the server lacks gets no ALPN and the handshake goes on.

Certificate: --cert-dir holds cert.pem and key.pem; when they are missing they are generated once
with the openssl CLI (a self-signed EC P-256 certificate for example.com, *.example.com and the
lab server's addresses). Clients are expected not to verify it (curl -k), so any SNI works.

Once listening it prints "READY <address> <port>" on stdout; it exits by itself after
--max-seconds.

Usage: tls_server.py --log FILE --handshake-log FILE --cert-dir DIR [--bind ADDRESS] [--port N]
"""
import argparse
import datetime
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recording_server  # noqa: E402  (the sibling tool; its handler answers the requests)

CERT_SUBJECT_ALT_NAMES = ("DNS:example.com,DNS:*.example.com,DNS:localhost,"
                          "IP:10.99.2.2,IP:fd99:2:0:0:0:0:0:2,IP:127.0.0.1")
CERT_DAYS = 30
HANDSHAKE_TIMEOUT_SECONDS = 10


def utc_time(t):
    return (datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")


def ensure_certificate(cert_dir):
    """Returns (cert, key) paths in cert_dir, generating a self-signed pair if either is missing."""
    cert = os.path.join(cert_dir, "cert.pem")
    key = os.path.join(cert_dir, "key.pem")
    if os.path.isfile(cert) and os.path.isfile(key):
        return cert, key
    os.makedirs(cert_dir, exist_ok=True)
    # Written under temporary names and renamed, so a reader never sees half a pair.
    tmp_cert, tmp_key = cert + ".%d.tmp" % os.getpid(), key + ".%d.tmp" % os.getpid()
    command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
               "-nodes", "-keyout", tmp_key, "-out", tmp_cert, "-days", str(CERT_DAYS),
               "-subj", "/CN=example.com", "-addext", "subjectAltName=" + CERT_SUBJECT_ALT_NAMES]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        sys.exit("tls_server: 'openssl' is not on the PATH; install the Debian package openssl")
    if done.returncode != 0:
        sys.exit("tls_server: openssl could not create a certificate: " + done.stderr.strip())
    os.replace(tmp_key, key)
    os.replace(tmp_cert, cert)
    return cert, key


class TlsRecordingServer(recording_server.RecordingServer):
    """Runs each connection's TLS handshake in its own thread, then serves HTTP/1.1 over it."""

    def finish_request(self, request, client_address):
        request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        try:
            # wrap_socket takes the descriptor over; the plain socket left behind is closed by
            # shutdown_request as usual.
            tls = self.tls_context.wrap_socket(request, server_side=True,
                                               do_handshake_on_connect=False)
        except OSError:
            return
        try:
            try:
                tls.do_handshake()
            except (ssl.SSLError, OSError) as e:
                self.log_handshake(tls, client_address, str(e) or type(e).__name__)
                return
            self.log_handshake(tls, client_address, None)
            super().finish_request(tls, client_address)
        finally:
            tls.close()

    def log_handshake(self, tls, client_address, error):
        now = time.time()
        client = client_address[0]
        if client.startswith("::ffff:"):
            client = client[len("::ffff:"):]
        cipher = tls.cipher() if error is None else None
        entry = {
            "ok": error is None,
            "sni": getattr(tls, "nfqwall_sni", None),
            "alpn": tls.selected_alpn_protocol() if error is None else None,
            "version": tls.version() if error is None else None,
            "cipher": cipher[0] if cipher else None,
            "client": client,
            "client_port": client_address[1],
            "port": self.server_address[1],
            "time": utc_time(now),
            "t": round(now, 6),
            "error": error,
        }
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self.log_lock:
            with open(self.handshake_log_path, "a", encoding="utf-8") as log:
                log.write(line)


def remember_sni(tls, server_name, context):
    # Called by OpenSSL while it reads the ClientHello (server_name is None without the
    # extension); the handshake log reads it back.
    tls.nfqwall_sni = server_name
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bind", default="::", help="address to listen on (default :: = v4 and v6)")
    parser.add_argument("--port", type=int, default=443)
    parser.add_argument("--log", required=True, help="file to append one JSON line per request to")
    parser.add_argument("--handshake-log", required=True,
                        help="file to append one JSON line per TLS handshake to")
    parser.add_argument("--cert-dir", required=True,
                        help="directory with cert.pem and key.pem (generated when missing)")
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="exit after this many seconds (default 900)")
    parser.add_argument("--idle-timeout", type=float, default=30,
                        help="close a connection idle this long (default 30)")
    args = parser.parse_args()

    cert, key = ensure_certificate(args.cert_dir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["http/1.1"])
    context.sni_callback = remember_sni

    recording_server.RecordingHandler.timeout = args.idle_timeout
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    TlsRecordingServer.address_family = family
    server = TlsRecordingServer((args.bind, args.port), recording_server.RecordingHandler)
    server.tls_context = context
    server.log_path = args.log
    server.handshake_log_path = args.handshake_log
    server.log_lock = threading.Lock()
    server.verbose = False
    open(args.log, "a").close()
    open(args.handshake_log, "a").close()

    def stop_after_deadline():
        time.sleep(args.max_seconds)
        print("tls_server: --max-seconds %g reached, exiting" % args.max_seconds,
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
