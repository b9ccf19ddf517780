//! The Lambda entry: one SQS batch of media jobs in, the jobs to try again
//! out. Jobs run one after the other: each streams a file of up to 100 MB
//! through one upload part of memory, and the function's memory is sized
//! for one at a time.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::Error;
use shared::domain::ids::Wamid;
use shared::domain::media::MediaJob;
use shared::ports::media::MediaCallError;
use shared::ports::{Clock, Retry};
use shared::telemetry::Metrics;
use tracing::Instrument;

use crate::copy::{CopyError, Done, Job};
use crate::{Media, MediaPorts};

impl<P: MediaPorts> Media<P> {
    pub async fn handle(&self, event: SqsEvent) -> Result<SqsBatchResponse, Error> {
        let mut metrics = Metrics::new("media");
        let response = self.process(event, &mut metrics).await;
        metrics.flush(self.clock.now_ms());
        Ok(response)
    }

    /// The batch's jobs, counted in `metrics` (which `handle` then writes
    /// out; the tests read them).
    pub async fn process(&self, event: SqsEvent, metrics: &mut Metrics) -> SqsBatchResponse {
        let mut failed = Vec::new();
        for record in event.records {
            let message_id = record.message_id.clone().unwrap_or_default();
            let span = tracing::info_span!(
                "record",
                message_id = %message_id,
                wamid_ref = tracing::field::Empty,
                media_id = tracing::field::Empty,
                receive = tracing::field::Empty,
            );
            let outcome = self.one(&record).instrument(span.clone()).await;
            let _enter = span.enter();
            match outcome {
                Ok(done) => {
                    tracing::info!(outcome = ?done, "media job done");
                    metrics.count("MediaJobs", "Outcome", label(&done), 1);
                }
                Err(e) => {
                    record_failure(&e, metrics);
                    failed.push(message_id);
                }
            }
        }
        let mut response = SqsBatchResponse::default();
        response.batch_item_failures = failed
            .into_iter()
            .map(|id| {
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = id;
                failure
            })
            .collect();
        response
    }

    async fn one(&self, record: &SqsMessage) -> Result<Done, CopyError> {
        let body = record.body.as_deref().unwrap_or_default();
        let job = MediaJob::parse(body).map_err(|e| CopyError::Poison(e.to_string()))?;
        let receive: u32 = record
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|c| c.parse().ok())
            .unwrap_or(1);
        let span = tracing::Span::current();
        if let Ok(w) = Wamid::parse(&job.wamid) {
            span.record("wamid_ref", w.log_ref().as_str());
        }
        span.record("media_id", job.media_id.as_str());
        span.record("receive", receive);
        let job = Job::read(&job)?;
        self.copy(&job, receive >= self.max_receives).await
    }
}

fn label(done: &Done) -> &'static str {
    match done {
        Done::Stored => "stored",
        Done::Unavailable(_) => "unavailable",
        Done::AlreadyDone => "already_done",
        Done::MessageGone => "message_gone",
    }
}

/// Logs and counts a job that SQS will redeliver (or move to the DLQ after
/// `maxReceiveCount`). A refused token also counts where the sender's do
/// (`CommandsRetried`, `Reason=token`), so the one token alarm covers both.
fn record_failure(e: &CopyError, metrics: &mut Metrics) {
    if matches!(e, CopyError::Meta(MediaCallError::TokenRefused(_))) {
        metrics.count("CommandsRetried", "Reason", "token", 1);
    }
    let label = match e.retry() {
        Retry::Retryable => {
            tracing::warn!(error = %e, reason = e.reason(), "media job failed; SQS will redeliver it");
            "retryable"
        }
        Retry::Permanent => {
            tracing::error!(error = %e, reason = e.reason(), "media job cannot be done; it will reach the DLQ");
            "permanent"
        }
    };
    metrics.count("MediaJobsFailed", "Retry", label, 1);
}
