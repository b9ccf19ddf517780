//! Account and number health webhooks (docs/account-health.md): each fact
//! is stored once per business number, announced as one `account.*` event
//! and counted, with an alarm metric for a quality downgrade, a restriction
//! and a security event.

use shared::domain::account::HealthChange;
use shared::domain::events::account_payloads::AccountHealth;
use shared::domain::events::Event;
use shared::domain::queued::QueuedBatch;
use shared::domain::records::{Provenance, WriteOutcome};
use shared::ports::health::{HealthRecord, HealthStore};
use shared::telemetry::Metrics;

use crate::error::IngestError;
use crate::processor::{Processor, ProcessorPorts};

pub(crate) async fn store<P: ProcessorPorts>(
    p: &Processor<P>,
    change: &HealthChange,
    from: Provenance<'_>,
    expires_at: i64,
) -> Result<WriteOutcome, IngestError> {
    Ok(p.health
        .put_health(HealthRecord {
            change,
            from,
            expires_at,
        })
        .await?)
}

/// The fact's event and metrics, owed by the queue record that stored it.
/// The `event_id` derives from the value and the POST that first brought
/// it, so an SQS redelivery of that record repeats the same id.
pub(crate) fn announce(change: &HealthChange, batch: &QueuedBatch, metrics: &mut Metrics) -> Event {
    let received_ms = batch.request.received_at_ms;
    let kind = change.kind();
    metrics.count("HealthFacts", "Kind", kind.as_str(), 1);
    if let Some(alarm) = change.alarm() {
        metrics.count("HealthAlerts", "Alert", alarm.as_str(), 1);
        tracing::warn!(
            field = change.field.as_str(),
            event = change.headline(),
            alarm = alarm.as_str(),
            "account health alarm"
        );
    }
    let fact = format!("{}|{received_ms}", change.fingerprint);
    Event::new(
        &AccountHealth::of(change),
        &fact,
        received_ms.div_euclid(1000),
        None,
        None,
    )
}
