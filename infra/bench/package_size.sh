#!/usr/bin/env bash
# Zipped size of each function's bootstrap, as Lambda receives it: an arm64
# release build (the workspace's release profile) zipped with deflate level 6,
# which is what `sam build` / `sam deploy` use (Python's zipfile default).
# Usage: infra/bench/package_size.sh [function...]   (default: all five)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- webhook processor sender contacts retention
functions=("$@")
rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1
args=()
for f in "${functions[@]}"; do args+=(-p "$f"); done
cargo lambda build --release --arm64 "${args[@]}" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| function | bootstrap bytes | zipped bytes | zipped MB |"
echo "|---|---:|---:|---:|"
for f in "${functions[@]}"; do
  bin=target/lambda/$f/bootstrap
  python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[1], "bootstrap")' "$bin" "$tmp/$f.zip"
  zipped=$(stat -c %s "$tmp/$f.zip")
  printf '| %s | %s | %s | %s |\n' "$f" "$(stat -c %s "$bin")" "$zipped" "$(python3 -c "print(f'{$zipped / 1e6:.2f}')")"
done
