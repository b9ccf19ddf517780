#!/usr/bin/env python3
"""A counting proxy in front of moto: every AWS request the functions make
goes through it and becomes one JSON line in the request log, with the
billing units AWS would charge for it.

    aws_counting_proxy.py --listen 127.0.0.1:PORT --moto http://127.0.0.1:MOTO --log requests.jsonl

Why a proxy rather than moto's ConsumedCapacity: moto 5.2.5 reports a fixed
capacity, not one computed from item sizes, so the proxy computes the units
itself from the items, read straight from moto (uncounted) before and after
each write:

- DynamoDB writes (PutItem, UpdateItem, DeleteItem): 1 WRU per started KB
  of the larger of the item before and after; a failed conditional write
  consumes the existing item's size (at least 1). BatchWriteItem sums its
  items; TransactWriteItems counts each item twice (AWS charges 2 units).
- DynamoDB reads: 4 KB units, half for eventually consistent reads, at
  least 0.5 (or 1 when strongly consistent). Query sums the items it read
  before any filter, so the proxy repeats it uncounted without the filter
  and projection to size them.
- SQS: one request per started 64 KiB of payload (request body for sends,
  response body for receives).
- EventBridge: PutEvents entries per started 64 KB chunk, and each
  accepted entry's deliveries to the targets of the rules it matches
  (aws_counting_events.py).
- S3 (REST, path-style): one request each, named as AWS names the
  operation (aws_counting_s3.py), with the object bytes a PutObject or
  UploadPart carries; S3 bills requests by class and storage by bytes, so
  no unit is computed here. Bodies (aws-chunked included) go to moto as
  they came; a HEAD answer keeps moto's Content-Length.
- Item size follows DynamoDB's rules (attribute name bytes + value bytes;
  numbers as about one byte per two significant digits plus one; 3 bytes of
  overhead and 1 byte per element for maps and lists). The sizes are
  DynamoDB's published approximation, so a unit count can differ by one
  when an item sits just over a 1 KB boundary.

Each client names itself through the SDK's app name (user agent `app/NAME`);
the line records it so the cost model can attribute each request to a
scenario and a function. Stdlib only (aws_counting_events.py borrows moto's
event-pattern matcher, from the .venv that runs the proxy).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import math
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import aws_counting_events
import aws_counting_s3

SQS_CHUNK = 64 * 1024
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade",
              "proxy-connection", "trailer"}
APP_NAME = re.compile(r"\bapp/([A-Za-z0-9._-]+)")
PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


# --------------------------------------------------------------- item size

def number_size(text: str) -> int:
    digits = Decimal(text).normalize().as_tuple().digits
    significant = len(digits) if any(digits) else 1
    return math.ceil(significant / 2) + 1


def value_size(value: dict) -> int:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return number_size(v)
    if kind == "B":
        return len(base64.b64decode(v))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(x.encode()) for x in v)
    if kind == "NS":
        return sum(number_size(x) for x in v)
    if kind == "BS":
        return sum(len(base64.b64decode(x)) for x in v)
    if kind == "L":
        return 3 + sum(1 + value_size(x) for x in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(x) for k, x in v.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict | None) -> int:
    if not item:
        return 0
    return sum(len(k.encode()) + value_size(v) for k, v in item.items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


# --------------------------------------------------------------- moto calls

class Moto:
    """Uncounted DynamoDB calls straight to moto, to size items."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.local = threading.local()
        self.key_schemas: dict[str, list[str]] = {}

    def conn(self) -> http.client.HTTPConnection:
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.local.conn

    def forward(self, method, path, headers, body):
        for attempt in range(2):
            conn = self.conn()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.getheaders(), resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise

    def call(self, service: str, target: str, payload: dict) -> dict:
        headers = {
            "Content-Type": "application/x-amz-json-1.1" if service == "events" else "application/x-amz-json-1.0",
            "X-Amz-Target": target,
            # moto reads the region and the service from the credential scope.
            "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, "
                             "SignedHeaders=host, Signature=0",
        }
        status, _, body = self.forward("POST", "/", headers, json.dumps(payload).encode())
        out = json.loads(body or b"{}")
        if status != 200:
            raise RuntimeError(f"moto {target}: {status} {out}")
        return out

    def dynamodb(self, operation: str, payload: dict) -> dict:
        return self.call("dynamodb", f"DynamoDB_20120810.{operation}", payload)

    def events(self, operation: str, payload: dict) -> dict:
        return self.call("events", f"AWSEvents.{operation}", payload)

    def key_of(self, table: str, item: dict) -> dict:
        if table not in self.key_schemas:
            desc = self.dynamodb("DescribeTable", {"TableName": table})
            self.key_schemas[table] = [k["AttributeName"] for k in desc["Table"]["KeySchema"]]
        return {k: item[k] for k in self.key_schemas[table] if k in item}

    def get(self, table: str, key: dict) -> dict | None:
        return self.dynamodb("GetItem", {"TableName": table, "Key": key,
                                         "ConsistentRead": True}).get("Item")


