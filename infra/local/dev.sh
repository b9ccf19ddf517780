#!/usr/bin/env bash
# make dev: the whole connector on this machine, in the foreground.
#
#   moto_server            127.0.0.1:${JUM_MOTO_PORT:-5000}   (log: .local/moto.log)
#   cargo lambda watch     127.0.0.1:${JUM_LAMBDA_PORT:-9000} (webhook + processor, rebuilt on change)
#   contacts_gateway.py    127.0.0.1:${JUM_CONTACTS_PORT:-9001} (SigV4 check -> contacts)
#   stack.py poll          InboundQueue -> processor, OutboundQueue -> sender,
#                          MediaQueue -> media (the SQS event-source mappings)
#
# The local stack `jum-local` is created from template.yaml by stack.py; the
# functions get the template's environment resolved to the moto resources.
# Local runs are native builds: no aarch64 target is needed here.
# Ctrl-C stops everything this script started.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"

MOTO_PORT="${JUM_MOTO_PORT:-5000}"
SIM_PORT="${JUM_SIMULATOR_PORT:-9090}"
# Set GRAPH_API_BASE_URL (and real credentials in JUM_ACCESS_TOKEN, JUM_APP_SECRET)
# to send through that server instead of the local Graph API simulator.
USER_GRAPH_URL="${GRAPH_API_BASE_URL:-}"
LAMBDA_PORT="${JUM_LAMBDA_PORT:-9000}"
STACK_NAME="${JUM_STACK_NAME:-jum-local}"
ENDPOINT="http://127.0.0.1:$MOTO_PORT"

make --no-print-directory -s venv
VENV="$REPO/.venv"
# `cargo lambda` is the venv's cargo-lambda executable (PyPI package).
export PATH="$VENV/bin:$PATH"
PY="$VENV/bin/python"
mkdir -p .local

# Each service runs in its own process group (setsid), so stopping it also
# stops what it started (cargo lambda watch runs the function binaries).
PIDS=()
cleanup() {
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]}"; do
        kill -INT -- "-$pid" 2>/dev/null || true
    done
    for _ in $(seq 50); do
        local alive=0
        for pid in "${PIDS[@]}"; do
            kill -0 -- "-$pid" 2>/dev/null && alive=1
        done
        ((alive)) || break
        sleep 0.1
    done
    for pid in "${PIDS[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    echo "dev.sh: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() { # start NAME CMD... : runs CMD in a new session, records its pid
    local name="$1"
    shift
    setsid "$@" &
    PIDS+=("$!")
    echo "dev.sh: started $name (pid $!)"
}

if "$PY" infra/local/wait_for.py "127.0.0.1:$MOTO_PORT" --timeout 0 2>/dev/null; then
    echo "dev.sh: port $MOTO_PORT is already in use; set JUM_MOTO_PORT to another port" >&2
    exit 1
fi
if "$PY" infra/local/wait_for.py "127.0.0.1:$LAMBDA_PORT" --timeout 0 2>/dev/null; then
    echo "dev.sh: port $LAMBDA_PORT is already in use; set JUM_LAMBDA_PORT to another port" >&2
    exit 1
fi

start moto_server bash -c "exec '$VENV/bin/python' infra/local/moto_server.py -H 127.0.0.1 -p '$MOTO_PORT' >'.local/moto.log' 2>&1"
"$PY" infra/local/wait_for.py "127.0.0.1:$MOTO_PORT" --timeout 30 --pid "${PIDS[0]}"

"$PY" infra/local/stack.py bootstrap --endpoint-url "$ENDPOINT" --stack-name "$STACK_NAME"
"$PY" infra/local/stack.py env --endpoint-url "$ENDPOINT" --stack-name "$STACK_NAME" >.local/dev.env
GRAPH_URL="${USER_GRAPH_URL:-http://127.0.0.1:$SIM_PORT}"
# The template's default is Meta's URL; locally the sender talks to GRAPH_URL.
sed -i "s#^GRAPH_API_BASE_URL=.*#GRAPH_API_BASE_URL=$GRAPH_URL#" .local/dev.env
while IFS='=' read -r key value; do
    export "$key=$value"
done <.local/dev.env

if [[ -z "$USER_GRAPH_URL" ]]; then
    # Meta's stand-in: accepts sends and posts signed status webhooks back.
    cargo build --quiet -p graph-simulator
    start "graph simulator" target/debug/graph-simulator --listen "127.0.0.1:$SIM_PORT" \
        --access-token "${JUM_ACCESS_TOKEN:-dev-access-token}" --app-secret "${JUM_APP_SECRET:-dev-app-secret}" \
        --webhook-url "http://127.0.0.1:$LAMBDA_PORT/lambda-url/webhook/"
fi

