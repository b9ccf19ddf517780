#!/usr/bin/env python3
"""The template's other shapes pass the same checks as the one written.

cfn-lint, checkov and `sam validate` read template.yaml with its parameters'
defaults, so a resource under a condition the defaults leave false (the
webhook's function URL, its public permissions and throttle alarm, with
WebhookEndpoint=FunctionUrl) would never be checked. For each value in
VARIANTS this writes a copy of the template with that value as the
parameter's default into a temporary directory and runs on it what
`make test` runs on template.yaml: cfn-lint, check_template_security.py,
checkov and `sam validate --lint`.

Every shape, the written one too, also goes through `sam validate` without
--lint: that is SAM's own translation, which CloudFormation's transform runs
at deploy (cfn-lint's SAM pass does not refuse what the translator refuses,
such as an AWS_IAM route on an HTTP API without EnableIamAuthorizer). It runs
in the temporary directory, where samconfig.toml (validate: lint = true) is
not read.

Run by `make test` (infra/local/test.sh) with the .venv's Python; exit 1 if
any check fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "template.yaml"
VENV_BIN = REPO / ".venv" / "bin"
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
# parameter -> the values other than its default to check the template with.
VARIANTS = {"WebhookEndpoint": ["FunctionUrl"]}


def with_default(text: str, parameter: str, value: str) -> str:
    """template.yaml's text with `parameter`'s Default set to `value`."""
    block = re.compile(rf"(^  {parameter}:\n(?:    .*\n)*?    Default: ).*$", re.MULTILINE)
    out, count = block.subn(lambda m: m.group(1) + value, text)
    if count != 1:
        raise SystemExit(f"check_template_variants: no Default line for parameter {parameter} in {TEMPLATE}")
    return out


def run(label: str, command: list[str], cwd: Path) -> bool:
    print(f"check_template_variants: [{label}] $ {' '.join(command)}", flush=True)
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "SAM_CLI_TELEMETRY": "0"}
    return subprocess.run(command, cwd=cwd, env=env).returncode == 0


def checks(label: str, directory: Path, full: bool) -> list[str]:
    path = str(directory / "template.yaml")
    commands = [["sam", "validate", "--region", "us-east-1", "-t", path]]
    if full:
        commands += [
            ["cfn-lint", path],
            [str(VENV_BIN / "python"), str(REPO / "infra" / "check_template_security.py"), path],
            [str(CHECKOV), "-f", path, "--framework", "cloudformation", "--skip-download", "--quiet", "--compact"],
            ["sam", "validate", "--lint", "--region", "us-east-1", "-t", path],
        ]
    return [f"[{label}] {' '.join(c)}" for c in commands if not run(label, c, directory)]


def main() -> int:
    text = TEMPLATE.read_text()
    shapes = [("as written", text, False)]
    for parameter, values in VARIANTS.items():
        shapes += [(f"{parameter}={value}", with_default(text, parameter, value), True) for value in values]
    failed = []
    with tempfile.TemporaryDirectory(prefix="jum-template-") as tmp:
        for n, (label, body, full) in enumerate(shapes):
            directory = Path(tmp) / str(n)
            directory.mkdir()
            (directory / "template.yaml").write_text(body)
            failed += checks(label, directory, full)
    for f in failed:
        print(f"check_template_variants: FAILED {f}", file=sys.stderr)
    if not failed:
        print(f"check_template_variants: {', '.join(label for label, _, _ in shapes)}: all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