# --------------------------------------------------------------- metering

def single_write_targets(moto: Moto, op: str, req: dict):
    """(table, key, new item or None) for each item a write touches."""
    if op == "PutItem":
        yield req["TableName"], moto.key_of(req["TableName"], req["Item"]), req["Item"], 1
    elif op in ("UpdateItem", "DeleteItem"):
        yield req["TableName"], req["Key"], None, 1
    elif op == "BatchWriteItem":
        for table, writes in req.get("RequestItems", {}).items():
            for w in writes:
                if "PutRequest" in w:
                    item = w["PutRequest"]["Item"]
                    yield table, moto.key_of(table, item), item, 1
                else:
                    yield table, w["DeleteRequest"]["Key"], None, 1
    elif op == "TransactWriteItems":
        for t in req.get("TransactItems", []):
            (kind, body), = t.items()
            if kind == "Put":
                yield body["TableName"], moto.key_of(body["TableName"], body["Item"]), body["Item"], 2
            else:  # Update, Delete, ConditionCheck
                yield body["TableName"], body["Key"], None, 2


def dynamodb_reads(moto: Moto, op: str, req: dict, resp: dict) -> float:
    consistent = bool(req.get("ConsistentRead"))
    if op == "GetItem":
        return read_units(item_size(resp.get("Item")), consistent)
    if op == "BatchGetItem":
        total = 0.0
        for table, items in resp.get("Responses", {}).items():
            c = bool(req["RequestItems"].get(table, {}).get("ConsistentRead"))
            total += sum(read_units(item_size(i), c) for i in items)
        return total
    if op in ("Query", "Scan"):
        # Billed on what was read before the filter: repeat without it.
        bare = {k: v for k, v in req.items()
                if k not in ("FilterExpression", "ProjectionExpression", "Select",
                             "AttributesToGet", "ReturnConsumedCapacity")}
        if "ProjectionExpression" in req or "FilterExpression" in req:
            names = dict(req.get("ExpressionAttributeNames", {}))
            values = dict(req.get("ExpressionAttributeValues", {}))
            used = set(PLACEHOLDER.findall(req.get("KeyConditionExpression", "")))
            bare["ExpressionAttributeNames"] = {k: v for k, v in names.items() if k in used}
            bare["ExpressionAttributeValues"] = {k: v for k, v in values.items() if k in used}
            for k in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
                if not bare[k]:
                    del bare[k]
            items = moto.dynamodb(op, bare).get("Items", [])
        else:
            items = resp.get("Items", [])
        return read_units(sum(item_size(i) for i in items), consistent)
    return 0.0


def sqs_requests(op: str, req_body: bytes, resp_body: bytes) -> int:
    payload = len(resp_body) if op == "ReceiveMessage" else len(req_body)
    return max(1, math.ceil(payload / SQS_CHUNK))


# --------------------------------------------------------------- the proxy

