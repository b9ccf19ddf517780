#!/usr/bin/env bash
# make test: the Rust tests against a private moto server, then the template linters
# (cfn-lint, checkov from its own .venv-checkov, sam validate --lint).
#
# Starts moto_server on a free loopback port (never 5000, which `make dev` uses)
# and exports for the integration tests:
#   JUM_TEST_ENDPOINT_URL  http://127.0.0.1:<port>
#   JUM_STACK_PY           "<repo>/.venv/bin/python <repo>/infra/local/stack.py"
#   AWS_REGION / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  (moto's dummy values)
# Every step runs even if an earlier one failed; the exit status is non-zero
# if any failed.  moto is stopped on exit.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"

make --no-print-directory -s venv venv-checkov
VENV="$REPO/.venv"
export PATH="$VENV/bin:$PATH"
export SAM_CLI_TELEMETRY=0
mkdir -p .local

MOTO_PID=""
stop_moto() {
    if [[ -n "$MOTO_PID" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
    fi
}
trap stop_moto EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free port can be taken between the check and moto's bind: try a few.
for attempt in 1 2 3; do
    PORT="$("$VENV/bin/python" infra/local/wait_for.py --free-port)"
    [[ "$PORT" == 5000 ]] && continue
    MOTO_LOG=".local/moto-test-$PORT.log"
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$MOTO_LOG" 2>&1 &
    MOTO_PID=$!
    if "$VENV/bin/python" infra/local/wait_for.py "127.0.0.1:$PORT" --timeout 30 --pid "$MOTO_PID"; then
        break
    fi
    echo "test.sh: moto did not start on port $PORT (attempt $attempt):" >&2
    tail -n 5 "$MOTO_LOG" >&2 || true
    stop_moto
    MOTO_PID=""
done
if [[ -z "$MOTO_PID" ]]; then
    echo "test.sh: could not start moto_server" >&2
    exit 1
fi
echo "test.sh: moto_server on 127.0.0.1:$PORT (log $MOTO_LOG)"

export JUM_TEST_ENDPOINT_URL="http://127.0.0.1:$PORT"
export JUM_STACK_PY="$VENV/bin/python $REPO/infra/local/stack.py"
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
# the tests expect the default local secret values
unset JUM_APP_SECRET JUM_VERIFY_TOKEN JUM_ACCESS_TOKEN JUM_PREVIOUS_APP_SECRET

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
# The shipped rules file: schema, then the connector's own checks.
run "$VENV/bin/python" config/check_schema.py config/automation.yaml
run cargo run -q -p processor --bin check-rules -- config/automation.yaml
# The contacts API: OpenAPI valid, same routes as template and handler, answers match.
run "$VENV/bin/python" docs/contracts/check_contacts_api.py
run cfn-lint template.yaml
# What checkov does not check for SAM: IAM-only contacts routes, no wildcard Allow, queues, log retention.
run "$VENV/bin/python" infra/check_template_security.py template.yaml
# IaC security; --skip-download keeps it offline. Suppressions are justified in template.yaml.
run "$REPO/.venv-checkov/bin/checkov" -f template.yaml --framework cloudformation --skip-download --quiet --compact
run sam validate --lint --region us-east-1

if ((${#failed[@]})); then
    printf 'test.sh: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "test.sh: all steps passed"
