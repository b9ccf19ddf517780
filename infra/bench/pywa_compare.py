#!/usr/bin/env python3
"""Intake per payload: this connector (Rust) against pywa, in one run.

For each payload (written by the Rust side, so both read the very same
bytes) pywa validates the X-Hub-Signature-256 and handles the update as its
own server would (`webhook_update_validator` + `webhook_update_handler`, with
a message and a status handler registered so it builds its typed update).
The Rust side is `shared/examples/intake_timing.rs`: `signature::verify` +
`split_for_queue`. Both are timed as the best of 5 rounds of about 0.3 s.

Floors are timed as well, to tell what a ratio can be at most. Python's:
`hmac` + `json.loads` of the body, both C, which pywa does before anything
of its own. Rust's: HMAC-SHA256 + the typed parse that reaches every update
(`shared/benches/support/floor.rs`), and HMAC-SHA256 + only checking that
the body is JSON (`json-check`), the least any webhook that refuses bad
JSON must do. pywa / (HMAC + JSON check) bounds every ratio a correct
Rust intake could show against pywa on that payload.

Run from the repository root with the project venv: `make bench` does.
"""

import hashlib
import hmac
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pywa
from pywa import WhatsApp

SECRET = "bench-app-secret"  # the same as in intake_timing.rs
ROUNDS, ROUND_SECONDS = 5, 0.3
PAYLOADS = ["text_1kb", "batch_100", "near_3mb"]
# The release profile: the settings the functions ship with (LTO, one codegen
# unit, the per-crate opt-levels of Cargo.toml), so the comparison is with
# the code a deployment runs. The criterion benches use the quicker bench
# profile; on text_1kb the release build was about 8 % faster.
RUST = ["cargo", "run", "--quiet", "--release", "-p", "shared", "--example", "intake_timing", "--"]


def pywa_client() -> WhatsApp:
    # No server: updates are fed by hand, as pywa documents for custom servers.
    # Duplicates are not skipped, or every round after the first would be a
    # cache hit rather than a parse.
    wa = WhatsApp(
        phone_id="106540352242922",
        token="bench",
        server=None,
        app_secret=SECRET,
        validate_updates=True,
        skip_duplicate_updates=False,
        filter_updates=False,
    )
    wa.on_message()(lambda _client, _msg: None)
    wa.on_message_status()(lambda _client, _status: None)
    return wa


def best_seconds_per_op(fn) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        n, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < ROUND_SECONDS:
            fn()
            n += 1
        best = min(best, elapsed / n)
    return best


def time_python_floor(body: bytes) -> float:
    header = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    def once():
        digest = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(digest, header)
        json.loads(body)

    return best_seconds_per_op(once)


def time_rust(mode: str, files: list[str]) -> dict[str, float]:
    out = subprocess.run(RUST + [mode, *files], check=True, capture_output=True, text=True).stdout
    return {r["file"]: r["seconds_per_op"] for r in map(json.loads, out.splitlines())}


def time_pywa(wa: WhatsApp, body: bytes) -> float:
    header = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    def once():
        assert wa.webhook_update_validator(body, header) is None
        assert wa.webhook_update_handler(body) == ("ok", 200)

    return best_seconds_per_op(once)


def main() -> int:
    logging.disable(logging.CRITICAL)  # pywa logs every update; not what is measured
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(RUST + ["write", tmp], check=True)
        files = [str(Path(tmp) / f"{p}.json") for p in PAYLOADS]
        wa = pywa_client()
        py = {f: time_pywa(wa, Path(f).read_bytes()) for f in files}
        py_floor = {f: time_python_floor(Path(f).read_bytes()) for f in files}
        rust = time_rust("time", files)
        rust_floor = time_rust("floor", files)
        rust_check = time_rust("json-check", files)
        print(f"pywa {pywa.__version__}, Python {sys.version.split()[0]}")
        print(
            "| payload | bytes | pywa µs | Python hmac + json.loads µs | Rust µs | Rust floor µs"
            " | Rust HMAC + JSON check µs | pywa / Rust | pywa / Rust floor | pywa / (HMAC + JSON check) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, f in zip(PAYLOADS, files):
            size = Path(f).stat().st_size
            print(
                f"| {name} | {size} | {py[f] * 1e6:.1f} | {py_floor[f] * 1e6:.1f} | {rust[f] * 1e6:.2f}"
                f" | {rust_floor[f] * 1e6:.2f} | {rust_check[f] * 1e6:.2f} | {py[f] / rust[f]:.1f}×"
                f" | {py[f] / rust_floor[f]:.1f}× | {py[f] / rust_check[f]:.1f}× |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
