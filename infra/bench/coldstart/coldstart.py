#!/usr/bin/env python3
"""Cold start of one function binary against a minimal Lambda Runtime API.

Serves the Runtime API routes a function uses on 127.0.0.1, starts the binary
with AWS_LAMBDA_RUNTIME_API pointing at it (plus the variables Lambda sets),
and reports the time from exec to the binary's first
`GET /2018-06-01/runtime/invocation/next`: the function's init, what Lambda
bills as Init Duration. The harness answers that first GET with one event,
waits for the function's next poll (the invocation is then finished), reads
the process's peak RSS (VmHWM), and stops it. Each run is a fresh process.

The function's AWS calls go wherever its environment says (run.sh points
AWS_ENDPOINT_URL at a private moto), so the first invocation does its real
work. `--expect` makes the run fail unless every invocation answered that, so
a figure is never taken on an error path.

Usage: coldstart.py LABEL BINARY EVENT_FILE [--runs N] [--env KEY=VALUE ...]
                    [--vary TEXT ...] [--webhook-post --secret S] [--expect A]
  EVENT_FILE  a Lambda event; with --webhook-post, a Meta payload that is
              wrapped in a signed API Gateway HTTP API POST (--secret signs it).
  --vary TEXT every TEXT in the event gets a per-run suffix, so each run's
              ids (wamids, idempotency keys) are new, as in production.
Prints one Markdown table row: label, runs, init wall time median / p95 /
min (ms), init CPU time median (ms, all threads), peak RSS median / max
(MiB), answer.
"""

import argparse
import hashlib
import hmac
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

PREFIX = "/2018-06-01/runtime/"


def summarise(path: str, body: bytes) -> str:
    """What the function answered, in a word: an HTTP status, a count of
    failed SQS records, `ok`, or `error` (an error POST)."""
    if path.endswith("/error"):
        return "error"
    try:
        answer = json.loads(body)
    except ValueError:
        return "ok"
    if isinstance(answer, dict) and "statusCode" in answer:
        return str(answer["statusCode"])
    if isinstance(answer, dict) and "batchItemFailures" in answer:
        return f"{len(answer['batchItemFailures'])} failed"
    return "ok"


class Runtime(http.server.BaseHTTPRequestHandler):
    # Set per run by `measure`.
    event = b"{}"
    first_next = None
    pid = None
    pid_known = None
    init_cpu_ms = None
    done = None
    answered = None

    def log_message(self, *_):  # quiet: the figures are the output
        pass

    def do_GET(self):
        if not self.path.startswith(PREFIX + "invocation/next"):
            self.send_error(404)
            return
        cls = type(self)
        if cls.first_next is None:
            cls.first_next = time.perf_counter()
            # Under load the binary can poll before Popen has returned its
            # pid; it waits for this answer meanwhile, using no CPU.
            cls.pid_known.wait(10)
            cls.init_cpu_ms = cpu_ms(cls.pid)
        else:
            # Second poll: the first invocation is finished. Hold it, as
            # Lambda freezes the sandbox, until the harness has read the RSS
            # and killed the process.
            cls.done.set()
            time.sleep(5)
            return
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "coldstart-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30_000))
        self.send_header(
            "Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:coldstart"
        )
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(cls.event)))
        self.end_headers()
        self.wfile.write(cls.event)

    def do_POST(self):
        # /invocation/<id>/response or /error, or /init/error.
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        cls = type(self)
        cls.answered = summarise(self.path, body)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if "/init/error" in self.path:
            cls.answered = "init error"
            cls.done.set()


