#!/usr/bin/env bash
# Cold start (init) and peak RSS of every function, each first invocation
# doing its real work: AWS calls answered by a private moto holding the local
# stack (infra/local/stack.py bootstrap), Meta's Graph API by the simulator.
#
# Binaries: native x86_64 builds of the release profile with panic=abort
# (what `cargo lambda build --release` ships, minus the arm64 target), copied
# out of the target dir so that another build cannot replace them mid-run.
# The LTO build takes minutes here; to measure binaries built earlier, set
# JUM_COLDSTART_BINS to a directory holding them.
#
# Init is reported twice: wall time, which on a machine shared with other work
# includes waiting for a core, and CPU time, which does not.
#
# First events, in order (each run gets new ids through coldstart.py --vary):
#   webhook    signed POST of text_1kb, then of near_3mb (~3 MB)
#   processor  an SQS batch of the 10 queue messages the webhook runs left on
#              the inbound queue (so the processor gets what the webhook wrote)
#   sender     an SQS batch of one template command, sent to the simulator
#   contacts   GET /contacts/{wa_id} of the customer the processor stored
#   retention  a scheduled event (the hourly sweep)
#   media      an SQS batch of one media job whose message is not stored
#              (the job is dropped after one read: init and that read)
#
# Usage: infra/bench/coldstart/run.sh [runs]     (default 20)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$REPO"
runs=${1:-20}
PY="$REPO/.venv/bin/python"
HARNESS="$PY infra/bench/coldstart/coldstart.py"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
FUNCTIONS=(webhook processor sender contacts retention media review)

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

bins="${JUM_COLDSTART_BINS:-}"
if [[ -z "$bins" ]]; then
    args=()
    for f in "${FUNCTIONS[@]}"; do args+=(-p "$f" --bin "$f"); done
    # panic=abort as cargo lambda (sam build) passes it for release builds.
    cargo build -q --release --config 'profile.release.panic="abort"' "${args[@]}"
    bins="$work/bin"
    mkdir -p "$bins"
    for f in "${FUNCTIONS[@]}"; do cp "$TARGET/release/$f" "$bins/"; done
fi
cargo build -q -p graph-simulator
cp "$TARGET/debug/graph-simulator" "$work/"
# The intake benchmark's payloads (a dev build: it only writes them).
cargo run -q -p shared --example intake_timing -- write "$work/payloads"

port=$("$PY" infra/local/wait_for.py --free-port)
.venv/bin/python infra/local/moto_server.py -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
pids+=($!)
"$PY" infra/local/wait_for.py "127.0.0.1:$port" --timeout 30 --pid "${pids[-1]}"
endpoint="http://127.0.0.1:$port"
"$PY" infra/local/stack.py bootstrap --endpoint-url "$endpoint" --stack-name coldstart >/dev/null 2>&1
while IFS='=' read -r key value; do
    export "$key=$value"
done < <("$PY" infra/local/stack.py env --endpoint-url "$endpoint" --stack-name coldstart)
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_DEFAULT_REGION="$AWS_REGION"  # boto3 reads this one

# Meta's stand-in; its first stdout line names the port it bound.
"$work/graph-simulator" --listen 127.0.0.1:0 --access-token "${JUM_ACCESS_TOKEN:-dev-access-token}" \
    --app-secret "${JUM_APP_SECRET:-dev-app-secret}" >"$work/sim.out" 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/sim.out" && break; sleep 0.1; done
export GRAPH_API_BASE_URL
GRAPH_API_BASE_URL=$(sed -n 's/.*listening on //p' "$work/sim.out" | head -n1)

echo "| function, first event | runs | init median ms | init p95 ms | init min ms | init CPU median ms | peak RSS median MiB | peak RSS max MiB | answer |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
secret="${JUM_APP_SECRET:-dev-app-secret}"
$HARNESS "webhook, POST text_1kb" "$bins/webhook" "$work/payloads/text_1kb.json" --runs "$runs" \
    --webhook-post --secret "$secret" --vary wamid. --expect 200
