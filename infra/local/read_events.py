#!/usr/bin/env python3
"""Read the local stack's events queue, as an internal system would
(contract: docs/contracts/events/).

    read_events.py                 # print the waiting events, one JSON line each, and leave them
    read_events.py --consume       # print them and delete them, as a consumer does (with --type: only those)
    read_events.py --type message.received --type ticket.requested   # only these types

`make dev` consumes nothing from this queue, so events pile up until read.
A peek hides what it reads while it reads, then makes it visible again.
"""

import argparse
import json
import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack  # noqa: E402  (same folder)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint-url", default=f"http://127.0.0.1:{os.environ.get('JUM_MOTO_PORT', '5000')}")
    p.add_argument("--stack-name", default=os.environ.get("JUM_STACK_NAME", "jum-local"))
    p.add_argument("--consume", action="store_true", help="delete what was read")
    p.add_argument("--type", action="append", dest="types", metavar="TYPE", help="only events of this type")
    args = p.parse_args()

    sqs, url = stack.local_queue(args.endpoint_url, args.stack_name, "EventsQueue")
    seen = set()
    shown = 0
    hidden = []  # receipt handles to make visible again after a peek
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=10)
        messages = [m for m in got.get("Messages", []) if m["MessageId"] not in seen]
        if not messages:
            break
        for m in messages:
            seen.add(m["MessageId"])
            try:
                event = json.loads(m["Body"])
            except ValueError:
                event = {"unreadable": m["Body"][:200]}
            wanted = not args.types or event.get("type") in args.types
            if wanted:
                print(json.dumps(event, ensure_ascii=False))
                shown += 1
            if wanted and args.consume:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            else:
                hidden.append(m["ReceiptHandle"])
    for i in range(0, len(hidden), 10):
        entries = [{"Id": str(n), "ReceiptHandle": h, "VisibilityTimeout": 0} for n, h in enumerate(hidden[i:i + 10])]
        sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)
    print(f"{shown} event(s){' consumed' if args.consume else ''} from {url}", file=sys.stderr)


if __name__ == "__main__":
    main()
