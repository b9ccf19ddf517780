"""The queue pollers: the Lambda SQS event-source mapping played locally, for
one queue and one function served by `cargo lambda watch` (`stack.py poll`).

sqs_record is also used by infra/bench/coldstart/run.sh to build the
processor's batch exactly as this poller would hand it over.
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from provision import LocalStack
from template import QUEUE_TYPE, StackError, log


class Stop(BaseException):
    pass


def _raise_stop(signum: int, frame: Any) -> None:
    raise Stop()


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    attributes = dict(message.get("Attributes", {}))
    attributes.setdefault("ApproximateReceiveCount", "1")
    now_ms = str(int(time.time() * 1000))
    attributes.setdefault("SentTimestamp", now_ms)
    attributes.setdefault("SenderId", "AIDAIENQZJOLO23YVJ4VO")
    attributes.setdefault("ApproximateFirstReceiveTimestamp", now_ms)
    message_attributes = {}
    for name, attr in (message.get("MessageAttributes") or {}).items():
        converted: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": attr["DataType"]}
        if "StringValue" in attr:
            converted["stringValue"] = attr["StringValue"]
        if "BinaryValue" in attr:
            converted["binaryValue"] = base64.b64encode(attr["BinaryValue"]).decode()
        message_attributes[name] = converted
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def failed_ids(response_body: bytes, message_ids: list[str]) -> set[str]:
    """Message ids to retry, per Lambda's ReportBatchItemFailures rules: an
    empty/null answer means all succeeded; a malformed answer or an unknown
    itemIdentifier fails the whole batch."""
    if not response_body.strip():
        return set()
    try:
        answer = json.loads(response_body)
    except ValueError:
        return set(message_ids)
    if answer is None:
        return set()
    if not isinstance(answer, dict):
        return set(message_ids)
    failures = answer.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return set(message_ids)
    ids = set()
    for failure in failures:
        ident = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not ident or ident not in message_ids:
            return set(message_ids)
        ids.add(ident)
    return ids


def runtime_reachable(runtime_url: str) -> bool:
    parsed = urllib.parse.urlsplit(runtime_url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=1):
            return True
    except OSError:
        return False


def wait_for_runtime(runtime_url: str, max_backoff: float) -> None:
    delay, announced = 0.25, False
    while not runtime_reachable(runtime_url):
        if not announced:
            log(f"poll: waiting for the Lambda runtime at {runtime_url} (cargo lambda watch may still be compiling)")
            announced = True
        time.sleep(delay)
        delay = min(delay * 2, max_backoff)
    if announced:
        log("poll: runtime is up")


def invoke(url: str, payload: bytes, timeout: float) -> tuple[int, bytes, str | None]:
    req = urllib.request.Request(url, data=payload, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read(), resp.headers.get("X-Amz-Function-Error")
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers.get("X-Amz-Function-Error")


def is_connection_error(exc: BaseException) -> bool:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, (ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError))


def poll(stack: LocalStack, args: argparse.Namespace) -> int:
    queue_id = args.queue
    if stack.resources.get(queue_id, {}).get("Type") != QUEUE_TYPE:
        raise StackError(f"{queue_id} is not an {QUEUE_TYPE} of the template")
    queue_url = stack.get_att(queue_id, "QueueUrl")
    queue_arn = stack.get_att(queue_id, "Arn")
    sqs = stack.clients["sqs"]
    invoke_url = f"{args.runtime_url.rstrip('/')}/2015-03-31/functions/{args.function}/invocations"
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    log(f"poll: {queue_id} -> {args.function} via {invoke_url} (batch {args.batch_size})")

    in_flight: list[dict[str, Any]] = []
    try:
        while True:
            wait_for_runtime(args.runtime_url, args.max_backoff)
            messages = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=args.batch_size,
                WaitTimeSeconds=args.wait_seconds,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                continue
            in_flight = messages
            ids = [m["MessageId"] for m in messages]
            event = {"Records": [sqs_record(m, queue_arn, stack.region) for m in messages]}
            payload = json.dumps(event).encode()

            started = time.monotonic()
            status, body, function_error = None, b"", None
            delay, deadline = 0.25, started + args.connect_retry_seconds
            while True:
                try:
                    status, body, function_error = invoke(invoke_url, payload, args.invoke_timeout)
                    break
                except (urllib.error.URLError, OSError) as e:
                    if not is_connection_error(e) or time.monotonic() >= deadline:
                        log(f"poll: invoke failed: {getattr(e, 'reason', e)}")
                        break
                    time.sleep(delay)
                    delay = min(delay * 2, args.max_backoff)
            elapsed_ms = int((time.monotonic() - started) * 1000)

            if status == 200 and not function_error:
                failed = failed_ids(body, ids)
                outcome = "ok"
            else:
                failed = set(ids)  # the invocation itself failed: nothing is deleted
                outcome = f"invoke error (status {status}{', ' + function_error if function_error else ''})"

            done = [m for m in messages if m["MessageId"] not in failed]
            retry = [m for m in messages if m["MessageId"] in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )
            if retry:
                sqs.change_message_visibility_batch(
                    QueueUrl=queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": args.retry_visibility}
                        for i, m in enumerate(retry)
                    ],
                )
            in_flight = []
            log(
                f"poll: batch={len(messages)} deleted={len(done)} retry={len(retry)} "
                f"{outcome} {elapsed_ms}ms"
            )
    except (Stop, KeyboardInterrupt):
        if in_flight:
            # hand back what we had not settled, so the next poller sees it at once
            try:
                sqs.change_message_visibility_batch(
                    QueueUrl=queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                        for i, m in enumerate(in_flight)
                    ],
                )
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        log("poll: stopped")
        return 0
