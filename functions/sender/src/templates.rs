//! A template command against the template store, before any call to Meta
//! (docs/templates.md): which WABA the number sends for (read once per
//! number and instance), then one read of the template. A number whose WABA
//! has never synced is sent as before and counted (`TemplateUnchecked`).
//! A checked template's use is recorded for the review at most once an hour
//! per template and instance (one write; a failure is logged, never a
//! reason to hold the send).

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::{Category, OutboundCommand, OutboundMessage};
use shared::domain::templates::{check_command, TemplateKey, TemplateRefusal, WabaId};
use shared::ports::templates::TemplateStore;
use shared::ports::{Clock, StoreError};
use shared::telemetry::Metrics;

use crate::{Sender, SenderPorts};

/// What an instance remembers of the store. `wabas`: each number's WABA once
/// a sync has named it; a number does not move between WABAs while an
/// instance lives, so only found ones are kept (a number not yet synced is
/// asked again on its next send). `marked`: when this instance last
/// recorded each template's use.
#[derive(Default)]
pub struct TemplateCache {
    wabas: Mutex<HashMap<String, WabaId>>,
    marked: Mutex<HashMap<(WabaId, TemplateKey), i64>>,
}

/// The review asks for templates used "in the last day": an hour's lag in
/// the recorded time is well inside that, and keeps the writes to one per
/// template, hour and instance.
const MARK_EVERY_SECS: i64 = 3_600;

/// What the gate knows of the recipient and of the template, read before it.
pub(crate) struct GateFacts<'a> {
    pub recipient: Option<shared::domain::sending::Recipient>,
    /// Why Meta would refuse the template, when the store says so.
    pub template_refusal: Option<&'a TemplateRefusal>,
}

pub(crate) enum TemplateStep {
    /// Not a template, or a number whose templates were never synced.
    NotChecked,
    /// The store answered: Meta's category (when it has one) and, if Meta
    /// would refuse the send, why.
    Checked {
        category: Option<Category>,
        refusal: Option<TemplateRefusal>,
    },
}

fn template_object(cmd: &OutboundCommand) -> Option<&Value> {
    match &cmd.message {
        OutboundMessage::Message {
            message_type,
            object,
        } if message_type == "template" => object.get("template"),
        _ => None,
    }
}

impl<P: SenderPorts> Sender<P> {
    async fn waba_of(&self, number: &PhoneNumberId) -> Result<Option<WabaId>, StoreError> {
        let cached = self
            .template_cache
            .wabas
            .lock()
            .ok()
            .and_then(|m| m.get(number.as_str()).cloned());
        if cached.is_some() {
            return Ok(cached);
        }
        let found = self.templates.waba_of(number).await?;
        if let (Some(waba), Ok(mut map)) = (&found, self.template_cache.wabas.lock()) {
            map.insert(number.as_str().to_owned(), waba.clone());
        }
        Ok(found)
    }

    /// Records the use unless this instance did within the hour.
    async fn mark_used(&self, waba: &WabaId, key: &TemplateKey) {
        let now = self.clock.now_secs();
        let id = (waba.clone(), key.clone());
        let due = self
            .template_cache
            .marked
            .lock()
            .map(|m| m.get(&id).is_none_or(|at| now - at >= MARK_EVERY_SECS))
            .unwrap_or(true);
        if !due {
            return;
        }
        match self.templates.mark_used(waba, key, now).await {
            Ok(()) => {
                if let Ok(mut m) = self.template_cache.marked.lock() {
                    m.insert(id, now);
                }
            }
            Err(e) => tracing::warn!(error = %e, "a template's use was not recorded"),
        }
    }

    pub(crate) async fn check_template(
        &self,
        cmd: &OutboundCommand,
        number: &PhoneNumberId,
    ) -> Result<TemplateStep, StoreError> {
        let Some(template) = template_object(cmd) else {
            return Ok(TemplateStep::NotChecked);
        };
        let Some(waba) = self.waba_of(number).await? else {
            let mut m = Metrics::new("sender");
            m.count("TemplateUnchecked", "Reason", "never_synced", 1);
            m.flush(self.clock.now_ms());
            tracing::info!("template not checked: the number's templates were never synced");
            return Ok(TemplateStep::NotChecked);
        };
        // The command's shape was checked at parse: name and language.code exist.
        let key = TemplateKey::new(
            template["name"].as_str().unwrap_or_default(),
            template["language"]["code"].as_str().unwrap_or_default(),
        );
        let definition = self.templates.get(&waba, &key).await?;
        self.mark_used(&waba, &key).await;
        let category = definition.as_ref().and_then(|d| d.consent_category());
        let refusal = check_command(template, definition.as_ref()).err();
        Ok(TemplateStep::Checked { category, refusal })
    }
}
