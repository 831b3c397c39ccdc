#!/usr/bin/env python3
"""A TCP echo server for the client-side tests: echoes each connection
until the peer's FIN, then closes. Prints "listening" once it listens.

    echo_server.py ADDRESS PORT
"""
import socket
import sys
import threading


def serve(conn):
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
print("listening", flush=True)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
