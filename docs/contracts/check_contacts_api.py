#!/usr/bin/env python3
"""The contacts API contract agrees with the code and the template.

1. contacts-api.yaml is a valid OpenAPI 3.1 document.
2. Its (method, path) pairs equal the ContactsFunction events in template.yaml
   and the ROUTES list in functions/contacts/src/routes.rs.
3. Each sample in $JUM_CONTRACT_SAMPLES (if set; written by the Rust tests)
   validates against its operation's response schema.
Exits non-zero on any drift.

Which role reaches which route is tests/tests/contacts/roles.rs: it evaluates
the managed policies with IAM's wildcard rules (a `*` crosses `/`, and Deny
wins), which a comparison of the patterns' text cannot do.
"""
import json
import os
import re
import sys
from pathlib import Path

import yaml
from openapi_spec_validator import validate
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "infra/local"))
from stack import load_template  # noqa: E402

spec = yaml.safe_load((REPO / "docs/contracts/contacts-api.yaml").read_text())
validate(spec)
api = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops if m != "parameters"}

resources = load_template(REPO / "template.yaml")["Resources"]
events = resources["ContactsFunction"]["Properties"]["Events"].values()
template = set()
for e in events:
    assert e["Properties"]["Auth"]["Authorizer"] == "AWS_IAM", e
    template.add((e["Properties"]["Method"].upper(), e["Properties"]["Path"]))

source = (REPO / "functions/contacts/src/routes.rs").read_text()
block = source.split("pub const ROUTES")[1].split("];")[0]
code = set(re.findall(r'\("([A-Z]+)", "([^"]+)"\)', block))

errors = []
for name, got in (("template.yaml", template), ("routes.rs", code)):
    if got != api:
        errors.append(f"{name} differs from the OpenAPI: only there {sorted(got - api)}, only in OpenAPI {sorted(api - got)}")


samples = os.environ.get("JUM_CONTRACT_SAMPLES")
checked = 0
if samples and Path(samples).is_dir():
    registry = Registry().with_resource("urn:api", Resource.from_contents({**spec, "$schema": "https://json-schema.org/draft/2020-12/schema"}))
    for f in sorted(Path(samples).glob("*.json")):
        sample = json.loads(f.read_text())
        op = spec["paths"][sample["path"]][sample["method"].lower()]
        resp = op["responses"][str(sample["status"])]
        if "$ref" in resp:
            resp = spec["components"]["responses"][resp["$ref"].split("/")[-1]]
        schema = json.loads(json.dumps(resp["content"]["application/json"]["schema"]).replace('"#/', '"urn:api#/'))
        for err in Draft202012Validator(schema, registry=registry).iter_errors(sample["body"]):
            errors.append(f"{f.name}: {err.message}")
        checked += 1

for e in errors:
    print(f"check_contacts_api: {e}", file=sys.stderr)
print(f"check_contacts_api: {len(api)} routes, {checked} response samples; {'FAILED' if errors else 'ok'}")
sys.exit(1 if errors else 0)
