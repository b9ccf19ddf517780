#!/usr/bin/env bash
# Zipped size of each function's bootstrap, as Lambda receives it: an arm64
# release build (the workspace's release profile) zipped with deflate level 6,
# which is what `sam build` / `sam deploy` use (Python's zipfile default).
# Extra cargo arguments after `--` (e.g. `--config 'profile.release.panic="abort"'`)
# go to `cargo lambda build`, to measure a variant without editing Cargo.toml.
# Usage: infra/bench/package_size.sh [function...] [-- cargo-args...]   (default: all six)
set -euo pipefail
cd "$(dirname "$0")/../.."
functions=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do functions+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#functions[@]} -gt 0 ] || functions=(webhook processor sender contacts retention media)
rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1
args=()
for f in "${functions[@]}"; do args+=(-p "$f" --bin "$f"); done
cargo lambda build --release --arm64 "${args[@]}" "$@" >&2
# cargo lambda writes under the target dir, which CARGO_TARGET_DIR may move
# (a shared cache): copy each bootstrap out before another build replaces it.
lambda_dir="${CARGO_TARGET_DIR:-target}/lambda"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "${functions[@]}"; do cp "$lambda_dir/$f/bootstrap" "$tmp/$f"; done
echo "| function | bootstrap bytes | zipped bytes | zipped MB |"
echo "|---|---:|---:|---:|"
for f in "${functions[@]}"; do
  python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[1], "bootstrap")' "$tmp/$f" "$tmp/$f.zip"
  zipped=$(stat -c %s "$tmp/$f.zip")
  printf '| %s | %s | %s | %s |\n' "$f" "$(stat -c %s "$tmp/$f")" "$zipped" "$(python3 -c "print(f'{$zipped / 1e6:.2f}')")"
done
