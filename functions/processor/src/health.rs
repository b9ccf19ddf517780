//! Account and number health webhooks (docs/account-health.md): each fact
//! is stored once per business number, announced as one `account.*` event
//! and counted, with an alarm metric for a quality downgrade, a restriction
//! and a security event. A throughput upgrade also raises the number's
//! level for the sender's pacing at once.

use shared::domain::account::HealthChange;
use shared::domain::events::account_payloads::AccountHealth;
use shared::domain::events::Event;
use shared::domain::queued::QueuedBatch;
use shared::domain::records::{Provenance, WriteOutcome};
use shared::ports::health::{HealthRecord, HealthStore};
use shared::ports::numbers::NumberLevels;
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

/// A `THROUGHPUT_UPGRADE` raises its number's level in the store, so the
/// sender paces it at its new rate within a minute instead of at the next
/// sync. An absolute value: a retried record repeats it harmlessly. A
/// number no sync has listed yet is only counted: the next sync reads its
/// level from Meta.
pub(crate) async fn follow<P: ProcessorPorts>(
    p: &Processor<P>,
    change: &HealthChange,
    metrics: &mut Metrics,
) -> Result<(), IngestError> {
    let (Some(level), Some(display)) = (change.throughput_level(), change.display_number()) else {
        return Ok(());
    };
    let outcome = if p.numbers.set_throughput(display, level).await? {
        "applied"
    } else {
        "unknown_number"
    };
    tracing::info!(level = level.as_str(), outcome, "number throughput level");
    metrics.count("ThroughputChanges", "Outcome", outcome, 1);
    Ok(())
}
