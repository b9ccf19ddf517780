#!/usr/bin/env python3
"""Put an outbound command on the local stack's outbound queue, as an internal
system would (contract: docs/contracts/outbound-command.schema.json).

    send_command.py --template order_shipped --to 16505551234        # a template (allowed any time)
    send_command.py --text "Your umbrella is ready" --to 16505551234 # free-form (needs an open 24 h window)
    send_command.py FILE.json [FILE.json ...]                         # commands from files
    send_command.py --twice ...                                       # enqueue each command twice

The idempotency key defaults to a fresh one per command; pass --key to reuse one.
"""

import argparse
import json
import os
import sys
import time


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack  # noqa: E402  (same folder)


def build(args):
    if args.template:
        message = {"type": "template", "template": {"name": args.template, "language": {"code": args.language}}}
        category = args.category or "utility"
    else:
        message = {"type": "text", "text": {"body": args.text}}
        category = args.category or "service"
    command = {
        "idempotency_key": args.key or f"local-{int(time.time() * 1000)}",
        "to": args.to,
        "phone_number_id": args.phone_number_id,
        "category": category,
        "message": message,
    }
    return json.dumps(command)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*", help="command JSON files")
    p.add_argument("--endpoint-url", default=f"http://127.0.0.1:{os.environ.get('JUM_MOTO_PORT', '5000')}")
    p.add_argument("--stack-name", default=os.environ.get("JUM_STACK_NAME", "jum-local"))
    p.add_argument("--to", default="16505551234")
    p.add_argument("--phone-number-id", default="106540352242922")
    p.add_argument("--template", help="send this template")
    p.add_argument("--language", default="en_US")
    p.add_argument("--text", help="send this text")
    p.add_argument("--category", choices=["service", "utility", "marketing", "authentication"])
    p.add_argument("--key", help="idempotency key")
    p.add_argument("--twice", action="store_true", help="enqueue every command twice")
    args = p.parse_args()
    if not args.files and not (args.template or args.text):
        p.error("give command files, --template NAME or --text TEXT")

    sqs, url = stack.local_queue(args.endpoint_url, args.stack_name, "OutboundQueue")
    bodies = [open(f, encoding="utf-8").read() for f in args.files] or [build(args)]
    for body in bodies:
        for _ in range(2 if args.twice else 1):
            sqs.send_message(QueueUrl=url, MessageBody=body)
            key = json.loads(body).get("idempotency_key", "?") if body.strip().startswith("{") else "?"
            print(f"enqueued command {key} on {url}")


if __name__ == "__main__":
    main()
