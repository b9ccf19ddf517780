//! What the send gate knows of consent: the suppression list and the
//! marketing opt-in, after recording a command's own opt-in evidence.

use shared::domain::consent::{ConsentCategory, ConsentFacts, ConsentSource, ConsentUpdate};
use shared::domain::ids::ContactKey;
use shared::domain::outbound::OutboundCommand;
use shared::ports::consent::ConsentLedger;
use shared::ports::StoreError;

use crate::{Sender, SenderPorts};

impl<P: SenderPorts> Sender<P> {
    /// The suppression list (and the marketing opt-in, after recording the
    /// command's own evidence), read only for the categories that need
    /// consent: service replies and actions never fetch the hashing key.
    pub(crate) async fn consent_facts(
        &self,
        cmd: &OutboundCommand,
        contact: &ContactKey,
        now: i64,
    ) -> Result<ConsentFacts, StoreError> {
        if cmd.message.is_action() || ConsentCategory::of(cmd.consent_category()).is_none() {
            return Ok(ConsentFacts::default());
        }
        if let Some(evidence) = &cmd.consent {
            self.consent
                .update(
                    contact,
                    &ConsentUpdate {
                        // Evidence only: it must not lift an opt-out.
                        categories: &[],
                        opted_in: true,
                        source: ConsentSource::InternalSystem,
                        at: evidence.given_at,
                        evidence: Some(evidence.clone()),
                        opt_in_expires_at: self.settings.retention.expires_at(now),
                        suppression_expires_at: None,
                    },
                )
                .await?;
        }
        self.consent.facts(contact, now).await
    }
}
