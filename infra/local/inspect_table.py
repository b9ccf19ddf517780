#!/usr/bin/env python3
"""Show what the local stack stored: items per type, then one line per item.

    .venv/bin/python infra/local/inspect_table.py [--type message] [--full]

Reads the table named in template.yaml for the local stack (default `jum-local`
on moto at 127.0.0.1:5000). A Scan is fine here: this is a local debugging aid,
never used by the functions. Phone numbers are printed as stored, since this
only ever runs against local test data.
"""

import argparse
import collections
import json
import os
import sys

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack  # noqa: E402  (same folder)


def plain(value):
    """DynamoDB attribute value -> plain Python value."""
    (kind, v), = value.items()
    if kind == "S":
        return v
    if kind == "N":
        return int(v) if v.lstrip("-").isdigit() else float(v)
    if kind == "BOOL":
        return v
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: plain(x) for k, x in v.items()}
    if kind == "L":
        return [plain(x) for x in v]
    return v


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint-url", default=f"http://127.0.0.1:{os.environ.get('JUM_MOTO_PORT', '5000')}")
    p.add_argument("--stack-name", default=os.environ.get("JUM_STACK_NAME", "jum-local"))
    p.add_argument("--type", help="only items of this type (message, status, contact, consent, diagnostic)")
    p.add_argument("--full", action="store_true", help="print every attribute as JSON")
    args = p.parse_args()

    local = stack.LocalStack(stack.DEFAULT_TEMPLATE, args.endpoint_url, args.stack_name, "us-east-1", {})
    table = local.local_resources()["DataTable"]
    ddb = boto3.client("dynamodb", endpoint_url=args.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    items, start = [], None
    while True:
        kwargs = {"TableName": table}
        if start:
            kwargs["ExclusiveStartKey"] = start
        out = ddb.scan(**kwargs)
        items += [{k: plain(v) for k, v in i.items()} for i in out.get("Items", [])]
        start = out.get("LastEvaluatedKey")
        if not start:
            break

    counts = collections.Counter(i.get("type", "?") for i in items)
    print(f"table {table}: {len(items)} items " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    for item in sorted(items, key=lambda i: (i["pk"], i["sk"])):
        if args.type and item.get("type") != args.type:
            continue
        if args.full:
            print(json.dumps(item, ensure_ascii=False, sort_keys=True))
            continue
        detail = {
            "message": lambda i: f"{i.get('direction')} {i.get('message_type')} {i.get('wamid')}",
            "status": lambda i: f"{i.get('status')} {i.get('wamid')} seen={sorted(k[3:] for k in i if k.startswith('st_'))}",
            "contact": lambda i: f"name={i.get('profile_name')!r} consent={i.get('consent_state')} last_inbound={i.get('last_inbound_at')}",
            "consent": lambda i: f"{i.get('value')} at {i.get('ts')}",
            "diagnostic": lambda i: f"{i.get('kind')} field={i.get('field')}",
            "outbound": lambda i: f"{i.get('state')} {i.get('reason') or i.get('wamid') or ''} attempts={i.get('attempts')}",
            "pacing": lambda i: f"used={i.get('used')}",
            "pause": lambda i: f"until={i.get('until')}",
        }.get(item.get("type"), lambda i: "")(item)
        print(f"{item['pk']:<24} {item['sk'][:60]:<60} {item.get('type', '?'):<10} {detail}")


if __name__ == "__main__":
    main()
