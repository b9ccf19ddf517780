#!/usr/bin/env python3
"""Validates a rules file against docs/contracts/automation.schema.json.
Run by `make test`; the Rust check (`cargo run -q -p processor --bin check-rules`)
adds what a schema cannot express."""

import json
import pathlib
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main(path):
    schema = json.loads((ROOT / "docs/contracts/automation.schema.json").read_text())
    rules = yaml.safe_load(pathlib.Path(path).read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(rules), key=lambda e: list(e.path))
    for e in errors:
        print(f"{path}: {'/'.join(map(str, e.path)) or '(top)'}: {e.message}", file=sys.stderr)
    if not errors:
        print(f"{path}: matches the schema")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "config/automation.yaml")))
