//! The `sender` function: delivers outbound commands through Meta's Cloud
//! API at most once each, at the pace Meta allows, and records the outcome.
//! Retries wait in the queue (visibility timeout), not in the function.

mod action;
pub mod aws;
mod call;
mod claim;
pub mod config;
mod consent_gate;
mod deliver;
mod gate;
mod media;
mod outcome;
mod outcome_event;
mod pace;
mod refusal;
mod sweep_marks;
mod templates;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use futures_util::stream::{self, StreamExt};
use lambda_runtime::Error;
use shared::domain::consent::ConsentPolicy;
use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::{parse_command, CommandError, MediaSources, OutboundCommand};
use shared::domain::retention::Retention;
use shared::domain::retries::RetryPolicy;
use shared::ports::consent::ConsentLedger;
use shared::ports::contacts::Auditor;
use shared::ports::media::{MediaUploads, OutboundFiles, UploadCache};
use shared::ports::numbers::NumberLevels;
use shared::ports::sending::{GraphApi, OutboundLedger, RecipientDirectory, Redelivery, Throttle};
use shared::ports::templates::TemplateStore;
use shared::ports::{Clock, EventSink};
use shared::telemetry::Metrics;
use tracing::Instrument;

pub use deliver::Step;
pub use media::{UploadLocks, UPLOAD_CACHE_SECS};
pub use pace::PaceCache;
pub use sweep_marks::SweepMarks;
pub use templates::TemplateCache;

/// Records of one batch in flight at once: a batch is at most 10.
const CONCURRENT_SENDS: usize = 10;

#[derive(Debug, Clone)]
pub struct Settings {
    pub default_phone_number_id: Option<PhoneNumberId>,
    /// `MessagesPerSecond`: the most any number is paced at, whatever its
    /// level (docs/sending.md, "Pacing").
    pub messages_per_second: u32,
    pub retry: RetryPolicy,
    /// How long a claim protects a send in progress; longer than the
    /// function timeout, so only a dead attempt's claim expires.
    pub lease_secs: i64,
    pub retention: Retention,
    /// `MarketingRequiresOptIn` and the like.
    pub consent: ConsentPolicy,
    /// The buckets commands may name files in (`MEDIA_BUCKET_NAME`,
    /// `OUTBOUND_MEDIA_BUCKETS`).
    pub media: MediaSources,
}

/// Which adapter serves each port: `aws.rs` names the deployed ones, the tests
/// the in-memory fakes or moto's and the Graph API simulator. Types only,
/// resolved at compile time, so the handler is as fast as with concrete types.
pub trait SenderPorts {
    type Events: EventSink;
    type Ledger: OutboundLedger;
    type Recipients: RecipientDirectory;
    type Throttle: Throttle;
    type Graph: GraphApi;
    type Redelivery: Redelivery;
    type Clock: Clock;
    type Consent: ConsentLedger;
    type Audit: Auditor;
    type Files: OutboundFiles;
    type Uploads: MediaUploads;
    type UploadCache: UploadCache;
    type Templates: TemplateStore;
    type Numbers: NumberLevels;
}

pub struct Sender<P: SenderPorts> {
    /// Outcomes for internal systems (`message.sent`, `…rejected`, …).
    pub events: P::Events,
    pub ledger: P::Ledger,
    pub recipients: P::Recipients,
    pub throttle: P::Throttle,
    pub graph: P::Graph,
    pub redelivery: P::Redelivery,
    pub clock: P::Clock,
    /// The suppression list and marketing opt-ins, read before every send.
    pub consent: P::Consent,
    pub settings: Settings,
    /// Where a send that overrides a restriction is audited.
    pub audit: P::Audit,
    /// The buckets of files commands name (`s3` media), Meta's upload
    /// endpoint and the cache of uploaded ids.
    pub files: P::Files,
    pub uploads: P::Uploads,
    pub upload_cache: P::UploadCache,
    pub uploading: UploadLocks,
    /// Meta's templates, synced by the review function (docs/templates.md).
    pub templates: P::Templates,
    /// Each number's WABA, read once per instance, and when this instance
    /// last recorded each template's use.
    pub template_cache: TemplateCache,
    /// Each number's throughput level (Meta's, kept by the sync and the
    /// upgrade webhooks), and this instance's copy of it.
    pub numbers: P::Numbers,
    pub pace_cache: PaceCache,
    /// Recipients without a profile this instance put on the retention
    /// sweep today (one marker write per recipient and day, not per send).
    pub sweep_marks: SweepMarks,
}

