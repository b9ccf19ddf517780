#!/usr/bin/env python3
"""Validates events (one JSON object per line in FILE) against the schemas in
this folder: `<type>.schema.json`, or `rule-event.schema.json` for names a
rule emits. Prints each type seen; exits 1 on the first invalid event.

With --samples (`make test`, on tests/fixtures/events/samples.jsonl, which
shared/src/domain/events/contract_tests.rs keeps equal to what the Rust
payloads serialise), also fails when a sample carries a field its schema
does not declare (the schemas allow additional fields, so consumers stay
working when one is added; the contract must still name it), or when a
schema has no sample.
"""

import json
import pathlib
import sys

import jsonschema

HERE = pathlib.Path(__file__).parent


def undeclared(value, schema, where):
    """Fields of `value` that `schema` (an object schema) does not name."""
    out = []
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        for key, inner in value.items():
            if key not in props:
                out.append(f"{where}.{key}")
            else:
                out.extend(undeclared(inner, props[key], f"{where}.{key}"))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, inner in enumerate(value):
            out.extend(undeclared(inner, schema["items"], f"{where}[{i}]"))
    return out


def main(path, samples=False):
    schemas = {p.name[: -len(".schema.json")]: json.loads(p.read_text()) for p in HERE.glob("*.schema.json")}
    seen = {}
    used = set()
    for line in pathlib.Path(path).read_text().splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        name = event.get("type") if event.get("type") in schemas else "rule-event"
        schema = schemas[name]
        try:
            jsonschema.validate(event, schema, format_checker=jsonschema.FormatChecker())
        except jsonschema.ValidationError as e:
            print(f"invalid {event.get('type')}: {e.message}", file=sys.stderr)
            return 1
        if samples:
            extra = undeclared(event, schema, "event")
            if extra:
                print(f"{event['type']}: not in its schema: {', '.join(extra)}", file=sys.stderr)
                return 1
        used.add(name)
        seen[event["type"]] = seen.get(event["type"], 0) + 1
    for kind, n in sorted(seen.items()):
        print(f"{kind} {n}")
    if samples and used != set(schemas):
        print(f"schemas without a sample: {sorted(set(schemas) - used)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    with_samples = "--samples" in args
    files = [a for a in args if a != "--samples"]
    if len(files) != 1:
        sys.exit("usage: validate_events.py [--samples] FILE")
    sys.exit(main(files[0], with_samples))
