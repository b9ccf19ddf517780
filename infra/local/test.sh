#!/usr/bin/env bash
# make test: the Rust tests against a private moto server, then the template linters
# (cfn-lint, checkov from its own .venv-checkov, sam validate --lint), also on the
# template's other shapes (infra/check_template_variants.py).
#
# Starts a private moto_server (infra/local/private_moto.sh, which lists what
# it exports for the integration tests).
# Every step runs even if an earlier one failed; the exit status is non-zero
# if any failed.  moto is stopped on exit.
#
# With arguments (`make test TEST_ARGS='--test inbound signature'`), only
# `cargo test <arguments>` runs, against the same private moto: one test
# or one file while working on it.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"

make --no-print-directory -s venv venv-checkov
VENV="$REPO/.venv"
export PATH="$VENV/bin:$PATH"
export SAM_CLI_TELEMETRY=0
mkdir -p .local

# shellcheck source=infra/local/private_moto.sh
source "$REPO/infra/local/private_moto.sh"
start_private_moto test.sh

if (($#)); then
    cargo test "$@"
    exit
fi

failed=()
run() {
    echo "test.sh: \$ $*"
    if ! "$@"; then
        failed+=("$*")
    fi
}

# The contacts tests file each API answer here; the contract check validates them.
export JUM_CONTRACT_SAMPLES="$REPO/.local/contract-samples"
rm -rf "$JUM_CONTRACT_SAMPLES"
run cargo test --workspace --all-targets
# The published contracts agree with the fixtures (and so with the Rust validator).
run "$VENV/bin/python" tests/fixtures/commands/check_schema.py
run "$VENV/bin/python" tests/fixtures/webhooks/check_fixtures.py
# The events' schemas against a sample of every payload (kept equal to the Rust payloads by a unit test).
run "$VENV/bin/python" docs/contracts/events/validate_events.py --samples tests/fixtures/events/samples.jsonl
# The shipped rules file: schema, then the connector's own checks.
run "$VENV/bin/python" config/check_schema.py config/automation.yaml
run cargo run -q -p processor --bin check-rules -- config/automation.yaml
# The contacts API: OpenAPI valid, same routes as template and handler, answers match.
run "$VENV/bin/python" docs/contracts/check_contacts_api.py
run cfn-lint template.yaml
# What checkov does not check for SAM: IAM-only contacts routes, no wildcard Allow, queues, log retention.
run "$VENV/bin/python" infra/check_template_security.py template.yaml
# No import cycle between the files of a crate (stdlib only).
run python3 infra/check_import_cycles.py
# Storage key formats only in shared/src/adapters/dynamo/keys.rs (stdlib only).
run python3 infra/check_key_literals.py
# IaC security; --skip-download keeps it offline. Suppressions are justified in template.yaml.
run "$REPO/.venv-checkov/bin/checkov" -f template.yaml --framework cloudformation --skip-download --quiet --compact
run sam validate --lint --region us-east-1
# The same checks on the template's other shapes (WebhookEndpoint=FunctionUrl), and SAM's own
# translation (what CloudFormation's transform runs at deploy) of every shape.
run "$VENV/bin/python" infra/check_template_variants.py

if ((${#failed[@]})); then
    printf 'test.sh: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "test.sh: all steps passed"
