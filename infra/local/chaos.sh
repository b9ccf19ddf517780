#!/usr/bin/env bash
# make chaos: the chaos run of issue #7 (tests/src/chaos/) against a private
# moto server. Arguments go to the run, e.g.
#   infra/local/chaos.sh --messages 10000 --customers 500 --commands 2000 --fault-rate 0.05 --seed 7
# (those are the defaults). Prints the accounting table; exits non-zero if
# anything was lost, duplicated or unaccounted for. moto is stopped on exit.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"

make --no-print-directory -s venv
VENV="$REPO/.venv"
export PATH="$VENV/bin:$PATH"

# shellcheck source=infra/local/private_moto.sh
source "$REPO/infra/local/private_moto.sh"
start_private_moto chaos.sh

# The bench profile (optimised, no LTO; it shares its dependencies with
# `make bench`): in a debug build the functions, the simulator and the
# harness took more CPU than moto, and the full run is meant to measure
# neither.
cargo build -q --profile bench -p integration-tests --bin chaos
# The functions print their CloudWatch EMF metric lines to stdout, as in
# Lambda; they are left out here so that the table can be read.
"${CARGO_TARGET_DIR:-$REPO/target}/release/chaos" "$@" | { grep -v '"_aws":' || true; }
