#!/usr/bin/env python3
"""Local (moto) copy of the SAM stack in template.yaml.

template.yaml is the single source of truth: every table, queue and secret and
every function environment variable is read from it; nothing here lists names.

Sub-commands
  bootstrap  create (or update) the tables, queues and secrets of the template
             in a moto server under a stack name; idempotent and safe to run
             concurrently with other stack names.  --json prints
             {"stack_name", "resources": {LogicalId: name/url/arn}, "env": {...}}.
  env        print KEY=VALUE lines: the merged function environment resolved to
             the local resources, plus AWS_* variables for the moto endpoint.
  poll       play the Lambda SQS event-source mapping for one queue and one
             function served by `cargo lambda watch`.

Local secret values come from $JUM_APP_SECRET, $JUM_VERIFY_TOKEN,
$JUM_ACCESS_TOKEN and (optional) $JUM_PREVIOUS_APP_SECRET.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# The work is split by job: template.py (reading and resolving template.yaml),
# provision.py (the local resources), pollers.py (the event-source mapping).
# This file stays the entry point, and re-exports what other scripts import
# from it (`from stack import load_template`, `stack.LocalStack`...), so every
# caller keeps working unchanged.
from pollers import failed_ids, poll, sqs_record
from provision import LocalStack
from template import (
    DEFAULT_TEMPLATE,
    REPO_ROOT,
    Resolver,
    StackError,
    load_template,
    log,
    references,
    scalar_to_str,
)

__all__ = [
    "DEFAULT_REGION",
    "DEFAULT_TEMPLATE",
    "REPO_ROOT",
    "LocalStack",
    "Resolver",
    "StackError",
    "failed_ids",
    "load_template",
    "log",
    "main",
    "parse_args",
    "poll",
    "references",
    "scalar_to_str",
    "sqs_record",
]

DEFAULT_REGION = "us-east-1"


def parse_args(argv: list[str]) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--endpoint-url", required=True, help="moto endpoint, e.g. http://127.0.0.1:5000")
    common.add_argument("--stack-name", required=True)
    common.add_argument("--region", default=os.environ.get("AWS_REGION") or DEFAULT_REGION)
    common.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    common.add_argument(
        "--parameter", action="append", default=[], metavar="KEY=VALUE", help="override a template parameter"
    )

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("bootstrap", parents=[common], help="create the local resources (idempotent)")
    b.add_argument("--json", action="store_true", help="print names, URLs and the function env as JSON")

    sub.add_parser("env", parents=[common], help="print KEY=VALUE lines for the local function env")

    p = sub.add_parser("poll", parents=[common], help="SQS -> cargo lambda event-source mapping")
    p.add_argument("--queue", required=True, help="logical id of the queue, e.g. InboundQueue")
    p.add_argument("--function", required=True, help="function (binary) name served by cargo lambda watch")
    p.add_argument("--runtime-url", default="http://127.0.0.1:9000")
    p.add_argument("--batch-size", type=int, default=10, choices=range(1, 11), metavar="1..10")
    p.add_argument("--wait-seconds", type=int, default=10, help="SQS long-poll wait (0-20)")
    p.add_argument("--retry-visibility", type=int, default=5, help="visibility timeout (s) for failed messages")
    p.add_argument("--invoke-timeout", type=float, default=600.0, help="seconds to wait for one invocation")
    p.add_argument(
        "--connect-retry-seconds", type=float, default=60.0, help="how long to retry an unreachable runtime"
    )
    p.add_argument("--max-backoff", type=float, default=5.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides = {}
    for item in args.parameter:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--parameter expects KEY=VALUE, got {item!r}")
        overrides[key] = value
    try:
        stack = LocalStack(args.template, args.endpoint_url, args.stack_name, args.region, overrides)
        if args.command == "bootstrap":
            stack.bootstrap()
            if args.json:
                out = {"stack_name": args.stack_name, "resources": stack.local_resources(), "env": stack.function_env()}
                print(json.dumps(out, sort_keys=True))
            else:
                for logical_id, value in stack.local_resources().items():
                    log(f"{logical_id}: {value}")
            return 0
        if args.command == "env":
            env = stack.function_env()
            env.update(
                {
                    "AWS_ENDPOINT_URL": args.endpoint_url,
                    "AWS_REGION": args.region,
                    "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                }
            )
            for key, value in env.items():
                print(f"{key}={value}")
            return 0
        if args.command == "poll":
            return poll(stack, args)
    except StackError as e:
        log(f"error: {e}")
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