# The processor's batch: the first 10 queue messages the runs above wrote
# (fewer if there were fewer runs).
batch=$("$PY" - "$INBOUND_QUEUE_URL" "$work/sqs_batch.json" <<'PY'
import json, sys
import boto3
sys.path.insert(0, "infra/local")
from stack import sqs_record
url, out = sys.argv[1:]
sqs = boto3.client("sqs")
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
records = []
while len(records) < 10:
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10 - len(records),
                              AttributeNames=["All"], MessageAttributeNames=["All"], WaitTimeSeconds=1)
    if not got.get("Messages"):
        break
    records += [sqs_record(m, arn, sqs.meta.region_name) for m in got["Messages"]]
if not records:
    sys.exit("no queue message from the webhook runs")
json.dump({"Records": records}, open(out, "w"))
print(len(records))
PY
)
$HARNESS "webhook, POST near_3mb" "$bins/webhook" "$work/payloads/near_3mb.json" --runs "$runs" \
    --webhook-post --secret "$secret" --expect 200
$HARNESS "processor, SQS batch of $batch text messages" "$bins/processor" "$work/sqs_batch.json" \
    --runs "$runs" --vary wamid. --expect "0 failed"

"$PY" - "$work/command.json" <<'PY'
import json, sys
command = {"idempotency_key": "coldstart-", "to": "+15551234567", "phone_number_id": "106540352242922",
           "category": "utility",
           "message": {"type": "template", "template": {"name": "order_shipped", "language": {"code": "en_US"}}}}
record = {"messageId": "coldstart-", "receiptHandle": "coldstart", "body": json.dumps(command),
          "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764028800000"},
          "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
          "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:outbound", "awsRegion": "us-east-1"}
json.dump({"Records": [record]}, open(sys.argv[1], "w"))
PY
$HARNESS "sender, SQS batch of 1 template command" "$bins/sender" "$work/command.json" \
    --runs "$runs" --vary coldstart- --expect "0 failed"

"$PY" - "$work/get_contact.json" <<'PY'
import json, sys
path = "/contacts/16505551234"
http = {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "10.0.0.1", "userAgent": "coldstart"}
iam = {"accessKey": "ASIA000000000000TEST", "accountId": "123456789012", "callerId": "AROA000000000000TEST:alice",
       "principalOrgId": None, "userArn": "arn:aws:sts::123456789012:assumed-role/privacy-officer/alice",
       "userId": "AROA000000000000TEST:alice"}
json.dump({"version": "2.0", "routeKey": f"GET {path}", "rawPath": path, "rawQueryString": "",
           "headers": {"accept": "application/json"}, "isBase64Encoded": False,
           "requestContext": {"accountId": "123456789012", "apiId": "coldstart", "authorizer": {"iam": iam},
                              "domainName": "localhost", "domainPrefix": "localhost", "http": http,
                              "requestId": "coldstart", "routeKey": f"GET {path}", "stage": "$default",
                              "time": "25/Nov/2026:00:00:00 +0000", "timeEpoch": 1764028800000}},
          open(sys.argv[1], "w"))
PY
$HARNESS "contacts, GET /contacts/{wa_id}" "$bins/contacts" "$work/get_contact.json" \
    --runs "$runs" --memory-mb 256 --expect 200

cat >"$work/scheduled.json" <<'JSON'
{"version": "0", "id": "coldstart", "detail-type": "Scheduled Event", "source": "aws.scheduler",
 "account": "123456789012", "time": "2026-11-25T00:00:00Z", "region": "us-east-1", "resources": [], "detail": {}}
JSON
$HARNESS "retention, scheduled sweep" "$bins/retention" "$work/scheduled.json" \
    --runs "$runs" --memory-mb 256 --expect ok

"$PY" - "$work/media_job.json" <<'PY'
import json, sys
job = {"v": 1, "contact": "16505551234", "wamid": "wamid.coldstart-", "message_ts": 1764028800,
       "media_id": "4862369177436161", "kind": "image", "mime_type": "image/jpeg",
       "phone_number_id": "106540352242922", "expires_at": 1766620800}
record = {"messageId": "coldstart-", "receiptHandle": "coldstart", "body": json.dumps(job),
          "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764028800000"},
          "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
          "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:media", "awsRegion": "us-east-1"}
json.dump({"Records": [record]}, open(sys.argv[1], "w"))
PY
$HARNESS "media, SQS batch of 1 job (message gone)" "$bins/media" "$work/media_job.json" \
    --runs "$runs" --memory-mb 512 --vary coldstart- --expect "0 failed"
