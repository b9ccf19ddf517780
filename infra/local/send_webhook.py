#!/usr/bin/env python3
"""Send Meta-style WhatsApp webhooks to the local stack (`make dev`).

  send_webhook.py [--url URL] [--secret S] [--twice] FILE...   signed POSTs
  send_webhook.py --now FILE...                                the same, dated now
  send_webhook.py --bad-signature FILE...                      wrongly signed POSTs
  send_webhook.py --verify [--verify-token T] [--challenge C]  GET subscription handshake
  send_webhook.py --sample-image [PATH]                         a customer's photo (docs/media.md)

Each POST carries the file's raw bytes, `Content-Type: application/json` and
`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw bytes)>`, as Meta
sends them.  Prints the status and body of every response.  Exits 1 on a
connection error, or when --expect is given and a status differs.
Standard library only.

--sample-image seeds a JPEG (PATH, or 2 KB made up by the simulator) into
the Graph API simulator (`POST /_sim/media`, --simulator URL) and sends the
image webhook that names it, dated now: the media function then copies the
bytes the simulator serves to the local bucket (`media.stored` on the events
queue).

--now sets every `timestamp` in the payload to the current time before
signing. A fixture's messages are dated in the past, so the customer-service
window they open closed long ago, and the connector rightly refuses to send
free-form auto-replies to them (`rejected / outside_customer_service_window`).
Dated now, a message gets its reply, as a customer's would.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import sys
import urllib.error
import urllib.parse
import time
import urllib.request

DEFAULT_URL = "http://127.0.0.1:9000/lambda-url/webhook/"
DEFAULT_SIMULATOR = "http://127.0.0.1:9090"
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "webhooks")


def seeded_image_webhook(simulator: str, path: str | None, timeout: float) -> bytes:
    """tests/fixtures/webhooks/image.json naming a file the simulator now
    serves: its media id, mime type and sha256 (base64, as Meta's webhook)."""
    query = "mime_type=image/jpeg" + ("" if path else "&generate=2048")
    data = open(path, "rb").read() if path else b""
    req = urllib.request.Request(f"{simulator.rstrip('/')}/_sim/media?{query}", data=data, method="POST")
    status, body = request(req, timeout)
    if status != 201:
        raise OSError(f"simulator refused the seed: {status} {body[:200]!r}")
    seeded = json.loads(body)
    doc = json.load(open(os.path.join(FIXTURES, "image.json")))
    message = doc["entry"][0]["changes"][0]["value"]["messages"][0]
    message["id"] = "wamid.local-" + secrets.token_hex(12)
    message["image"].update({"id": seeded["id"], "mime_type": "image/jpeg", "sha256": seeded["sha256"]})
    message["image"].pop("url", None)
    print(f"seeded media {seeded['id']} ({seeded['file_size']} bytes) in the simulator", flush=True)
    return dated_now(json.dumps(doc).encode(), int(time.time()))


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def dated_now(raw: bytes, now: int) -> bytes:
    """The payload with every `timestamp` set to `now` (a string, as Meta
    sends it). A body that is not JSON is sent unchanged."""
    try:
        doc = json.loads(raw)
    except ValueError:
        return raw

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "timestamp" and isinstance(inner, (str, int)):
                    value[key] = str(now)
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(doc)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def request(req: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def show(label: str, status: int, body: bytes) -> None:
    text = body.decode("utf-8", errors="replace")
    if len(text) > 2000:
        text = text[:2000] + f"... ({len(body)} bytes)"
    print(f"{label}: {status} {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", metavar="FILE", help="webhook JSON payloads ('-' for stdin)")
    parser.add_argument("--url", default=os.environ.get("JUM_WEBHOOK_URL", DEFAULT_URL))
    parser.add_argument(
        "--secret",
        default=os.environ.get("JUM_APP_SECRET") or "dev-app-secret",
        help="Meta app secret used to sign (default: $JUM_APP_SECRET or dev-app-secret)",
    )
    parser.add_argument("--twice", action="store_true", help="send every file twice (duplicate delivery)")
    parser.add_argument("--now", action="store_true", help="set every timestamp to now (opens the 24-hour window)")
    parser.add_argument("--bad-signature", action="store_true", help="send a signature that does not match")
    parser.add_argument("--verify", action="store_true", help="do the GET verification handshake instead")
    parser.add_argument(
        "--verify-token",
        default=os.environ.get("JUM_VERIFY_TOKEN") or "dev-verify-token",
        help="hub.verify_token for --verify (default: $JUM_VERIFY_TOKEN or dev-verify-token)",
    )
    parser.add_argument("--challenge", default=None, help="hub.challenge for --verify (default: random)")
    parser.add_argument("--expect", type=int, default=None, metavar="STATUS", help="exit 1 unless every status is this")
    parser.add_argument(
        "--sample-image",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="seed a JPEG (PATH, or a made-up one) in the simulator and send its image webhook",
    )
    parser.add_argument("--simulator", default=os.environ.get("JUM_SIMULATOR_URL", DEFAULT_SIMULATOR))
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)

    if not args.verify and not args.files and args.sample_image is None:
        parser.error("give at least one FILE, --sample-image or --verify")

    statuses: list[int] = []
    try:
        if args.verify:
            challenge = args.challenge or str(secrets.randbelow(10**9))
            query = urllib.parse.urlencode(
                {"hub.mode": "subscribe", "hub.verify_token": args.verify_token, "hub.challenge": challenge}
            )
            sep = "&" if urllib.parse.urlsplit(args.url).query else "?"
            req = urllib.request.Request(f"{args.url}{sep}{query}", method="GET")
            status, body = request(req, args.timeout)
            show("verify", status, body)
            echoed = body.decode("utf-8", errors="replace").strip() == challenge
            print(f"verify: challenge {'echoed' if echoed else 'NOT echoed'}", flush=True)
            statuses.append(status)

        bodies = [(p, None) for p in args.files]
        if args.sample_image is not None:
            bodies.append(("sample image", seeded_image_webhook(args.simulator, args.sample_image or None, args.timeout)))
        for path, prepared in bodies:
            if prepared is not None:
                raw = prepared
            else:
                raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
            if args.now:
                raw = dated_now(raw, int(time.time()))
            sig = signature(args.secret, raw)
            if args.bad_signature:
                sig = signature(args.secret + "-wrong", raw)
            for attempt in range(2 if args.twice else 1):
                req = urllib.request.Request(
                    args.url,
                    data=raw,
                    method="POST",
                    headers={
                        "Content-Type": "application/json",
                        "X-Hub-Signature-256": sig,
                        "User-Agent": "facebookexternalua",
                    },
                )
                status, body = request(req, args.timeout)
                show(f"{path}{' (again)' if attempt else ''}", status, body)
                statuses.append(status)
    except (urllib.error.URLError, OSError) as e:
        print(f"error: {args.url}: {getattr(e, 'reason', e)}", file=sys.stderr)
        return 1

    if args.expect is not None and any(s != args.expect for s in statuses):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
