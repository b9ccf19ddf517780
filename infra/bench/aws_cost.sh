#!/usr/bin/env bash
# AWS requests, write units and dollars per million (BENCHMARKS.md, "AWS
# requests and cost per million"). Starts a private moto and the counting
# proxy in front of it on free loopback ports, drives the real handlers
# through the proxy (tests/benches/aws_requests.rs), then prints the cost
# model computed from the counted requests (infra/bench/cost_model.py).
#
#   infra/bench/aws_cost.sh [-- --messages 200 --contacts 20 --media-bytes 102400
#                               --large-files 4 --large-bytes 20971520]
#
# Scenarios: inbound_plain, inbound_rules (per inbound message, automation
# off and with the shipped rules), send (per template command), send_rules
# (per automated reply of the shipped rules, inside the 24-hour window),
# status (per status) and media, media_multipart (per stored file: the media
# function's S3 requests and storage, issue #15). Each is printed next to its
# floor (each fact written once, nothing read) and issue #19's targets, in
# dollars with the HTTP API and with WebhookEndpoint=FunctionUrl (the same
# requests without the HTTP API's charge), and all in one table at the end.
#
# The request log, scenario file and bench stdout stay in .local/cost/ for
# a second look: cost_model.py --requests … --scenarios … --stdout ….
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"
VENV="$REPO/.venv"
OUT="$REPO/.local/cost"
mkdir -p "$OUT"
rm -f "$OUT/requests.jsonl" "$OUT/scenarios.json" "$OUT/bench-stdout.txt"

PIDS=()
stop_all() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() { # name port command...
    local name="$1" port="$2"
    shift 2
    "$@" >"$OUT/$name.log" 2>&1 &
    PIDS+=($!)
    "$VENV/bin/python" infra/local/wait_for.py "127.0.0.1:$port" --timeout 30 --pid "$!" || {
        echo "aws_cost.sh: $name did not start:" >&2
        tail -n 5 "$OUT/$name.log" >&2
        exit 1
    }
}

free_port() {
    local p
    p="$("$VENV/bin/python" infra/local/wait_for.py --free-port)"
    [[ "$p" == 5000 ]] && p="$("$VENV/bin/python" infra/local/wait_for.py --free-port)"
    echo "$p"
}

MOTO_PORT="$(free_port)"
start moto "$MOTO_PORT" "$VENV/bin/python" infra/local/moto_server.py -H 127.0.0.1 -p "$MOTO_PORT"
PROXY_PORT="$(free_port)"
start proxy "$PROXY_PORT" "$VENV/bin/python" infra/bench/aws_counting_proxy.py \
    --listen "127.0.0.1:$PROXY_PORT" --moto "http://127.0.0.1:$MOTO_PORT" --log "$OUT/requests.jsonl"

export JUM_TEST_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
export JUM_COST_PROXY_URL="http://127.0.0.1:$PROXY_PORT"
export JUM_COST_META="$OUT/scenarios.json"
export JUM_STACK_PY="$VENV/bin/python $REPO/infra/local/stack.py"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
# info: the level the functions log at in production (template default).
export RUST_LOG=info

[[ "${1:-}" == "--" ]] && shift
cargo bench -p integration-tests --bench aws_requests -- "$@" >"$OUT/bench-stdout.txt"
"$VENV/bin/python" infra/bench/cost_model.py --requests "$OUT/requests.jsonl" \
    --scenarios "$OUT/scenarios.json" --stdout "$OUT/bench-stdout.txt"
echo "aws_cost.sh: ${SECONDS} s wall time, build included" >&2
