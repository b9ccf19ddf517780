#!/usr/bin/env bash
# Peak RSS and time of the media function copying one file of SIZE bytes
# (default 20 MiB) from the Graph API simulator to moto's S3: its release
# binary (panic=abort, as cargo lambda builds it) under coldstart.py's
# minimal Runtime API, which reads VmHWM after the invocation.
# Usage: infra/bench/media_rss.sh [SIZE]        (BENCHMARKS.md, "Media copy")
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"
size="${1:-20971520}"
make --no-print-directory -s venv
VENV="$REPO/.venv"
export PATH="$VENV/bin:$PATH"
# shellcheck source=infra/local/private_moto.sh
source "$REPO/infra/local/private_moto.sh"
start_private_moto media_rss.sh
cargo build -q --release --config 'profile.release.panic="abort"' -p media --bin media
cargo build -q -p integration-tests --bin media_rss
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
"$TARGET/debug/media_rss" "$size" "$TARGET/release/media" | { grep -v '"_aws":' || true; }
