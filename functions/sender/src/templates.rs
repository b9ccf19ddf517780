//! A template command against the template store, before any call to Meta
//! (docs/templates.md): which WABA the number sends for (read once per
//! number and instance), then one read of the template. A number whose WABA
//! has never synced is sent as before and counted (`TemplateUnchecked`).

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

/// Each number's WABA once a sync has named it: a number does not move
/// between WABAs while an instance lives, so only found ones are kept (a
/// number not yet synced is asked again on its next send).
#[derive(Default)]
pub struct TemplateWabas(Mutex<HashMap<String, WabaId>>);

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
            .template_wabas
            .0
            .lock()
            .ok()
            .and_then(|m| m.get(number.as_str()).cloned());
        if cached.is_some() {
            return Ok(cached);
        }
        let found = self.templates.waba_of(number).await?;
        if let (Some(waba), Ok(mut map)) = (&found, self.template_wabas.0.lock()) {
            map.insert(number.as_str().to_owned(), waba.clone());
        }
        Ok(found)
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
        let category = definition.as_ref().and_then(|d| d.consent_category());
        let refusal = check_command(template, definition.as_ref()).err();
        Ok(TemplateStep::Checked { category, refusal })
    }
}
