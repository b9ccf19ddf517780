#!/usr/bin/env python3
"""AWS requests and dollars per million, from counted requests.

    cost_model.py --requests requests.jsonl --scenarios scenarios.json [--stdout bench-stdout.txt]

Reads the counting proxy's request log (`aws_counting_proxy.py`: one line
per AWS request the functions made, with its billing units), the bench's
scenario file (`tests/benches/aws_requests.rs`: how many messages, Lambda
invocations, CPU time and log bytes per function) and, optionally, the
bench's stdout (the EMF metric lines the functions print). Prints, per
scenario, the requests per message (or per stored file) by service and
operation, the DynamoDB units and S3 requests per unit, the dollars per
million with the prices below, and each figure next to its floor and
targets (FLOOR_WRU, TARGET_WRU, TARGET_DOLLARS), the dollars also with
WebhookEndpoint=FunctionUrl; then all scenarios against their floors in one
table. The tables are printed by cost_report.py.
Nothing here is typed in by hand except the prices and the latency
assumptions, which are stated.

Needs PyYAML (in .venv through cfn-lint) to read memory sizes from template.yaml.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import pathlib
import sys

import yaml

from cost_report import print_markdown, print_summary

# AWS list prices, us-east-1, as stated in issue #6 and taken as of
# 2026-11-30 (not re-checked online from the benchmark machine).
PRICES = {
    "lambda_gb_second": 0.0000133334,        # arm64
    "lambda_request": 0.20 / 1e6,
    "http_api_request": 1.00 / 1e6,          # per 512 KB of request
    "sqs_request": 0.40 / 1e6,               # standard queue, per 64 KiB chunk
    "dynamodb_wru": 0.625 / 1e6,             # on-demand
    "dynamodb_rru": 0.125 / 1e6,
    "secrets_manager_call": 0.05 / 10_000,
    # Custom events put on a bus, per started 64 KB chunk of an entry
    # (issue #17's task; as of 2026-12, not re-checked online). Deliveries
    # to AWS targets cost EventBridge nothing more; an SQS target's
    # SendMessage is billed as an SQS request (sqs_request).
    "eventbridge_event": 1.00 / 1e6,
    "logs_ingested_gb": 0.50,
}
PRICES_AS_OF = "2026-11-30"
# S3 Standard, us-east-1 list prices as given in issue #15's task, taken as
# of 2026-12 (not re-checked online from the benchmark machine). DELETE and
# CANCEL requests (DeleteObject(s), AbortMultipartUpload) are free on the
# same list; GET, HEAD and the rest are the cheaper class. Data into S3 and
# from Lambda to S3 in the same region is not charged; neither is the
# lifecycle rule's expiry.
S3_PRICES = {
    "s3_put_copy_post_list": 0.005 / 1000,
    "s3_get_and_other": 0.0004 / 1000,
    "s3_storage_gb_month": 0.023,
}
S3_PRICES_AS_OF = "2026-12"
S3_FREE = ("Delete", "AbortMultipartUpload")
S3_PUT_CLASS = ("Put", "Copy", "Create", "Complete", "Upload", "List", "Post", "Restore")
# Storage is billed per GB-month (2^30 bytes); a file is kept RetentionDays
# (the bucket's lifecycle rule), and 30 days is taken as one month.
DAYS_PER_MONTH = 30

# Lambda duration model: measured CPU plus an assumed latency for each AWS
# call the invocation makes, from inside the same region. These are
# assumptions, not measurements; the dollars they produce are shown apart.
ASSUMED_LATENCY_MS = {"dynamodb": 5, "sqs": 10, "secretsmanager": 20, "s3": 20, "graph": 200}
# The media function moves each file twice, one after the other per part:
# down from Meta, up to S3. Both at this assumed rate.
ASSUMED_TRANSFER_MB_PER_S = 50
# Functions that call Meta's Graph API (the scenario file counts the calls).
GRAPH_CALLERS = ("sender", "media")
# The sender handles a batch's records concurrently (CONCURRENT_SENDS in
# functions/sender/src/lib.rs), so its calls overlap; the webhook and the
# processor make theirs one after another for one-message records.
CONCURRENT_RECORDS = {"sender": 10}

# The floor of each scenario, in DynamoDB write units per unit: what a
# design that writes each fact once (one item of at most 1 KB: 1 WRU) and
# reads nothing (0 RRU) would pay. Its dollars are the measured ones with
# the DynamoDB lines replaced by the floor's writes (against_floor).
FLOOR_WRU = {
    # The message itself. The profile is left out: the contact's number and
    # name come with each message, so a new contact is no fact of its own
    # (issue #19's 1.1 leaves 0.1 for it: 20 new contacts in 200 messages).
    "inbound_plain": 1,
    # The same message. What the rules produce is a command on the outbound
    # queue and an event, counted as SQS and EventBridge, not a stored fact;
    # the greeting's tag follows from the contact's first message, and the
    # flood guard's count is a read. Sending the replies is send_rules'.
    "inbound_rules": 1,
    # Two facts at two times: the claim before Meta's call (at most once: a
    # retry after a crash or a timeout must find it, so it cannot wait for
    # the answer) and the sent message with Meta's wamid, which exists only
    # after the call. Pacing's shared counters and the outcome event are
    # coordination and notification, not facts of the send.
    "send": 2,
    # The same for a reply; the window it needs is a read, so not in the floor.
    "send_rules": 2,
    # The status, once on its message.
    "status": 1,
    # The message, then the file's copy (where it is stored and its digest),
    # known only once the media function has stored it, seconds later.
    "media": 2,
    "media_multipart": 2,
}
# Issue #19's targets in WRU per unit (the inbound ones with automation off
# and with the shipped rules); issue #6's in dollars per million inbound
# messages, whichever the webhook endpoint.
TARGET_WRU = {"inbound_plain": 1.1, "inbound_rules": 1.6, "send": 3, "send_rules": 3}
TARGET_DOLLARS = {"inbound message": 2.50}
# The line a WebhookEndpoint=FunctionUrl stack does not pay: a function URL
# bills nothing beyond the webhook's Lambda requests and duration, which are
# counted either way.
HTTP_API_LINE = "API Gateway (HTTP API)"

# The template's logical id of each function.
FUNCTION_RESOURCES = {"webhook": "WebhookFunction", "processor": "ProcessorFunction",
                      "sender": "SenderFunction", "media": "MediaFunction"}


class CfnLoader(yaml.SafeLoader):
    """Reads template.yaml, ignoring CloudFormation's short-form tags."""


CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def template_settings(template: pathlib.Path) -> tuple[dict[str, int], int]:
    """Each function's memory (MB) and the default RetentionDays."""
    doc = yaml.load(template.read_text(), Loader=CfnLoader)
    default = doc.get("Globals", {}).get("Function", {}).get("MemorySize", 128)
    out = {}
    for function, logical_id in FUNCTION_RESOURCES.items():
        props = doc["Resources"][logical_id].get("Properties", {})
        out[function] = int(props.get("MemorySize") or default)
    return out, int(doc["Parameters"]["RetentionDays"]["Default"])


def s3_class(op: str) -> str:
    if op.startswith(S3_FREE):
        return "free"
    return "put" if op.startswith(S3_PUT_CLASS) else "get"


def read_requests(path: pathlib.Path):
    by_app = collections.defaultdict(list)
    for line in path.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            by_app[r.get("app")].append(r)
    return by_app


def emf_bytes(path: pathlib.Path | None) -> dict[tuple[str, str], int]:
    """Bytes of EMF lines per (scenario, function), from the bench's stdout,
    where each scenario starts with a line `aws_requests scenario NAME`."""
    out: dict[tuple[str, str], int] = collections.Counter()
    if path is None:
        return out
    scenario = None
    for line in path.read_text().splitlines():
        if line.startswith("aws_requests scenario "):
            scenario = line.split()[-1]
        elif line.startswith('{"_aws"') and scenario:
            function = json.loads(line).get("Function", "?")
            out[(scenario, function)] += len(line) + 1
    return out


def billed(r: dict) -> float:
    """Requests as billed: SQS counts 64 KiB chunks, EventBridge each
    entry's 64 KB chunks (a PutEvents of 10 small events is 10 events)."""
    if r["service"] == "sqs":
        return r.get("sqs_requests", 1)
    if r["service"] == "events" and r["op"] == "PutEvents":
        return r.get("events_billed", 0)
    return 1


def s3_bytes_stored(r: dict) -> int:
    """Object bytes a successful PutObject or UploadPart wrote (an
    uncompleted upload's parts are dropped within a day: not counted)."""
    return r.get("object_bytes", 0) if r["service"] == "s3" and r.get("status") == 200 else 0