class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    moto: Moto
    log_file = None
    log_lock = threading.Lock()

    def log_message(self, *args):  # quiet: the request log is the output
        pass

    def read_body(self) -> bytes:
        """The request body as sent: Content-Length bytes, or HTTP chunked
        transfer decoded (moto gets it back with a Content-Length). An
        aws-chunked S3 body is a plain body here, forwarded as is."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def forward_headers(self, body: bytes) -> dict:
        # Expect: 100-continue was answered by this server already.
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP_BY_HOP and k.lower() not in ("expect", "content-length")}
        if body or self.command in ("PUT", "POST"):
            headers["Content-Length"] = str(len(body))
        return headers

    def app(self) -> str | None:
        found = APP_NAME.search(self.headers.get("User-Agent", "") + " "
                                + self.headers.get("x-amz-user-agent", ""))
        return found.group(1) if found else None

    def log_and_answer(self, record: dict, status: int, resp_headers, resp_body: bytes):
        with self.log_lock:
            self.log_file.write(json.dumps(record) + "\n")
            self.log_file.flush()
        self.send_response(status)
        length = str(len(resp_body))
        for k, v in resp_headers:
            if k.lower() == "content-length":
                # A HEAD answer has no body but keeps the object's length.
                if self.command == "HEAD":
                    length = v
            elif k.lower() not in HOP_BY_HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", length)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp_body)

    def do_POST(self):
        if self.headers.get("X-Amz-Target"):
            self.json_request()
        else:
            self.s3_request()

    def s3_request(self):
        body = self.read_body()
        op = aws_counting_s3.operation(self.command, self.path, self.headers)
        status, resp_headers, resp_body = self.moto.forward(
            self.command, self.path, self.forward_headers(body), body)
        record = {"app": self.app(), "service": "s3", "op": op, "request_bytes": len(body),
                  "status": status, "response_bytes": len(resp_body)}
        stored = aws_counting_s3.object_bytes(op, self.headers, body)
        if stored is not None:
            record["object_bytes"] = stored
        if status >= 400:
            record["error"] = aws_counting_s3.error_code(status, resp_body)
        self.log_and_answer(record, status, resp_headers, resp_body)

    do_PUT = do_GET = do_HEAD = do_DELETE = s3_request

    def json_request(self):
        body = self.read_body()
        target = self.headers.get("X-Amz-Target", "")
        service, _, op = target.partition(".")
        service = {"DynamoDB_20120810": "dynamodb", "AmazonSQS": "sqs", "AWSEvents": "events",
                   "secretsmanager": "secretsmanager"}.get(service, service or "other")
        record = {"app": self.app(), "service": service, "op": op, "request_bytes": len(body)}
        before = []
        req = json.loads(body) if service == "dynamodb" and body else {}
        if service == "dynamodb":
            for table, key, new, factor in single_write_targets(self.moto, op, req):
                before.append((table, key, new, factor, self.moto.get(table, key)))
        status, resp_headers, resp_body = self.moto.forward(
            "POST", self.path, self.forward_headers(body), body)
        record["status"] = status
        record["response_bytes"] = len(resp_body)
        if status >= 400:
            try:
                record["error"] = json.loads(resp_body).get("__type", "").rsplit("#", 1)[-1]
            except ValueError:
                record["error"] = "unparsed"
        if service == "dynamodb":
            wru = 0
            for table, key, new, factor, old in before:
                if status == 200:
                    after = self.moto.get(table, key)
                    size = max(item_size(old), item_size(after), item_size(new) if new else 0)
                else:  # a failed condition still consumes the existing item's size
                    size = item_size(old)
                wru += write_units(size) * factor
            record["wru"] = wru
            record["rru"] = (dynamodb_reads(self.moto, op, req, json.loads(resp_body))
                             if status == 200 else 0.0)
        elif service == "sqs":
            record["sqs_requests"] = sqs_requests(op, body, resp_body)
        elif service == "events" and op == "PutEvents" and status == 200:
            record.update(aws_counting_events.units(self.moto, json.loads(body), json.loads(resp_body)))
        self.log_and_answer(record, status, resp_headers, resp_body)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", required=True, help="host:port to listen on")
    ap.add_argument("--moto", required=True, help="moto's URL")
    ap.add_argument("--log", required=True, help="request log (JSON lines), appended to")
    args = ap.parse_args()
    host, port = args.listen.rsplit(":", 1)
    Proxy.moto = Moto(args.moto)
    Proxy.log_file = open(args.log, "a", encoding="utf-8")
    server = ThreadingHTTPServer((host, int(port)), Proxy)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