impl<P: SenderPorts> Sender<P> {
    pub async fn handle(&self, event: SqsEvent) -> Result<SqsBatchResponse, Error> {
        // Copies of one command in a batch go after the first has finished, so
        // they meet its final state instead of racing its claim.
        let received: Vec<Received> = event.records.iter().map(Received::parse).collect();
        let (firsts, repeats) = split_repeats(&received);
        let mut steps = self.run_all(firsts).await;
        steps.extend(self.run_all(repeats).await);
        let mut metrics = Metrics::new("sender");
        let mut response = SqsBatchResponse::default();
        for (message_id, receipt_handle, step) in steps {
            match step {
                Step::Done(label) => metrics.count("CommandsFinished", "Outcome", label, 1),
                Step::Retry { seconds, why } => {
                    metrics.count("CommandsRetried", "Reason", why, 1);
                    if let Some(handle) = receipt_handle {
                        if let Err(e) = self.redelivery.retry_after(&handle, seconds).await {
                            // The record still fails; it comes back after the queue's own timeout.
                            tracing::warn!(error = %e, "could not set the retry delay");
                        }
                    }
                    let mut failure = BatchItemFailure::default();
                    failure.item_identifier = message_id;
                    response.batch_item_failures.push(failure);
                }
            }
        }
        metrics.flush(self.clock.now_ms());
        Ok(response)
    }

    async fn run_all(&self, records: Vec<&Received<'_>>) -> Vec<(String, Option<String>, Step)> {
        stream::iter(records.into_iter().map(|received| {
            let record = received.record;
            let message_id = record.message_id.clone().unwrap_or_default();
            let span = tracing::info_span!(
                "record",
                message_id = %message_id,
                idempotency_key = tracing::field::Empty,
                to = tracing::field::Empty
            );
            async move {
                let receive_count = record
                    .attributes
                    .get("ApproximateReceiveCount")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1);
                let origin = Origin {
                    sender_id: record.attributes.get("SenderId").map(String::as_str),
                    message_id: &message_id,
                };
                let step = self
                    .deliver_parsed(received.body(), &received.command, receive_count, &origin)
                    .await;
                match &step {
                    Step::Done(label) => tracing::info!(outcome = label, "command handled"),
                    Step::Retry { seconds, why } => {
                        tracing::warn!(
                            why,
                            retry_in_seconds = seconds,
                            receive_count,
                            "command will be retried"
                        )
                    }
                }
                (message_id, record.receipt_handle.clone(), step)
            }
            .instrument(span)
        }))
        .buffer_unordered(CONCURRENT_SENDS)
        .collect()
        .await
    }
}

/// Where a command came from, for the audit of a send that overrides a
/// restriction: the queue's `SenderId` (the IAM principal that sent it) and
/// the queue message id.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub sender_id: Option<&'a str>,
    pub message_id: &'a str,
}

impl Origin<'_> {
    pub(crate) fn principal(&self) -> String {
        format!("outbound-queue:{}", self.sender_id.unwrap_or("unknown"))
    }
}

/// A queue record and its command, parsed once for both the batch split
/// and the delivery.
struct Received<'a> {
    record: &'a SqsMessage,
    command: Result<OutboundCommand, CommandError>,
}

impl<'a> Received<'a> {
    fn parse(record: &'a SqsMessage) -> Self {
        let command = parse_command(record.body.as_deref().unwrap_or_default());
        Self { record, command }
    }

    fn body(&self) -> &'a str {
        self.record.body.as_deref().unwrap_or_default()
    }
}

/// Splits a batch into the first record of each `(to, idempotency_key)` and
/// the repeats. Invalid commands count as firsts (they are rejected alone).
fn split_repeats<'r, 'a>(
    records: &'r [Received<'a>],
) -> (Vec<&'r Received<'a>>, Vec<&'r Received<'a>>) {
    let mut seen = std::collections::HashSet::new();
    records.iter().partition(|r| match &r.command {
        Ok(cmd) => seen.insert((cmd.to.clone(), cmd.idempotency_key.clone())),
        Err(_) => true,
    })
}
