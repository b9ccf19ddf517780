#!/usr/bin/env python3
"""Cold start of one function binary against a minimal Lambda Runtime API.

Serves the three Runtime API routes a function uses on 127.0.0.1, starts the
binary with AWS_LAMBDA_RUNTIME_API pointing at it, and reports the time from
exec to the binary's first `GET /2018-06-01/runtime/invocation/next`: that is
the function's init, what Lambda bills as Init Duration. The harness answers
that first GET with one event, waits for the response or error POST, then
reads the process's peak RSS (VmHWM) before stopping it.

The event's downstream calls (Secrets Manager, SQS) go to the endpoint in
AWS_ENDPOINT_URL; with nothing listening there the first invocation fails
fast, which still measures init but not the RSS of a full handling.

Usage: coldstart.py BINARY EVENT_JSON [--runs N] [--env KEY=VALUE ...]
       EVENT_JSON is a Lambda event, or with --webhook-post a Meta payload that
       is wrapped in a signed API Gateway HTTP API POST (--secret signs it).
"""

import argparse
import hashlib
import hmac
import http.server
import json
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path

PREFIX = "/2018-06-01/runtime/invocation/"


class Runtime(http.server.BaseHTTPRequestHandler):
    # Set per run by `measure`.
    event = b"{}"
    first_next = None
    done = None
    # The HTTP status the function answered, so a run whose invocation failed
    # (an error POST, or a 503 because AWS was unreachable) is visible.
    answered = None

    def log_message(self, *_):  # quiet: the figures are the output
        pass

    def do_GET(self):
        if not self.path.startswith(PREFIX + "next"):
            self.send_error(404)
            return
        cls = type(self)
        if cls.first_next is None:
            cls.first_next = time.perf_counter()
        else:
            # Second poll: the first invocation is finished. Hold it, as
            # Lambda freezes the sandbox, until the harness has read its RSS and killed it.
            cls.done.set()
            time.sleep(5)
            return
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "coldstart-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30_000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:coldstart")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(cls.event)))
        self.end_headers()
        self.wfile.write(cls.event)

    def do_POST(self):
        # /invocation/<id>/response or /error, or /init/error.
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            type(self).answered = json.loads(body).get("statusCode", self.path)
        except (ValueError, AttributeError):
            type(self).answered = self.path
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if "/init/error" in self.path:
            type(self).done.set()


def webhook_post(body: bytes, secret: str) -> bytes:
    """The API Gateway HTTP API (payload 2.0) event for Meta's signed POST."""
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    http = {"method": "POST", "path": "/webhook", "protocol": "HTTP/1.1",
            "sourceIp": "203.0.113.7", "userAgent": "facebookexternalua"}
    return json.dumps({
        "version": "2.0", "routeKey": "POST /webhook", "rawPath": "/webhook",
        "rawQueryString": "", "isBase64Encoded": False, "body": body.decode(),
        "headers": {"content-type": "application/json", "x-hub-signature-256": sig},
        "requestContext": {"accountId": "000000000000", "apiId": "coldstart",
                           "domainName": "localhost", "domainPrefix": "localhost",
                           "http": http, "requestId": "coldstart-1",
                           "routeKey": "POST /webhook", "stage": "$default",
                           "time": "25/Nov/2026:00:00:00 +0000", "timeEpoch": 1764028800000},
    }).encode()


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def measure(binary: str, event: bytes, env: dict) -> tuple[float, int, object]:
    Runtime.event, Runtime.first_next, Runtime.done = event, None, threading.Event()
    Runtime.answered = None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**os.environ, **env, "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_port}"}
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not Runtime.done.wait(30):
            raise RuntimeError("the first invocation did not finish in 30 s")
        rss = peak_rss_kib(proc.pid)
    finally:
        proc.kill()
        proc.wait()
        server.shutdown()
    if Runtime.first_next is None:
        raise RuntimeError("the binary never asked for an invocation")
    return (Runtime.first_next - start) * 1000, rss, Runtime.answered


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("event")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--webhook-post", action="store_true")
    ap.add_argument("--secret", default="bench-app-secret")
    a = ap.parse_args()
    env = dict(kv.split("=", 1) for kv in a.env)
    event = Path(a.event).read_bytes()
    if a.webhook_post:
        event = webhook_post(event, a.secret)
    inits, rsss, answers = zip(*(measure(a.binary, event, env) for _ in range(a.runs)))
    print(json.dumps({
        "binary": a.binary,
        "event": a.event,
        "answered": sorted(set(map(str, answers))),
        "runs": a.runs,
        "init_ms_median": round(statistics.median(inits), 2),
        "init_ms_min": round(min(inits), 2),
        "peak_rss_mib_max": round(max(rsss) / 1024, 1),
    }))


if __name__ == "__main__":
    main()
