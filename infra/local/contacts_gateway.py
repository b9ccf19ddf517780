#!/usr/bin/env python3
"""The contacts API's API Gateway, locally: every route `AWS_IAM`.

Deployed, API Gateway checks each request's SigV4 signature (service
`execute-api`) before the contacts function runs, and hands the function the
caller's IAM identity (`requestContext.authorizer.iam`), which it audits.
`cargo lambda watch` has no such gate: its function URL calls the function
with no caller at all. This script is the gate for `make dev` and the tests:

  contacts_gateway.py [--host H] [--port P] --invoke-url URL
                      [--region us-east-1] [--credential KEY:SECRET[:ARN]]...

  - a request without `Authorization`, or signed for another service or
    region, or more than 5 minutes off, or by an unknown key, or whose
    signature botocore computes differently, gets 403 and a JSON message,
    as API Gateway answers; the function is not called;
  - otherwise the request becomes an API Gateway HTTP API (v2) event with
    the key's principal in the IAM authorizer context, and is POSTed to
    `URL` (a Lambda invoke endpoint: `cargo lambda watch`'s
    `/2015-03-31/functions/contacts/invocations`); the function's answer is
    the response.

Known keys: each --credential, and `testing:testing` (what `jum` signs with
locally when no AWS credentials are set), and the shell's
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY if set. Role checks (reader vs
privacy officer) are not played here: docs/contacts.md, deployed only.
Prints `listening on HOST:PORT` once ready (with --port 0, the port chosen).
"""

from __future__ import annotations

import argparse
import datetime
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCOUNT = "123456789012"
SKEW_SECONDS = 300
DEFAULT_PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/local-operator"


def parse_authorization(header: str) -> dict[str, str] | None:
    """`AWS4-HMAC-SHA256 Credential=K/D/R/S/aws4_request, SignedHeaders=a;b, Signature=h`."""
    scheme, _, rest = header.partition(" ")
    if scheme != "AWS4-HMAC-SHA256":
        return None
    fields = {}
    for part in rest.split(","):
        key, _, value = part.strip().partition("=")
        fields[key] = value
    if not {"Credential", "SignedHeaders", "Signature"} <= fields.keys():
        return None
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return None
    return {
        "key": scope[0],
        "date": scope[1],
        "region": scope[2],
        "service": scope[3],
        "signed_headers": fields["SignedHeaders"],
        "signature": fields["Signature"],
    }


def expected_signature(method: str, url: str, headers: dict[str, str], body: bytes,
                       signed: list[str], secret: tuple[str, str, str | None],
                       region: str, amz_date: str) -> str:
    """botocore's SigV4 over exactly the headers the client signed, at its time."""
    request = AWSRequest(method=method, url=url, data=body,
                         headers={h: headers[h] for h in signed if h in headers})
    auth = SigV4Auth(Credentials(*secret), "execute-api", region)
    request.context["timestamp"] = amz_date
    canonical = auth.canonical_request(request)
    return auth.signature(auth.string_to_sign(request, canonical), request)


