//! The parts AWS and Meta play, done by the harness against moto directly
//! (never through the fault proxy: these are the platforms, not the code
//! under test).
//!
//! - The SQS event-source mapping: several concurrent pollers, batches of up
//!   to 10, successes deleted, reported failures (or a whole failed
//!   invocation) left to come back after the queue's visibility timeout, and
//!   moto's redrive policy moves a record to the DLQ after `maxReceiveCount`.
//! - Meta's webhook delivery: a POST answered with anything but 200 is
//!   delivered again later (Meta keeps trying for 7 days).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;
use shared::signature::sign;

use crate::events::{api_gateway_request, ApiRequest};
use crate::world::{sqs_record, LocalWebhook, World, APP_SECRET};

/// Meta gives up after 7 days; the run gives up after this many attempts.
const MAX_WEBHOOK_ATTEMPTS: usize = 200;

#[derive(Debug, Default)]
pub struct MappingCounts {
    pub invocations: AtomicUsize,
    pub records: AtomicUsize,
    pub failed_records: AtomicUsize,
    pub failed_invocations: AtomicUsize,
}

/// Plays the event-source mapping of `url` with `workers` concurrent
/// pollers until `done()` holds and the queue (visible and in flight) is
/// empty.
pub async fn poll_queue<H, Fut, D>(
    platform: &World,
    url: &str,
    workers: usize,
    handle: H,
    done: D,
    counts: &MappingCounts,
) where
    H: Fn(SqsEvent) -> Fut,
    Fut: Future<Output = Result<SqsBatchResponse, lambda_runtime_error::Error>>,
    D: Fn() -> bool,
{
    let worker = || async {
        loop {
            let messages = platform.receive_batch(url).await;
            if messages.is_empty() {
                if done() && platform.queue_depth(url).await == 0 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            counts.invocations.fetch_add(1, Ordering::Relaxed);
            counts.records.fetch_add(messages.len(), Ordering::Relaxed);
            let mut event = SqsEvent::default();
            event.records = messages.iter().map(sqs_record).collect();
            let failed: Vec<String> = match handle(event).await {
                Ok(response) => response
                    .batch_item_failures
                    .into_iter()
                    .map(|f| f.item_identifier)
                    .collect(),
                Err(_) => {
                    // Lambda retries the whole batch after the visibility timeout.
                    counts.failed_invocations.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            };
            counts
                .failed_records
                .fetch_add(failed.len(), Ordering::Relaxed);
            let done_entries: Vec<DeleteMessageBatchRequestEntry> = messages
                .iter()
                .filter(|m| !failed.iter().any(|f| Some(f.as_str()) == m.message_id()))
                .enumerate()
                .map(|(i, m)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(m.receipt_handle().unwrap_or_default())
                        .build()
                        .expect("entry")
                })
                .collect();
            if !done_entries.is_empty() {
                platform
                    .sqs
                    .delete_message_batch()
                    .queue_url(url)
                    .set_entries(Some(done_entries))
                    .send()
                    .await
                    .expect("delete from moto");
            }
        }
    };
    futures_util::future::join_all((0..workers).map(|_| worker())).await;
}

#[derive(Debug, Default)]
pub struct DeliveryCounts {
    pub posts: AtomicUsize,
    pub not_200: AtomicUsize,
    pub gave_up: AtomicUsize,
}

/// Delivers every body to the webhook as Meta does, signed, with `workers`
/// POSTs at a time; a body answered with anything but 200 goes to the back
/// of the line and is tried again.
pub async fn deliver_like_meta(
    webhook: &LocalWebhook,
    bodies: Vec<Vec<u8>>,
    workers: usize,
    counts: &DeliveryCounts,
) {
    // Each body with the number of attempts it has had.
    let line: Mutex<VecDeque<(Vec<u8>, usize)>> =
        Mutex::new(bodies.into_iter().map(|b| (b, 0)).collect());
    let worker = || async {
        loop {
            let next = line.lock().expect("line").pop_front();
            let Some((body, attempts)) = next else {
                return;
            };
            counts.posts.fetch_add(1, Ordering::Relaxed);
            let req = api_gateway_request(ApiRequest {
                headers: vec![("X-Hub-Signature-256", sign(APP_SECRET, &body))],
                body: &body,
                ..ApiRequest::default()
            });
            let status = webhook
                .handle(req)
                .await
                .map_or(500, |r| r.status().as_u16());
            if status != 200 {
                counts.not_200.fetch_add(1, Ordering::Relaxed);
                if attempts + 1 >= MAX_WEBHOOK_ATTEMPTS {
                    counts.gave_up.fetch_add(1, Ordering::Relaxed);
                } else {
                    line.lock().expect("line").push_back((body, attempts + 1));
                }
            }
        }
    };
    futures_util::future::join_all((0..workers).map(|_| worker())).await;
}

/// The `Error` both handlers return (`lambda_runtime::Error`).
pub mod lambda_runtime_error {
    pub type Error = Box<dyn std::error::Error + Send + Sync>;
}
