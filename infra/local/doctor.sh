#!/usr/bin/env bash
# make doctor: the integration review's checks (functions/review, the same
# code the scheduled ReviewFunction runs), printed as a table; exit status 1
# on a critical finding (docs/review.md).
#
#   make doctor                 the local stack of `make dev` (moto on
#                               JUM_MOTO_PORT, stack JUM_STACK_NAME, the
#                               simulator or GRAPH_API_BASE_URL)
#   make doctor STACK=<name>    a deployed stack: the review function's own
#                               environment, read with the AWS credentials
#                               of this shell (CloudFormation, Lambda)
#
# The Rust side reads only its environment. The deployed stack's resource
# names come from boto3 here (the venv has it): the functions' allowed SDK
# crates have no CloudFormation or Lambda client, and the review function's
# environment is exactly what the deployed review uses.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"
PY="$REPO/.venv/bin/python"
STACK="${1:-}"

cargo build --quiet -p review --bin doctor
if [[ -n "$STACK" ]]; then
    ENV_TEXT="$("$PY" - "$STACK" <<'PYEOF'
import sys
import boto3

stack = sys.argv[1]
outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
name = next((o["OutputValue"] for o in outputs if o["OutputKey"] == "ReviewFunctionName"), None)
if not name:
    sys.exit(f"doctor: stack {stack} has no ReviewFunctionName output (deploy this version first)")
env = boto3.client("lambda").get_function_configuration(FunctionName=name)["Environment"]["Variables"]
for key, value in env.items():
    print(f"{key}={value}")
PYEOF
)"
else
    MOTO_PORT="${JUM_MOTO_PORT:-5000}"
    ENDPOINT="http://127.0.0.1:$MOTO_PORT"
    if ! "$PY" infra/local/wait_for.py "127.0.0.1:$MOTO_PORT" --timeout 0 2>/dev/null; then
        echo "doctor: nothing on $ENDPOINT: start \`make dev\` first, or give STACK=<name>" >&2
        exit 2
    fi
    ENV_TEXT="$("$PY" infra/local/stack.py env --endpoint-url "$ENDPOINT" --stack-name "${JUM_STACK_NAME:-jum-local}")"
    # As dev.sh runs it: the simulator (or GRAPH_API_BASE_URL), the local
    # webhook URL, and the simulator's business number.
    ENV_TEXT+=$'\n'"GRAPH_API_BASE_URL=${GRAPH_API_BASE_URL:-http://127.0.0.1:${JUM_SIMULATOR_PORT:-9090}}"
    ENV_TEXT+=$'\n'"WEBHOOK_URL=http://127.0.0.1:${JUM_LAMBDA_PORT:-9000}/lambda-url/webhook/"
    ENV_TEXT+=$'\n'"PHONE_NUMBER_IDS=${JUM_PHONE_NUMBER_ID:-106540352242922}"
fi
while IFS='=' read -r key value; do
    [[ -n "$key" ]] && export "$key=$value"
done <<<"$ENV_TEXT"
exec target/debug/doctor
