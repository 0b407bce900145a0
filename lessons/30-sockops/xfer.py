#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Lesson 30's traffic: one process, one loopback TCP connection.

    xfer.py [BYTES] [--then FILE] [--port PORT]

Listens on 127.0.0.1 (port PORT, default any free one), connects to itself
and sends BYTES random bytes (default 1 MiB) from the connecting socket to
the accepted one.  With --then, once they have all arrived it prints
"received BYTES", waits until FILE exists and sends BYTES more on the same
connection.  At the end it compares the SHA-256 of what was sent and what
arrived: exit 0 and "intact" when they match, exit 1 and "CORRUPT" when
not.  Both sockets belong to this process, so both are in its cgroup.
"""
import argparse
import hashlib
import os
import socket
import sys
import threading
import time


def main():
    p = argparse.ArgumentParser(description="One loopback TCP transfer to itself.")
    p.add_argument("bytes", nargs="?", type=int, default=1 << 20)
    p.add_argument("--then", metavar="FILE", help="send BYTES more once FILE exists")
    p.add_argument("--port", type=int, default=0, help="listen on PORT (default: any)")
    args = p.parse_args()
    size, then = args.bytes, args.then
    batches = [os.urandom(size) for _ in range(2 if then else 1)]
    first_in = threading.Event()

    with socket.create_server(("127.0.0.1", args.port)) as srv:
        cli = socket.create_connection(srv.getsockname())
        conn, _ = srv.accept()

    def send():
        for i, data in enumerate(batches):
            if i:
                first_in.wait()
                while not os.path.exists(then):
                    time.sleep(0.05)
            cli.sendall(data)
        cli.shutdown(socket.SHUT_WR)

    sender = threading.Thread(target=send)
    sender.start()
    got = hashlib.sha256()
    n = 0
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        got.update(chunk)
        n += len(chunk)
        if then and not first_in.is_set() and n >= size:
            print(f"received {n}", flush=True)
            first_in.set()
    sender.join()
    cli.close()
    conn.close()
    want = hashlib.sha256(b"".join(batches)).hexdigest()
    ok = n == size * len(batches) and got.hexdigest() == want
    print(f"sent {size * len(batches)} bytes sha256 {want[:16]}, received {n} bytes "
          f"sha256 {got.hexdigest()[:16]}: {'intact' if ok else 'CORRUPT'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
