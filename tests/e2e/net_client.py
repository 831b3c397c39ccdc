#!/usr/bin/env python3
"""Client side of the socket tests: talks to tests/guests/net_server.c at
HOST and prints one line per check, "ok ..." or "FAIL ...". Exit status 0
only when every check passed.

    net_client.py HOST CHECK [ARG]
    checks: echo BYTES | halfclose | reset | vanish | udp COUNT | peer |
            source BYTES | many CONNECTIONS
"""
import hashlib
import os
import socket
import struct
import sys
import threading
import time

HOST = sys.argv[1]
CHECK = sys.argv[2]
ARG = int(sys.argv[3]) if len(sys.argv) > 3 else 0
TIMEOUT = 60


def connect(port):
    s = socket.create_connection((HOST, port), timeout=TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_all(s):
    chunks = []
    while True:
        b = s.recv(1 << 20)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def echo(size):
    """Sends size random-ish bytes while reading the echo back; compares hashes."""
    s = connect(7)
    sent_hash, got_hash = hashlib.sha256(), hashlib.sha256()
    got = [0]

    def reader():
        while True:
            b = s.recv(1 << 20)
            if not b:
                return
            got_hash.update(b)
            got[0] += len(b)

    t = threading.Thread(target=reader)
    t.start()
    block = os.urandom(1 << 20)
    left = size
    i = 0
    while left:
        chunk = block[: min(left, len(block))]
        chunk = struct.pack("<Q", i) + chunk[8:] if len(chunk) >= 8 else chunk
        s.sendall(chunk)
        sent_hash.update(chunk)
        left -= len(chunk)
        i += 1
    s.shutdown(socket.SHUT_WR)  # half-close: the server sends the rest, then FIN
    t.join(TIMEOUT)
    s.close()
    if t.is_alive() or got[0] != size or got_hash.digest() != sent_hash.digest():
        return f"FAIL echo {size}: got {got[0]} bytes, hash {'same' if got_hash.digest() == sent_hash.digest() else 'differs'}"
    return f"ok echo {size} sha256 {sent_hash.hexdigest()[:16]}"


def halfclose():
    s = connect(7)
    s.sendall(b"first")
    s.shutdown(socket.SHUT_WR)
    data = recv_all(s)
    s.close()
    return "ok halfclose" if data == b"first" else f"FAIL halfclose: {data!r}"


def reset():
    """A client that resets its connection (SO_LINGER 0) mid-stream."""
    s = connect(7)
    s.sendall(os.urandom(100000))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    time.sleep(0.2)
    return "ok reset" if echo_small() else "FAIL reset: server stopped echoing"


def vanish():
    """A client that sends half a request and disappears without a word."""
    conns = [connect(7) for _ in range(20)]
    for c in conns:
        c.sendall(b"partial")
    for c in conns:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
    return "ok vanish" if echo_small() else "FAIL vanish: server stopped echoing"


def echo_small():
    s = connect(7)
    s.sendall(b"still there?")
    s.shutdown(socket.SHUT_WR)
    ok = recv_all(s) == b"still there?"
    s.close()
    return ok


def udp(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    got = 0
    for i in range(count):
        msg = b"dgram %d " % i + os.urandom(i % 1400)
        for _ in range(3):  # UDP may lose a datagram; three tries each
            s.sendto(msg, (HOST, 7))
            try:
                data, addr = s.recvfrom(65536)
            except socket.timeout:
                continue
            if data == msg and addr[0] == HOST and addr[1] == 7:
                got += 1
                break
    big = os.urandom(8000)  # fragmented at MTU 1500, reassembled both ways
    s.sendto(big, (HOST, 7))
    try:
        big_ok = s.recvfrom(65536)[0] == big
    except socket.timeout:
        big_ok = False
    return f"ok udp {count} and 8000 bytes" if got == count and big_ok else f"FAIL udp: {got}/{count}, big {big_ok}"


def peer():
    s = connect(8)
    line = recv_all(s).decode()
    me = s.getsockname()
    s.close()
    want = f"PEER {me[0]}:{me[1]} LOCAL {HOST}:8\n"
    return "ok peer" if line == want else f"FAIL peer: {line!r}, want {want!r}"


def source(size):
    s = connect(19)
    s.sendall(b"%d\n" % size)
    data = recv_all(s)
    s.close()
    want = bytes((ord("a") + k % 26) for k in range(26)) * (size // 26 + 1)
    return f"ok source {size}" if data == want[:size] else f"FAIL source: {len(data)} bytes"


def many(n):
    conns = []
    for i in range(n):
        conns.append(connect(7))
    for i, c in enumerate(conns):
        c.sendall(b"conn %d\n" % i)
    bad = 0
    for i, c in enumerate(conns):
        want = b"conn %d\n" % i
        got = b""
        while len(got) < len(want):
            b = c.recv(100)
            if not b:
                break
            got += b
        bad += got != want
    for c in conns:
        c.close()
    return f"ok many {n}" if bad == 0 else f"FAIL many: {bad} of {n} wrong"


CHECKS = {"echo": lambda: echo(ARG), "halfclose": halfclose, "reset": reset, "vanish": vanish,
          "udp": lambda: udp(ARG), "peer": peer, "source": lambda: source(ARG), "many": lambda: many(ARG)}

try:
    result = CHECKS[CHECK]()
except Exception as e:  # a timeout or refused connection is a failed check, said plainly
    result = f"FAIL {CHECK}: {type(e).__name__}: {e}"
print(result)
sys.exit(0 if result.startswith("ok") else 1)
