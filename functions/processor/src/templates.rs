//! The four template webhooks applied to the template store at once
//! (docs/templates.md), without waiting for the next sync. The WABA is the
//! webhook's `entry.id`. A change this reader cannot use (no template named,
//! a WABA id that is not one) is only counted: the diagnostic the ingest
//! stores keeps it, and the rest of the batch goes on.

use shared::domain::queued::QueuedBatch;
use shared::domain::templates::{template_change, WabaId, TEMPLATE_FIELDS};
use shared::ports::templates::TemplateStore;
use shared::telemetry::Metrics;

use crate::{IngestError, Processor, ProcessorPorts};

pub(crate) async fn apply<P: ProcessorPorts>(
    p: &Processor<P>,
    batch: &QueuedBatch,
    metrics: &mut Metrics,
) -> Result<(), IngestError> {
    for change in &batch.changes {
        if !TEMPLATE_FIELDS.contains(&change.field.as_str()) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(change.value.get()).unwrap_or_default();
        let (Some(waba), Some(template)) = (
            WabaId::parse(&change.waba_id),
            template_change(&change.field, &value),
        ) else {
            tracing::warn!(field = %change.field, "template webhook not applied: no WABA or no template in it");
            metrics.count("TemplateWebhooks", "Outcome", "unreadable", 1);
            continue;
        };
        // Absolute values (a status, a category): applying twice is harmless,
        // so a retried record repeats it safely.
        p.templates.apply(&waba, &template).await?;
        tracing::info!(field = %change.field, template = %template.key.name, language = %template.key.language, "template change applied");
        metrics.count("TemplateWebhooks", "Outcome", "applied", 1);
    }
    Ok(())
}
