# Sourced by test.sh and chaos.sh: starts a private moto_server on a free
# loopback port (never 5000, which `make dev` uses), stops it on exit, and
# exports what the integration tests and the chaos run read:
#   JUM_TEST_ENDPOINT_URL  http://127.0.0.1:<port>
#   JUM_STACK_PY           "<repo>/.venv/bin/python <repo>/infra/local/stack.py"
#   AWS_REGION / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  (moto's dummy values)
# Needs REPO and VENV set, and the current directory at REPO.

MOTO_PID=""
stop_moto() {
    if [[ -n "$MOTO_PID" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
    fi
}

# start_private_moto NAME: NAME labels messages and the log (.local/moto-NAME-<port>.log, without .sh).
start_private_moto() {
    local name="$1" attempt PORT MOTO_LOG
    trap stop_moto EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    mkdir -p .local
    # A free port can be taken between the check and moto's bind: try a few.
    for attempt in 1 2 3; do
        PORT="$("$VENV/bin/python" infra/local/wait_for.py --free-port)"
        [[ "$PORT" == 5000 ]] && continue
        MOTO_LOG=".local/moto-${name%.sh}-$PORT.log"
        "$VENV/bin/python" infra/local/moto_server.py -H 127.0.0.1 -p "$PORT" >"$MOTO_LOG" 2>&1 &
        MOTO_PID=$!
        if "$VENV/bin/python" infra/local/wait_for.py "127.0.0.1:$PORT" --timeout 30 --pid "$MOTO_PID"; then
            break
        fi
        echo "$name: moto did not start on port $PORT (attempt $attempt):" >&2
        tail -n 5 "$MOTO_LOG" >&2 || true
        stop_moto
        MOTO_PID=""
    done
    if [[ -z "$MOTO_PID" ]]; then
        echo "$name: could not start moto_server" >&2
        exit 1
    fi
    echo "$name: moto_server on 127.0.0.1:$PORT (log $MOTO_LOG)"

    export JUM_TEST_ENDPOINT_URL="http://127.0.0.1:$PORT"
    export JUM_STACK_PY="$VENV/bin/python $REPO/infra/local/stack.py"
    export AWS_REGION=us-east-1
    export AWS_ACCESS_KEY_ID=testing
    export AWS_SECRET_ACCESS_KEY=testing
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
    # the tests expect the default local secret values
    unset JUM_APP_SECRET JUM_VERIFY_TOKEN JUM_ACCESS_TOKEN JUM_PREVIOUS_APP_SECRET
}
