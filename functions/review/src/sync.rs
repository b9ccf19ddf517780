//! The template sync (docs/templates.md): every page of each WABA's
//! `message_templates` and `phone_numbers` into the template store, on its
//! own schedule (`TemplateSyncMinutes`) and at the start of `make dev`. A
//! WABA whose pages Meta refuses keeps what the store knew; the failure is
//! recorded in its sync state, logged and counted.

use serde::Serialize;
use shared::domain::templates::WabaId;
use shared::ports::review::AccountGraph;
use shared::ports::templates::{TemplateSource, TemplateStore};
use shared::ports::Clock;
use shared::telemetry::Metrics;

use crate::{ReviewPorts, Reviewer};

/// The `job` of the sync's EventBridge schedule (template.yaml).
pub const TEMPLATE_SYNC_JOB: &str = "template_sync";

/// What one sync did, per WABA: the Lambda's answer and `make dev`'s output.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SyncReport {
    pub synced: Vec<SyncedWaba>,
    pub failed: Vec<FailedWaba>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SyncedWaba {
    pub waba_id: String,
    pub templates: usize,
    pub phone_numbers: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FailedWaba {
    pub waba_id: String,
    pub error: String,
}

impl<P: ReviewPorts> Reviewer<P> {
    /// `WABA_IDS`, or, when none is configured, the WABAs the token manages
    /// (`debug_token`'s granular scopes).
    async fn sync_wabas(&self) -> Vec<WabaId> {
        let mut ids = self.config.waba_ids.clone();
        if ids.is_empty() {
            match self.graph.token().await {
                Ok(token) => ids = token.wabas,
                Err(e) => {
                    tracing::warn!(error = %e, "no WABA_IDS and no token facts: nothing to sync")
                }
            }
        }
        ids.iter().filter_map(|w| WabaId::parse(w)).collect()
    }

    pub async fn sync_templates(&self) -> SyncReport {
        let now = self.clock.now_secs();
        let mut report = SyncReport::default();
        let mut m = Metrics::new("review");
        for waba in self.sync_wabas().await {
            let fetched = match self.template_source.templates(&waba).await {
                Ok(templates) => self
                    .template_source
                    .phone_numbers(&waba)
                    .await
                    .map(|numbers| (templates, numbers)),
                Err(e) => Err(e),
            };
            let outcome = match fetched {
                Ok((templates, numbers)) => self
                    .templates
                    .put_all(&waba, &templates, &numbers, now)
                    .await
                    .map(|()| (templates.len(), numbers.len()))
                    .map_err(|e| e.to_string()),
                Err(e) => {
                    // Keep what the store knows; say so where the review reads it.
                    if let Err(store) = self.templates.sync_failed(&waba, &e.0, now).await {
                        tracing::warn!(error = %store, "the failed sync could not be recorded");
                    }
                    Err(e.0)
                }
            };
            match outcome {
                Ok((templates, phone_numbers)) => {
                    tracing::info!(waba_id = %waba, templates, phone_numbers, "templates synced");
                    m.count("TemplateSyncs", "Outcome", "synced", 1);
                    report.synced.push(SyncedWaba {
                        waba_id: waba.to_string(),
                        templates,
                        phone_numbers,
                    });
                }
                Err(error) => {
                    tracing::warn!(waba_id = %waba, error = %error, "template sync failed; the store keeps what it knew");
                    m.count("TemplateSyncs", "Outcome", "failed", 1);
                    report.failed.push(FailedWaba {
                        waba_id: waba.to_string(),
                        error,
                    });
                }
            }
        }
        m.flush(self.clock.now_ms());
        report
    }
}