def model(scenario: dict, by_app, emf, memory, retention_days) -> dict:
    name, count = scenario["scenario"], scenario["count"]
    per = lambda x: x / count  # noqa: E731
    ops = collections.Counter()
    op_units = collections.defaultdict(lambda: [0.0, 0.0])
    errors = collections.Counter()
    units = {"wru": 0.0, "rru": 0.0}
    dollars = collections.Counter()
    by_function = collections.Counter()
    s3 = collections.Counter()
    deliveries = collections.Counter()
    duration_note = {}
    functions = dict(scenario["functions"])
    if "esm" not in functions:
        functions["esm"] = None
    for function, usage in functions.items():
        reqs = by_app.get(f"{name}.{function}", [])
        if function == "esm":
            # The event-source mapping's polling is billed as SQS requests;
            # the drain's GetQueueAttributes is the harness's, not the mapping's.
            reqs = [r for r in reqs if r["op"] != "GetQueueAttributes"]
        latency_ms = 0.0
        before = sum(dollars.values())
        for r in reqs:
            who = "lambda (event-source mapping)" if function == "esm" else function
            ops[(who, r["service"], r["op"])] += billed(r)
            op_units[(who, r["service"], r["op"])][0] += r.get("wru", 0)
            op_units[(who, r["service"], r["op"])][1] += r.get("rru", 0)
            if r.get("error"):
                errors[(function, r["op"], r["error"])] += 1
            units["wru"] += r.get("wru", 0)
            units["rru"] += r.get("rru", 0)
            latency_ms += ASSUMED_LATENCY_MS.get(r["service"], 0)
            if r["service"] == "sqs":
                dollars["SQS"] += billed(r) * PRICES["sqs_request"]
            elif r["service"] == "events":
                dollars["EventBridge events"] += billed(r) * PRICES["eventbridge_event"]
                dollars["SQS (bus deliveries to queues)"] += (r.get("delivery_sqs_requests", 0)
                                                             * PRICES["sqs_request"])
                deliveries[who] += r.get("rule_deliveries", 0)
            elif r["service"] == "secretsmanager":
                dollars["Secrets Manager"] += PRICES["secrets_manager_call"]
            elif r["service"] == "s3":
                kind = s3_class(r["op"])
                s3[kind] += 1
                s3["bytes"] += s3_bytes_stored(r)
                if kind == "put":
                    dollars["S3 requests"] += S3_PRICES["s3_put_copy_post_list"]
                elif kind == "get":
                    dollars["S3 requests"] += S3_PRICES["s3_get_and_other"]
        if function == "media":
            stored = sum(s3_bytes_stored(r) for r in reqs)
            latency_ms += 2 * stored / (ASSUMED_TRANSFER_MB_PER_S * 1e6) * 1000
            dollars["S3 storage"] += (stored / 1024**3 * S3_PRICES["s3_storage_gb_month"]
                                      * retention_days / DAYS_PER_MONTH)
        wru = sum(r.get("wru", 0) for r in reqs)
        rru = sum(r.get("rru", 0) for r in reqs)
        by_function[function] += (sum(dollars.values()) - before + wru * PRICES["dynamodb_wru"]
                                  + rru * PRICES["dynamodb_rru"])
        if usage is None:
            continue
        before = sum(dollars.values())
        if function in GRAPH_CALLERS:
            latency_ms += scenario.get("graph_calls", 0) * ASSUMED_LATENCY_MS["graph"]
        invocations = usage["invocations"]
        overlap = CONCURRENT_RECORDS.get(function, 1)
        cpu_ms = usage["cpu_ns"] / 1e6
        billed_ms = math.ceil((cpu_ms + latency_ms / overlap) / invocations) * invocations
        gb = memory[function] / 1024
        dollars["Lambda requests"] += invocations * PRICES["lambda_request"]
        dollars["Lambda duration"] += billed_ms / 1000 * gb * PRICES["lambda_gb_second"]
        logs = usage["log_bytes"] + emf.get((name, function), 0)
        dollars["CloudWatch Logs"] += logs / 1024**3 * PRICES["logs_ingested_gb"]
        if function == "webhook":
            dollars[HTTP_API_LINE] += invocations * PRICES["http_api_request"]
        duration_note[function] = {
            "invocations_per_unit": per(invocations), "memory_mb": memory[function],
            "cpu_ms_per_invocation": cpu_ms / invocations,
            "assumed_aws_ms_per_invocation": latency_ms / overlap / invocations,
            "billed_ms_per_invocation": billed_ms / invocations,
            "log_bytes_per_unit": per(logs),
        }
        by_function[function] += sum(dollars.values()) - before
    dollars["DynamoDB writes"] = units["wru"] * PRICES["dynamodb_wru"]
    dollars["DynamoDB reads"] = units["rru"] * PRICES["dynamodb_rru"]
    return {"scenario": name, "unit": scenario["unit"], "count": count,
            "ops": {k: (per(v), per(op_units[k][0]), per(op_units[k][1])) for k, v in ops.items()},
            "errors": dict(errors),
            "wru": per(units["wru"]), "rru": per(units["rru"]),
            "s3": {k: per(v) for k, v in s3.items()},
            "deliveries": {k: per(v) for k, v in deliveries.items()},
            "per_million_by_function": {k: v / count * 1e6 for k, v in by_function.items()},
            "per_million": {k: v / count * 1e6 for k, v in dollars.items()},
            "lambda": duration_note}


