#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A minimal Lambda runtime on a raw socket: loops GET /next -> POST /response (echoes "{}"), keep-alive."""
import os
import socket

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
sock = socket.create_connection((host, int(port)))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buf = b""
NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"


def read_response():
    global buf
    while True:
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            break
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit(0)
        buf += chunk
    head = buf[:end].decode("latin-1")
    buf = buf[end + 4:]
    headers = {}
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(buf) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit(0)
        buf += chunk
    body, buf = buf[:length], buf[length:]
    return headers, body


while True:
    sock.sendall(NEXT)
    headers, _ = read_response()
    rid = headers["lambda-runtime-aws-request-id"]
    payload = b"{}"
    sock.sendall(
        b"POST /2018-06-01/runtime/invocation/" + rid.encode() + b"/response HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload)
    read_response()