def webhook_post(body: bytes, secret: str) -> bytes:
    """The API Gateway HTTP API (payload 2.0) event for Meta's signed POST."""
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    http_ctx = {
        "method": "POST",
        "path": "/webhook",
        "protocol": "HTTP/1.1",
        "sourceIp": "203.0.113.7",
        "userAgent": "facebookexternalua",
    }
    return json.dumps(
        {
            "version": "2.0",
            "routeKey": "POST /webhook",
            "rawPath": "/webhook",
            "rawQueryString": "",
            "isBase64Encoded": False,
            "body": body.decode(),
            "headers": {"content-type": "application/json", "x-hub-signature-256": sig},
            "requestContext": {
                "accountId": "000000000000",
                "apiId": "coldstart",
                "domainName": "localhost",
                "domainPrefix": "localhost",
                "http": http_ctx,
                "requestId": "coldstart-1",
                "routeKey": "POST /webhook",
                "stage": "$default",
                "time": "25/Nov/2026:00:00:00 +0000",
                "timeEpoch": 1764028800000,
            },
        }
    ).encode()


def cpu_ms(pid: int | None) -> float | None:
    """CPU time the process has run so far, all threads (schedstat, ns).
    Unlike wall time, it does not grow when other work on the machine keeps
    the process waiting for a core."""
    if pid is None:
        return None
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e6


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def lambda_env(label: str, memory_mb: str) -> dict:
    """What Lambda sets for every function (lambda_runtime reads these)."""
    return {
        "AWS_LAMBDA_FUNCTION_NAME": label,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": memory_mb,
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{label}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "coldstart",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    }


def measure(binary: str, event: bytes, env: dict) -> tuple[float, float, int, str]:
    Runtime.event, Runtime.first_next, Runtime.done = event, None, threading.Event()
    Runtime.answered, Runtime.pid, Runtime.init_cpu_ms = None, None, None
    Runtime.pid_known = threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**os.environ, **env, "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_port}"}
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    Runtime.pid = proc.pid
    Runtime.pid_known.set()
    try:
        if not Runtime.done.wait(60):
            raise RuntimeError("the first invocation did not finish in 60 s")
        rss = peak_rss_kib(proc.pid)
    finally:
        proc.kill()
        proc.wait()
        server.shutdown()
        server.server_close()
    if Runtime.first_next is None:
        raise RuntimeError(f"the binary never asked for an invocation (answered {Runtime.answered})")
    if Runtime.init_cpu_ms is None:
        raise RuntimeError("no CPU time read for the init")
    return (Runtime.first_next - start) * 1000, Runtime.init_cpu_ms, rss, Runtime.answered


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("label")
    ap.add_argument("binary")
    ap.add_argument("event")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--vary", action="append", default=[])
    ap.add_argument("--memory-mb", default="128")
    ap.add_argument("--webhook-post", action="store_true")
    ap.add_argument("--secret", default="dev-app-secret")
    ap.add_argument("--expect", help="the answer every run must give, e.g. 200 or '0 failed'")
    a = ap.parse_args()
    env = {**lambda_env(a.label, a.memory_mb), **dict(kv.split("=", 1) for kv in a.env)}
    template = Path(a.event).read_bytes()
    nonce = f"{int(time.time())}-{os.getpid()}"

    def event(run: int) -> bytes:
        body = template
        for text in a.vary:
            body = body.replace(text.encode(), f"{text}cs{nonce}-{run}-".encode())
        return webhook_post(body, a.secret) if a.webhook_post else body

    inits, cpus, rsss, answers = [], [], [], []
    for run in range(a.runs):
        init, cpu, rss, answer = measure(a.binary, event(run), env)
        inits.append(init)
        cpus.append(cpu)
        rsss.append(rss / 1024)
        answers.append(answer)
    answered = ", ".join(sorted(set(map(str, answers))))
    print(
        f"| {a.label} | {a.runs} | {statistics.median(inits):.1f} | {p95(inits):.1f} | {min(inits):.1f} "
        f"| {statistics.median(cpus):.1f} | {statistics.median(rsss):.1f} | {max(rsss):.1f} | {answered} |",
        flush=True,
    )
    if a.expect is not None and set(answers) != {a.expect}:
        sys.exit(f"coldstart.py: {a.label}: expected every run to answer {a.expect!r}, got {answered}")


if __name__ == "__main__":
    main()