def against_floor(m: dict) -> dict:
    """Each figure as (measured, floor, target): WRU and RRU per unit, and
    dollars per million with the webhook behind the HTTP API and, for
    scenarios that come in through the webhook, with WebhookEndpoint=FunctionUrl
    (the same requests without the HTTP API's line). The floor's dollars are
    the measured lines with DynamoDB's replaced by FLOOR_WRU's writes; the
    Lambda duration keeps the measured calls' assumed latency."""
    lines = m["per_million"]
    total = sum(lines.values())
    floor_wru = FLOOR_WRU.get(m["scenario"])
    floor_total = None
    if floor_wru is not None:
        floor_total = (total - lines["DynamoDB writes"] - lines["DynamoDB reads"]
                       + floor_wru * PRICES["dynamodb_wru"] * 1e6)
    target = TARGET_DOLLARS.get(m["unit"])
    out = {"WRU": (m["wru"], floor_wru, TARGET_WRU.get(m["scenario"])),
           "RRU": (m["rru"], None if floor_wru is None else 0, None)}
    if "webhook" not in m["lambda"]:
        out["$ per million"] = (total, floor_total, target)
        return out
    api = lines.get(HTTP_API_LINE, 0.0)
    out["$ per million, HttpApi"] = (total, floor_total, target)
    out["$ per million, FunctionUrl"] = (total - api, None if floor_total is None else floor_total - api,
                                         target)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=pathlib.Path, required=True)
    ap.add_argument("--scenarios", type=pathlib.Path, required=True)
    ap.add_argument("--stdout", type=pathlib.Path, help="the bench's stdout (EMF lines)")
    ap.add_argument("--template", type=pathlib.Path,
                    default=pathlib.Path(__file__).resolve().parents[2] / "template.yaml")
    ap.add_argument("--json", action="store_true", help="print the model as JSON")
    args = ap.parse_args()
    by_app = read_requests(args.requests)
    meta = json.loads(args.scenarios.read_text())
    memory, retention_days = template_settings(args.template)
    emf = emf_bytes(args.stdout)
    models = [model(s, by_app, emf, memory, retention_days) for s in meta["scenarios"]]
    for m in models:
        m["floor"] = against_floor(m)
    if args.json:
        # JSON keys are strings: (function, service, operation) becomes "function/service/operation".
        keyed = lambda d: {"/".join(map(str, k)) if isinstance(k, tuple) else k: v  # noqa: E731
                           for k, v in d.items()}
        print(json.dumps([{k: keyed(v) if isinstance(v, dict) else v for k, v in m.items()}
                          for m in models], indent=2, default=str))
        return 0
    print(f"Prices: us-east-1 list prices as of {PRICES_AS_OF}: " + ", ".join(
        f"{k} ${v:.10g}" for k, v in PRICES.items()))
    print(f"S3 Standard: us-east-1 list prices as of {S3_PRICES_AS_OF}, not re-checked online: " + ", ".join(
        f"{k} ${v:.10g}" for k, v in S3_PRICES.items())
        + f"; DELETE and abort free; storage for RetentionDays={retention_days} "
          f"({retention_days}/{DAYS_PER_MONTH} month).")
    print("Assumed latency per call (ms): " + ", ".join(f"{k} {v}" for k, v in ASSUMED_LATENCY_MS.items())
          + f"; media bytes moved twice (Meta -> function -> S3) at an assumed {ASSUMED_TRANSFER_MB_PER_S} MB/s.")
    print("Meta's Graph API calls (the media lookup and the download) are not AWS charges: "
          "they count only as the Lambda time spent waiting on them.")
    print()
    for m in models:
        print_markdown(m)
    print_summary(models)
    return 0


if __name__ == "__main__":
    sys.exit(main())
