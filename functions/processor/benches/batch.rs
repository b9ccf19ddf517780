//! CPU per inbound message and per status when the processor handles an SQS
//! batch of 10, with every storage call answered by the in-memory fakes, so
//! the figure is the compute part of the Lambda bill and not DynamoDB's
//! latency. Each iteration gets a fresh store: every record is new, as in
//! production, rather than a duplicate that the dedup put turns away.
//! `cargo bench -p processor --bench batch`

use std::hint::black_box;
use std::path::PathBuf;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use shared::domain::envelope::split_for_queue;
use shared::domain::queued::{RequestMeta, SignatureMatch};

#[path = "../tests/fakes/mod.rs"]
mod fakes;

use fakes::processor;

const BATCH: usize = 10;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/webhooks")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Ten SQS records as the webhook queues them, one update each, every one
/// with its own wamid (and, for messages, its own sender).
fn event(fixture_text: &str, wamid: &str, sender: Option<&str>) -> SqsEvent {
    let mut e = SqsEvent::default();
    for i in 0..BATCH {
        let mut body = fixture_text.replace(wamid, &format!("wamid.BENCH{i:04}"));
        if let Some(from) = sender {
            body = body.replace(from, &format!("1650555{i:04}"));
        }
        let meta = RequestMeta {
            request_id: format!("req-{i}"),
            received_at_ms: 1_764_000_000_000,
            source_ip: None,
            user_agent: None,
            body_bytes: body.len(),
            signature: SignatureMatch::Current,
        };
        for message in split_for_queue(body.as_bytes(), &meta, 250_000)
            .unwrap()
            .messages
        {
            let mut m = SqsMessage::default();
            m.message_id = Some(format!("m{i}"));
            m.body = Some(message);
            e.records.push(m);
        }
    }
    e
}

fn batch(c: &mut Criterion) {
    // One thread, as in a Lambda sandbox; the fakes never wait.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cases = [
        (
            "messages",
            event(
                &fixture("text.json"),
                "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA=",
                Some("16505551234"),
            ),
        ),
        (
            "statuses",
            event(
                &fixture("status_delivered.json"),
                "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA",
                None,
            ),
        ),
    ];
    let mut group = c.benchmark_group("processor_batch_of_10");
    // Throughput in elements makes criterion print the time per update.
    group.throughput(Throughput::Elements(BATCH as u64));
    for (name, event) in cases {
        group.bench_function(name, |b| {
            b.iter_batched(
                || (processor().0, event.clone()),
                |(p, e)| {
                    let r = rt.block_on(p.handle(black_box(e))).unwrap();
                    assert!(r.batch_item_failures.is_empty());
                    p
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
