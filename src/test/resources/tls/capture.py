#!/usr/bin/env python3
"""Regenerates the ClientHello fixtures in this directory (see README.md).

Runs a loopback TCP listener that records the first bytes a client sends (its TLS records up
to and including the ClientHello) and then closes, so no handshake ever completes and nothing
leaves the machine. Usage: capture.py NAME ORIGIN -- CLIENT COMMAND WITH {port}
The python-* fixtures use the ssl module's MemoryBIO instead: capture.py --python NAME HOST [ALPN,..]
The ECH fixture is crafted from a captured one: capture.py --ech IN OUT (see add_ech).
"""
import socket, ssl, subprocess, sys, threading, time


def hexdump(data, origin):
    lines = ["# " + l for l in origin.splitlines()]
    lines.append("# %d bytes as sent on the wire: TLS record(s) carrying the ClientHello" % len(data))
    for i in range(0, len(data), 16):
        lines.append(" ".join("%02x" % b for b in data[i:i + 16]))
    return "\n".join(lines) + "\n"


def record_first_flight(argv_template):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    got = []

    def serve():
        conn, _ = server.accept()
        conn.settimeout(1.0)
        data = b""
        deadline = time.time() + 5
        while time.time() < deadline and len(data) < 65536:
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
        got.append(data)
        conn.close()

    t = threading.Thread(target=serve)
    t.start()
    argv = [a.replace("{port}", str(port)) for a in argv_template]
    subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=15)
    t.join(10)
    server.close()
    return got[0]


def python_hello(server_hostname, alpn):
    ctx = ssl.create_default_context()
    if alpn:
        ctx.set_alpn_protocols(alpn)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=server_hostname)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def read_hex(name):
    return bytes(int(t, 16) for line in open(name) if not line.startswith("#") for t in line.split())


def add_ech(wire):
    """Appends an outer encrypted_client_hello extension (type 0xfe0d) to a one-record hello and
    fixes the three enclosing lengths (extensions block, handshake message, record). Its fields
    follow draft-ietf-tls-esni: type 0 (outer), kdf_id 0x0001 (HKDF-SHA256), aead_id 0x0001
    (AES-128-GCM), config_id 0x2a, enc = 32 bytes 0x11, payload = 144 bytes 0x22 (not a real
    encryption: the inspector only reads the framing). The hello must have no pre_shared_key,
    which would have to stay last."""
    assert wire[0] == 0x16 and wire[5] == 0x01
    record_len = int.from_bytes(wire[3:5], "big")
    assert len(wire) == 5 + record_len
    body = wire[9:]
    p = 2 + 32
    p += 1 + body[p]
    p += 2 + int.from_bytes(body[p:p + 2], "big")
    p += 1 + body[p]
    ext_len = int.from_bytes(body[p:p + 2], "big")
    assert p + 2 + ext_len == len(body)
    enc, payload = b"\x11" * 32, b"\x22" * 144
    ech_data = bytes([0]) + bytes.fromhex("0001 0001 2a") + len(enc).to_bytes(2, "big") + enc \
        + len(payload).to_bytes(2, "big") + payload
    ext = (0xfe0d).to_bytes(2, "big") + len(ech_data).to_bytes(2, "big") + ech_data
    body = body[:p] + (ext_len + len(ext)).to_bytes(2, "big") + body[p + 2:] + ext
    msg = bytes([1]) + len(body).to_bytes(3, "big") + body
    return wire[:3] + len(msg).to_bytes(2, "big") + msg


if __name__ == "__main__":
    if sys.argv[1] == "--ech":
        src_name, name = sys.argv[2], sys.argv[3]
        data = add_ech(read_hex(src_name))
        origin = ("crafted by capture.py --ech %s %s: %s with an outer encrypted_client_hello extension\n"
                  "(0xfe0d, %d bytes of data) appended and the extensions, handshake and record lengths fixed"
                  % (src_name, name, src_name, 1 + 5 + 2 + 32 + 2 + 144))
        with open(name, "w") as f:
            f.write(hexdump(data, origin))
        print(name, len(data))
        sys.exit(0)
    if sys.argv[1] == "--python":
        name, host = sys.argv[2], sys.argv[3] if sys.argv[3] != "-" else None
        alpn = sys.argv[4].split(",") if len(sys.argv) > 4 else None
        data = python_hello(host, alpn)
        origin = ("python %s ssl.create_default_context().wrap_bio(MemoryBIO, MemoryBIO, server_hostname=%r)%s"
                  % (sys.version.split()[0], host, "" if not alpn else ", set_alpn_protocols(%r)" % alpn)
                  + "\n" + ssl.OPENSSL_VERSION + "; do_handshake() then outgoing.read(), no network")
    else:
        name, origin = sys.argv[1], sys.argv[2]
        argv = sys.argv[sys.argv.index("--") + 1:]
        data = record_first_flight(argv)
        origin = origin + "\ncaptured by capture.py on a loopback listener that closes after reading"
    with open(name, "w") as f:
        f.write(hexdump(data, origin))
    print(name, len(data))
