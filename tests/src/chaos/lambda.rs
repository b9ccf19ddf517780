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
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use shared::signature::sign;

use crate::crash::Crashes;
use crate::events::{api_gateway_request, ApiRequest};
use crate::queues::sqs_event;
use crate::world::{LocalWebhook, World, APP_SECRET};

/// Meta gives up after 7 days; the run gives up after this many attempts.
const MAX_WEBHOOK_ATTEMPTS: usize = 200;

/// Deliveries and commands wait while a queue holds more than this. moto's
/// ReceiveMessage walks the whole queue (about 2 s per call at 1,000
/// messages on the test machine), where SQS's does not; a backlog of
/// thousands would measure moto, not the connector.
const MAX_BACKLOG: usize = 200;

/// How old a queue depth may be before it is read again.
const DEPTH_MAX_AGE: Duration = Duration::from_millis(500);

/// The gate in front of one queue, shared by everyone filling it. moto
/// computes every attribute of a queue, walking all its messages, on each
/// GetQueueAttributes: with each of 8 webhook workers asking for itself,
/// that was 31 % of moto's time (py-spy). One depth read per
/// `DEPTH_MAX_AGE` serves them all.
struct Backlog<'a> {
    platform: &'a World,
    url: &'a str,
    last: tokio::sync::Mutex<Option<(Instant, usize)>>,
}

impl<'a> Backlog<'a> {
    fn new(platform: &'a World, url: &'a str) -> Self {
        Self {
            platform,
            url,
            last: tokio::sync::Mutex::new(None),
        }
    }

    async fn wait_for_room(&self) {
        loop {
            let depth = {
                let mut last = self.last.lock().await;
                match *last {
                    Some((read_at, depth)) if read_at.elapsed() < DEPTH_MAX_AGE => depth,
                    _ => {
                        let depth = self.platform.queue_depth(self.url).await;
                        *last = Some((Instant::now(), depth));
                        depth
                    }
                }
            };
            if depth <= MAX_BACKLOG {
                return;
            }
            tokio::time::sleep(DEPTH_MAX_AGE).await;
        }
    }
}

/// Internal systems putting `bodies` on the queue at `url`, ten at a time.
pub async fn feed(platform: &World, url: &str, bodies: &[String]) {
    let backlog = Backlog::new(platform, url);
    for chunk in bodies.chunks(10) {
        backlog.wait_for_room().await;
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, body)| {
                aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .build()
                    .expect("entry")
            })
            .collect();
        platform
            .sqs
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .expect("enqueue");
    }
}

/// Reads and deletes everything arriving on the queue at `url` until
/// `done()` holds and the queue is empty, as a consumer would.
pub async fn consume<D: Fn() -> bool>(
    platform: &World,
    url: &str,
    done: D,
) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    loop {
        let messages = platform.receive_batch(url).await;
        if messages.is_empty() {
            if done() && platform.queue_depth(url).await == 0 {
                return out;
            }
            // Four consumers polling empty queues every 200 ms were 20
            // requests a second of moto's ~105 in the full run.
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        out.extend(
            messages
                .iter()
                .map(|m| serde_json::from_str(m.body().unwrap_or("null")).unwrap_or_default()),
        );
        platform.delete_batch(url, &messages).await;
    }
}

#[derive(Debug, Default)]
pub struct MappingCounts {
    pub invocations: AtomicUsize,
    pub records: AtomicUsize,
    pub failed_records: AtomicUsize,
    pub failed_invocations: AtomicUsize,
}

/// Plays the event-source mapping of `url` with `workers` concurrent
/// pollers until `done()` holds and the queue (visible and in flight) is
/// empty; `crashes` ends some invocations mid-flight.
pub async fn poll_queue<H, Fut, D>(
    platform: &World,
    url: &str,
    workers: usize,
    handle: H,
    done: D,
    counts: &MappingCounts,
    crashes: &Crashes,
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
            let Some(result) = crashes.invoke(handle(sqs_event(&messages))).await else {
                // Killed mid-flight: nothing deletes the batch, so it comes
                // back after the visibility timeout, as from a timeout.
                continue;
            };
            let failed: Vec<String> = match result {
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
            platform
                .delete_batch(
                    url,
                    messages
                        .iter()
                        .filter(|m| !failed.iter().any(|f| Some(f.as_str()) == m.message_id())),
                )
                .await;
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
    platform: &World,
    webhook: &LocalWebhook,
    bodies: Vec<Vec<u8>>,
    workers: usize,
    counts: &DeliveryCounts,
) {
    // Each body with the number of attempts it has had.
    let line: Mutex<VecDeque<(Vec<u8>, usize)>> =
        Mutex::new(bodies.into_iter().map(|b| (b, 0)).collect());
    let backlog = Backlog::new(platform, &platform.inbound_url);
    let worker = || async {
        loop {
            let next = line.lock().expect("line").pop_front();
            let Some((body, attempts)) = next else {
                return;
            };
            backlog.wait_for_room().await;
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