class Gateway(BaseHTTPRequestHandler):
    server_version = "jum-contacts-gateway"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args) -> None:  # no paths (numbers) in logs
        pass

    def refuse(self, status: int, message: str) -> None:
        self.answer(status, {"content-type": "application/json"},
                    json.dumps({"message": message}).encode())

    def answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urllib.parse.urlsplit(self.path)
        if not (split.path == "/contacts" or split.path.startswith("/contacts/")):
            return self.refuse(404, "Not Found")
        headers = {k.lower(): v for k, v in self.headers.items()}
        auth = parse_authorization(headers.get("authorization", ""))
        if auth is None:
            return self.refuse(403, "Forbidden")
        cfg = self.server.cfg  # type: ignore[attr-defined]
        if auth["service"] != "execute-api" or auth["region"] != cfg["region"]:
            return self.refuse(403, f"Credential should be scoped to a valid region and service execute-api ({cfg['region']})")
        known = cfg["keys"].get(auth["key"])
        if known is None:
            return self.refuse(403, "The security token included in the request is invalid.")
        amz_date = headers.get("x-amz-date", "")
        try:
            signed_at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            return self.refuse(403, "Forbidden")
        if abs(time.time() - signed_at.timestamp()) > SKEW_SECONDS or not amz_date.startswith(auth["date"]):
            return self.refuse(403, "Signature expired")
        signed = auth["signed_headers"].split(";")
        if "host" not in signed:
            return self.refuse(403, "Forbidden")
        url = f"http://{headers.get('host', '')}{self.path}"
        secret = (auth["key"], known["secret"], headers.get("x-amz-security-token"))
        want = expected_signature(self.command, url, headers, body, signed, secret, cfg["region"], amz_date)
        if not hmac.compare_digest(want, auth["signature"]):
            return self.refuse(403, "The request signature we calculated does not match the signature you provided.")
        self.invoke(split, headers, body, auth["key"], known["principal"])

    def invoke(self, split, headers: dict[str, str], body: bytes, key: str, principal: str) -> None:
        now = time.time()
        query = urllib.parse.parse_qs(split.query)
        route = f"{self.command} {split.path}"
        event = {
            "version": "2.0",
            "routeKey": route,
            "rawPath": split.path,
            "rawQueryString": split.query,
            "headers": {k: v for k, v in headers.items() if k != "authorization"},
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "requestContext": {
                "accountId": ACCOUNT,
                "apiId": "local",
                "authorizer": {"iam": {"accessKey": key, "accountId": ACCOUNT, "callerId": key,
                                       "principalOrgId": None, "userArn": principal, "userId": key}},
                "domainName": headers.get("host", "localhost"),
                "domainPrefix": "local",
                "http": {"method": self.command, "path": split.path, "protocol": "HTTP/1.1",
                         "sourceIp": self.client_address[0], "userAgent": headers.get("user-agent", "")},
                "requestId": f"local-{int(now * 1e6)}",
                "routeKey": route,
                "stage": "$default",
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "timeEpoch": int(now * 1000),
            },
            "body": body.decode() if body else None,
            "isBase64Encoded": False,
        }
        cfg = self.server.cfg  # type: ignore[attr-defined]
        req = urllib.request.Request(cfg["invoke_url"], data=json.dumps(event).encode(), method="POST",
                                     headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                answer = json.loads(resp.read())
        except (urllib.error.URLError, OSError, ValueError) as e:
            print(f"contacts_gateway: the function did not answer: {e}", file=sys.stderr)
            return self.refuse(502, "Internal Server Error")
        out = answer.get("body") or ""
        if answer.get("isBase64Encoded"):
            import base64
            data = base64.b64decode(out)
        else:
            data = out.encode()
        self.answer(int(answer.get("statusCode", 502)), answer.get("headers") or {}, data)

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("JUM_CONTACTS_PORT", "9001")))
    p.add_argument("--invoke-url", required=True)
    p.add_argument("--region", default=os.environ.get("AWS_REGION") or "us-east-1")
    p.add_argument("--credential", action="append", default=[], metavar="KEY:SECRET[:ARN]")
    args = p.parse_args(argv)
    keys = {"testing": {"secret": "testing", "principal": DEFAULT_PRINCIPAL}}
    if os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
        keys[os.environ["AWS_ACCESS_KEY_ID"]] = {"secret": os.environ["AWS_SECRET_ACCESS_KEY"],
                                                 "principal": DEFAULT_PRINCIPAL}
    for c in args.credential:
        key, secret, *arn = c.split(":", 2)
        keys[key] = {"secret": secret, "principal": arn[0] if arn else DEFAULT_PRINCIPAL}
    server = ThreadingHTTPServer((args.host, args.port), Gateway)
    server.cfg = {"region": args.region, "keys": keys, "invoke_url": args.invoke_url}  # type: ignore[attr-defined]
    print(f"listening on {args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
