#!/usr/bin/env python3
"""A DNS server that knows one name: answers A queries for NAME with ADDR
(and NXDOMAIN for anything else) on UDP ADDRESS:53, until killed.

    dns_server.py LISTEN_ADDRESS NAME ADDR
"""
import socket
import struct
import sys

listen, known, answer = sys.argv[1], sys.argv[2].rstrip(".").lower(), socket.inet_aton(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((listen, 53))
print("listening", flush=True)
while True:
    query, peer = s.recvfrom(4096)
    ident, flags, qdcount = struct.unpack(">HHH", query[:6])
    pos, labels = 12, []
    while query[pos]:
        labels.append(query[pos + 1 : pos + 1 + query[pos]].decode().lower())
        pos += 1 + query[pos]
    qtype = struct.unpack(">H", query[pos + 1 : pos + 3])[0]
    question = query[12 : pos + 5]
    name = ".".join(labels)
    found = name == known and qtype == 1
    rcode = 0 if name == known else 3
    header = struct.pack(">HHHHHH", ident, 0x8180 | rcode, 1, 1 if found else 0, 0, 0)
    body = question
    if found:
        body += b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + answer
    s.sendto(header + body, peer)
