#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A tiny TCP client/server whose every step a test controls and knows.

  tcp.py serve ADDR PORT [--count N] [--backlog N] [--accept-after FILE]
      listen on ADDR:PORT, print "listening ADDR PORT pid=PID" once ready,
      wait until FILE exists (if given), then accept N connections (default
      1) one after another: read each until EOF, print "served RADDR RPORT
      BYTES", close it.  Exits after N.  --backlog 0 with a gate makes a
      full accept queue: the kernel drops further SYNs until the first
      accept().

  tcp.py connect ADDR PORT [--sport N] [--send N] [--hold-ms MS]
      bind to source port N (0: the kernel picks), connect, print
      "connected LADDR LPORT RADDR RPORT pid=PID", send N bytes, wait MS
      milliseconds, close.  A refused connect prints "refused ... pid=PID"
      and exits 2; a timeout prints "timeout ..." and exits 3.

Lines are flushed at once, so a test can wait for them (wait_for_line).
Run it inside a namespace with the IN_NS / IN_PEER prefixes of tests/lib.
"""
import argparse
import os
import socket
import sys
import time


def say(*words):
    print(*words, flush=True)


def serve(a):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(a.backlog)
    say("listening", a.addr, a.port, "pid=%d" % os.getpid())
    while a.accept_after and not os.path.exists(a.accept_after):
        time.sleep(0.01)
    for _ in range(a.count):
        conn, (raddr, rport) = ls.accept()
        total = 0
        while True:
            data = conn.recv(65536)
            if not data:
                break
            total += len(data)
        # Close only after the peer's FIN: the client always closes first,
        # so both ends go through the same states every run.
        conn.close()
        say("served", raddr, rport, total)
    ls.close()
    return 0


def connect(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.sport:
        s.bind(("0.0.0.0", a.sport))
    s.settimeout(a.timeout)
    pid = "pid=%d" % os.getpid()
    try:
        s.connect((a.addr, a.port))
    except ConnectionRefusedError:
        say("refused", a.addr, a.port, pid)
        return 2
    except socket.timeout:
        say("timeout", a.addr, a.port, pid)
        return 3
    laddr, lport = s.getsockname()
    say("connected", laddr, lport, a.addr, a.port, pid)
    chunk = b"x" * 4096
    left = a.send
    while left > 0:
        left -= s.send(chunk[: min(left, len(chunk))])
    if a.hold_ms:
        time.sleep(a.hold_ms / 1000.0)
    s.close()
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("serve")
    sv.add_argument("addr")
    sv.add_argument("port", type=int)
    sv.add_argument("--count", type=int, default=1)
    sv.add_argument("--backlog", type=int, default=16)
    sv.add_argument("--accept-after")
    cl = sub.add_parser("connect")
    cl.add_argument("addr")
    cl.add_argument("port", type=int)
    cl.add_argument("--sport", type=int, default=0)
    cl.add_argument("--send", type=int, default=0)
    cl.add_argument("--hold-ms", type=int, default=0)
    cl.add_argument("--timeout", type=float, default=10.0)
    a = p.parse_args()
    return serve(a) if a.cmd == "serve" else connect(a)


if __name__ == "__main__":
    sys.exit(main())
