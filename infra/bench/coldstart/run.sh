#!/usr/bin/env bash
# Cold start and peak RSS of the webhook, with its AWS calls answered by a
# private moto (so the first invocation really verifies and enqueues).
# Built with the bench profile (release without LTO): a release build with
# LTO takes about 6 minutes here. Needs the project venv (moto, boto3).
# Usage: infra/bench/coldstart/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs=${1:-20}
py=.venv/bin/python
cargo build -q --profile bench -p webhook --bin webhook
cargo run -q --profile bench -p shared --example intake_timing -- write target/bench-payloads
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
trap 'kill $moto' EXIT
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
for _ in $(seq 50); do curl -sf "$AWS_ENDPOINT_URL/moto-api/" >/dev/null && break; sleep 0.2; done
queue=$($py - <<'PY'
import json, boto3
boto3.client("secretsmanager").create_secret(Name="coldstart", SecretString=json.dumps(
    {"app_secret": "bench-app-secret", "verify_token": "v", "access_token": "t"}))
print(boto3.client("sqs").create_queue(QueueName="coldstart-inbound")["QueueUrl"])
PY
)
for payload in text_1kb near_3mb; do
  $py infra/bench/coldstart/coldstart.py target/release/webhook "target/bench-payloads/$payload.json" \
    --webhook-post --runs "$runs" --env SECRET_ID=coldstart --env "INBOUND_QUEUE_URL=$queue" \
    --env RUST_LOG=warn
done
