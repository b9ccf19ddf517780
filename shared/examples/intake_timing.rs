//! The Rust side of the pywa comparison (`infra/bench/pywa_compare.py`):
//! writes the benchmark payloads to files, or times on payload files either
//! intake (signature verify and `split_for_queue`) or its floor (HMAC-SHA256
//! and the typed parse of `benches/support/floor.rs`, what any correct
//! webhook must do), printing one JSON line per file.
//! Timing is the same as the Python side's: the best of 5 rounds of about
//! 0.3 s each, so both languages are measured the same way in the same run.
//!
//! cargo run --profile bench -p shared --example intake_timing -- write DIR
//! cargo run --profile bench -p shared --example intake_timing -- time FILE...
//! cargo run --profile bench -p shared --example intake_timing -- floor FILE...
//! cargo run --profile bench -p shared --example intake_timing -- json-check FILE...
//!
//! `json-check` times HMAC-SHA256 plus a check that the body is JSON, with
//! nothing typed (`floor::json_check`): what any webhook that refuses bad
//! JSON must do at least.

use std::hint::black_box;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use shared::domain::envelope::split_for_queue;
use shared::domain::queued::{RequestMeta, SignatureMatch};
use shared::signature::{sign, verify};

#[path = "../benches/support/mod.rs"]
mod support;

/// Must match `SECRET` in pywa_compare.py: both sides check the same header.
const SECRET: &str = "bench-app-secret";
const ROUNDS: usize = 5;
const ROUND: Duration = Duration::from_millis(300);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("write") => {
            let dir = std::path::Path::new(args.get(1).expect("write DIR"));
            std::fs::create_dir_all(dir).unwrap();
            for (name, body) in support::payloads::all() {
                std::fs::write(dir.join(format!("{name}.json")), body).unwrap();
            }
        }
        Some("time") => args[1..].iter().for_each(|f| time(f)),
        Some("floor") => args[1..].iter().for_each(|f| floor(f)),
        Some("json-check") => args[1..].iter().for_each(|f| json_check(f)),
        _ => panic!(
            "usage: intake_timing write DIR | time FILE... | floor FILE... | json-check FILE..."
        ),
    }
}

fn time(file: &str) {
    let body = std::fs::read(file).unwrap();
    let header = sign(SECRET, &body);
    let secret = SecretString::from(SECRET.to_owned());
    let meta = RequestMeta {
        request_id: "bench-request".into(),
        received_at_ms: 1_764_000_000_000,
        source_ip: None,
        user_agent: None,
        body_bytes: body.len(),
        signature: SignatureMatch::Current,
    };
    report(file, || {
        verify(Some(black_box(&header)), black_box(&body), &secret, None).unwrap();
        black_box(split_for_queue(black_box(&body), &meta, 250 * 1024).unwrap());
    });
}

fn floor(file: &str) {
    hmac_and(file, |body| {
        black_box(support::floor::typed_parse(body).entry.len());
    });
}

fn json_check(file: &str) {
    hmac_and(file, |body| assert!(support::floor::json_check(body)));
}

/// Times HMAC-SHA256 over the file's body followed by `parse` of it.
fn hmac_and(file: &str, parse: impl Fn(&[u8])) {
    let body = std::fs::read(file).unwrap();
    report(file, || {
        black_box(support::floor::hmac_sha256(
            SECRET.as_bytes(),
            black_box(&body),
        ));
        parse(black_box(&body));
    });
}

/// Prints the best time per call of `once` over the rounds.
fn report(file: &str, mut once: impl FnMut()) {
    let mut best = f64::MAX;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < ROUND {
            once();
            n += 1;
        }
        best = best.min(start.elapsed().as_secs_f64() / n as f64);
    }
    println!(r#"{{"file":"{file}","seconds_per_op":{best:e}}}"#);
}