# The template store, synced once now (docs/templates.md); a deployment syncs
# every TemplateSyncMinutes. WABA: JUM_WABA_ID (default: the simulator's).
cargo build --quiet -p review --bin sync-templates
if [[ -z "$USER_GRAPH_URL" ]]; then
    "$PY" infra/local/wait_for.py "127.0.0.1:$SIM_PORT" --timeout 30
fi
WABA_IDS="${JUM_WABA_ID:-102290129340398}" target/debug/sync-templates \
    || echo "dev.sh: the template sync failed; template commands go unchecked until one succeeds" >&2

# Every function built now, as cargo lambda watch builds it on its first
# request: otherwise the first POST after the banner, and the simulator's
# signed webhooks (5 attempts over about 25 s), wait for a compile of
# minutes and fail.
echo "dev.sh: building the functions (first time: a few minutes)"
for f in webhook processor sender contacts retention media; do
    cargo build --quiet -p "$f" --bin "$f"
done

# The functions inherit this environment; --env-file makes it explicit.
start "cargo lambda watch" cargo lambda watch \
    --invoke-address 127.0.0.1 --invoke-port "$LAMBDA_PORT" --env-file .local/dev.env
# The contacts API's IAM gate (API Gateway's AWS_IAM, played locally): a
# request signed with SigV4 (jum contacts …) reaches the contacts function
# with the caller's principal; anything else gets 403.
CONTACTS_PORT="${JUM_CONTACTS_PORT:-9001}"
start "contacts gateway (SigV4, 127.0.0.1:$CONTACTS_PORT)" "$PY" infra/local/contacts_gateway.py \
    --port "$CONTACTS_PORT" --invoke-url "http://127.0.0.1:$LAMBDA_PORT/2015-03-31/functions/contacts/invocations"
start "poller (OutboundQueue -> sender)" "$PY" infra/local/stack.py poll \
    --endpoint-url "$ENDPOINT" --stack-name "$STACK_NAME" \
    --queue OutboundQueue --function sender --runtime-url "http://127.0.0.1:$LAMBDA_PORT"
start "poller (InboundQueue -> processor)" "$PY" infra/local/stack.py poll \
    --endpoint-url "$ENDPOINT" --stack-name "$STACK_NAME" \
    --queue InboundQueue --function processor --runtime-url "http://127.0.0.1:$LAMBDA_PORT"
start "poller (MediaQueue -> media)" "$PY" infra/local/stack.py poll \
    --endpoint-url "$ENDPOINT" --stack-name "$STACK_NAME" \
    --queue MediaQueue --function media --runtime-url "http://127.0.0.1:$LAMBDA_PORT"

URL_OPT=""
[[ "$LAMBDA_PORT" == 9000 ]] || URL_OPT="--url http://127.0.0.1:$LAMBDA_PORT/lambda-url/webhook/ "
SIM_OPT=""
[[ "$SIM_PORT" == 9090 ]] || SIM_OPT="--simulator http://127.0.0.1:$SIM_PORT "
cat <<BANNER

==========================================================================
 John's Umbrella Mart - local stack '$STACK_NAME'
   webhook URL   http://127.0.0.1:$LAMBDA_PORT/lambda-url/webhook/
   verify token  ${JUM_VERIFY_TOKEN:-dev-verify-token}
   app secret    ${JUM_APP_SECRET:-dev-app-secret}
   moto          $ENDPOINT   (log .local/moto.log)
   env           .local/dev.env
 send a sample:
   cargo run -q -p jum -- webhook send ${URL_OPT}--now tests/fixtures/webhooks/text.json
   cargo run -q -p jum -- webhook verify ${URL_OPT}
 send a customer's photo (simulator serves it; the media function copies it):
   cargo run -q -p jum -- webhook sample-image ${URL_OPT}${SIM_OPT}
   cargo run -q -p jum -- events peek --type media.stored   (names bucket and key)
 send a WhatsApp message (simulator -> status webhooks -> stored status):
   cargo run -q -p jum -- send --template order_shipped --to 16505551234
   .venv/bin/python infra/local/inspect_table.py --type status
   Graph API    $GRAPH_URL
 contacts API:  http://127.0.0.1:$CONTACTS_PORT/contacts (SigV4, as deployed):
   cargo run -q -p jum -- contacts show 16505551234     (history, export --out, erase…)
 events queue:  jum-local-events on $ENDPOINT
   cargo run -q -p jum -- events peek     (left on the queue; events tail follows the bus)
 the operator's tool (another terminal; cargo install --path infra/cli for 'jum'):
   cargo run -q -p jum -- stack      (then: send, webhook, events peek|tail, dlq list|show|redrive; --help)
 Ctrl-C stops everything.
==========================================================================

BANNER

# Stop everything as soon as any one service exits.
set +e
wait -n
status=$?
echo "dev.sh: a service exited (status $status); stopping the others" >&2
exit $((status == 0 ? 1 : status))
