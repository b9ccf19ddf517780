//! The Lambda entry: one SQS batch in, the records that failed out.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::Error;
use shared::domain::queued::QueuedBatch;
use shared::ports::{Clock, Retry};
use shared::telemetry::Metrics;
use tracing::Instrument;

use crate::error::IngestError;
use crate::ingest;
use crate::outbox::{self, Outbox};
use crate::processor::{Processor, ProcessorPorts};

impl<P: ProcessorPorts> Processor<P> {
    pub async fn handle(&self, event: SqsEvent) -> Result<SqsBatchResponse, Error> {
        let mut metrics = Metrics::new("processor");
        let mut failed: Vec<String> = Vec::new();
        let mut stored: Vec<(String, Outbox)> = Vec::new();
        for record in event.records {
            let message_id = record.message_id.clone().unwrap_or_default();
            let span = tracing::info_span!("record", message_id = %message_id, request_id = tracing::field::Empty);
            let outcome = async {
                let body = record.body.as_deref().unwrap_or_default();
                let batch = QueuedBatch::parse(body).map_err(IngestError::Poison)?;
                tracing::Span::current().record("request_id", batch.request.request_id.as_str());
                ingest::ingest(self, &batch, &mut metrics).await
            }
            .instrument(span.clone())
            .await;
            match outcome {
                Ok(out) => stored.push((message_id, out)),
                Err(e) => {
                    let _enter = span.enter();
                    record_failure(&e, &mut metrics);
                    failed.push(message_id);
                }
            }
        }
        // The invocation's events and replies in as few SQS requests as fit.
        let together = outbox::publish(
            &self.events,
            &self.commands,
            &self.media,
            stored.iter().map(|(_, out)| out),
            &mut metrics,
        )
        .await;
        if together.is_err() {
            // Record by record, so that effects that can never be published
            // (say, one event SQS refuses) fail only their own record, not
            // their neighbours: those would go to the DLQ with it.
            for (id, out) in &stored {
                let alone = outbox::publish(
                    &self.events,
                    &self.commands,
                    &self.media,
                    [out],
                    &mut metrics,
                )
                .await;
                if let Err(e) = alone {
                    let _enter = tracing::info_span!("record", message_id = %id).entered();
                    record_failure(&e, &mut metrics);
                    failed.push(id.clone());
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
        metrics.flush(self.clock.now_ms());
        Ok(response)
    }
}

/// Logs and counts a record that SQS will redeliver (or, if permanent,
/// move to the DLQ after `maxReceiveCount`).
fn record_failure(e: &IngestError, metrics: &mut Metrics) {
    let label = match e.retry() {
        Retry::Retryable => {
            tracing::warn!(error = %e, "record failed; SQS will redeliver it");
            "retryable"
        }
        Retry::Permanent => {
            tracing::error!(error = %e, "record cannot be processed; it will reach the DLQ");
            "permanent"
        }
    };
    metrics.count("RecordsFailed", "Retry", label, 1);
}
