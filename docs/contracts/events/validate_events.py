#!/usr/bin/env python3
"""Validates events (one JSON object per line in FILE) against the schemas in
this folder: `<type>.schema.json`, or `rule-event.schema.json` for names a
rule emits. Prints each type seen; exits 1 on the first invalid event."""

import json
import pathlib
import sys

import jsonschema

HERE = pathlib.Path(__file__).parent


def main(path):
    schemas = {p.name[: -len(".schema.json")]: json.loads(p.read_text()) for p in HERE.glob("*.schema.json")}
    seen = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        schema = schemas.get(event.get("type"), schemas["rule-event"])
        try:
            jsonschema.validate(event, schema, format_checker=jsonschema.FormatChecker())
        except jsonschema.ValidationError as e:
            print(f"invalid {event.get('type')}: {e.message}", file=sys.stderr)
            return 1
        seen[event["type"]] = seen.get(event["type"], 0) + 1
    for kind, n in sorted(seen.items()):
        print(f"{kind} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
