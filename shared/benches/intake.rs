//! Intake cost against its floor: `signature::verify` + `split_for_queue`
//! (what the webhook does before it enqueues) versus HMAC-SHA256 alone and a
//! borrowed typed parse alone, on the same three payloads.
//! `cargo bench -p shared --bench intake`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use secrecy::SecretString;
use shared::domain::envelope::split_for_queue;
use shared::domain::queued::{RequestMeta, SignatureMatch};
use shared::signature::{sign, verify};

mod support;
use support::{floor, payloads};

const SECRET: &str = "bench-app-secret";
/// The webhook's default (`DEFAULT_MAX_QUEUE_MESSAGE_BYTES`), so a 3 MB POST
/// is split as in production.
const MAX_QUEUE_MESSAGE_BYTES: usize = 250 * 1024;

fn meta(body: &[u8]) -> RequestMeta {
    RequestMeta {
        request_id: "bench-request".into(),
        received_at_ms: 1_764_000_000_000,
        source_ip: Some("203.0.113.7".into()),
        user_agent: Some("facebookexternalua".into()),
        body_bytes: body.len(),
        signature: SignatureMatch::Current,
    }
}

fn intake(c: &mut Criterion) {
    let secret = SecretString::from(SECRET.to_owned());
    for (name, body) in payloads::all() {
        let header = sign(SECRET, &body);
        let meta = meta(&body);
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        if body.len() > 1_000_000 {
            group.sample_size(20);
        }
        group.bench_function("intake", |b| {
            b.iter(|| {
                verify(Some(black_box(&header)), black_box(&body), &secret, None).unwrap();
                split_for_queue(black_box(&body), &meta, MAX_QUEUE_MESSAGE_BYTES).unwrap()
            })
        });
        group.bench_function("hmac", |b| {
            b.iter(|| floor::hmac_sha256(SECRET.as_bytes(), black_box(&body)))
        });
        group.bench_function("typed_parse", |b| {
            b.iter(|| floor::typed_parse(black_box(&body)).entry.len())
        });
        group.finish();
    }
}

criterion_group!(benches, intake);
criterion_main!(benches);
