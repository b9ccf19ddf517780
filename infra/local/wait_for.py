#!/usr/bin/env python3
"""Tiny helpers for the local scripts (standard library only).

  wait_for.py HOST:PORT [--timeout SECONDS] [--pid PID]
      wait until a TCP port accepts connections; exit 1 on timeout, or at once
      if the process PID (the server being waited for) has died.
  wait_for.py --free-port [--host 127.0.0.1]
      print a TCP port that is free right now.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait(host: str, port: int, timeout: float, pid: int | None) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            pass
        if pid is not None and not alive(pid):
            print(f"wait_for: process {pid} exited before {host}:{port} answered", file=sys.stderr)
            return False
        if time.monotonic() >= deadline:
            print(f"wait_for: {host}:{port} did not answer within {timeout:g}s", file=sys.stderr)
            return False
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("address", nargs="?", metavar="HOST:PORT")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--pid", type=int, default=None, help="give up early if this process dies")
    parser.add_argument("--free-port", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)

    if args.free_port:
        print(free_port(args.host))
        return 0
    if not args.address:
        parser.error("HOST:PORT is required")
    host, _, port = args.address.rpartition(":")
    return 0 if wait(host or "127.0.0.1", int(port), args.timeout, args.pid) else 1


if __name__ == "__main__":
    sys.exit(main())
