//! One command, from queue body to outcome.

use shared::domain::ids::ContactKey;
use shared::domain::outbound::{parse_command, CommandError, FailureClass, OutboundCommand};
use shared::domain::sending::needs_window;
use shared::ports::sending::{LedgerKey, RecipientDirectory};
use shared::ports::{Clock, StoreError};

use crate::templates::{GateFacts, TemplateStep};
use crate::{Origin, Sender, SenderPorts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Finished: sent, or ended for a reason recorded in the ledger.
    Done(&'static str),
    /// Leave it on the queue and hand it out again after `seconds`.
    Retry { seconds: u32, why: &'static str },
}

impl<P: SenderPorts> Sender<P> {
    /// Delivers one queue body. [`Sender::handle`] parses each body once
    /// and calls [`Sender::deliver_parsed`]; this is the same for one body.
    pub async fn deliver(&self, body: &str, receive_count: u32) -> Step {
        self.deliver_from(body, receive_count, &Origin::default())
            .await
    }

    /// [`Sender::deliver`] of a body whose queue origin is known.
    pub async fn deliver_from(&self, body: &str, receive_count: u32, origin: &Origin<'_>) -> Step {
        self.deliver_parsed(body, &parse_command(body), receive_count, origin)
            .await
    }

    pub(crate) async fn deliver_parsed(
        &self,
        body: &str,
        parsed: &Result<OutboundCommand, CommandError>,
        receive_count: u32,
        origin: &Origin<'_>,
    ) -> Step {
        match self.try_deliver(body, parsed, receive_count, origin).await {
            Ok(step) => step,
            Err(e) => {
                tracing::warn!(error = %e, "storage unavailable");
                Step::Retry {
                    seconds: self.settings.retry.delay(
                        FailureClass::Transient,
                        receive_count,
                        jitter(),
                    ),
                    why: "storage",
                }
            }
        }
    }

    pub(crate) async fn try_deliver(
        &self,
        body: &str,
        parsed: &Result<OutboundCommand, CommandError>,
        receive_count: u32,
        origin: &Origin<'_>,
    ) -> Result<Step, StoreError> {
        let cmd = match parsed {
            Ok(cmd) => cmd,
            Err(e) => {
                tracing::warn!(reason = e.reason(), detail = %e, "command rejected");
                let key = shared::domain::outbound::salvage_idempotency_key(body);
                let event = crate::outcome_event::invalid_command_event(
                    key.as_ref(),
                    e.reason(),
                    &e.to_string(),
                    self.clock.now_secs(),
                );
                self.publish(event).await?;
                return Ok(Step::Done("rejected"));
            }
        };
        let span = tracing::Span::current();
        span.record("idempotency_key", cmd.idempotency_key.as_str());
        let Some(number) = cmd
            .phone_number_id
            .clone()
            .or_else(|| self.settings.default_phone_number_id.clone())
        else {
            tracing::warn!(reason = "missing_phone_number_id", "command rejected");
            return Ok(Step::Done("rejected"));
        };
        let Some(to) = cmd.to.clone() else {
            // Actions (mark as read) need no recipient and are harmless to repeat.
            return self.send_action(cmd, &number, receive_count).await;
        };
        let contact = ContactKey::Phone(to);
        span.record("to", contact.masked().as_str());
        let now = self.clock.now_secs();
        let key = LedgerKey {
            contact: contact.clone(),
            key: cmd.idempotency_key.clone(),
            record: origin.message_id.to_owned(),
        };
        // Files from S3 are checked and uploaded before the claim (media.rs).
        let prepared;
        let cmd = match self
            .with_media(cmd, &key, &number, receive_count, now)
            .await?
        {
            Ok(None) => cmd,
            Ok(Some(with_ids)) => {
                prepared = with_ids;
                &prepared
            }
            Err(step) => return Ok(step),
        };
        // Reads, then the turn, then the claim: between the claim and Meta's
        // answer nothing but the call (and a restriction override's audit)
        // may die, so a crash seldom leaves `outcome_unknown` behind for a
        // message Meta never had (the chaos run's crashes).
        let recipient = self
            .recipients
            .recipient(&contact, now, needs_window(cmd))
            .await?;
        // The template store (one read): Meta's category for consent, and
        // what the gate refuses before any call to Meta.
        let checked_template;
        let (cmd, template_refusal) = match self.check_template(cmd, &number).await? {
            TemplateStep::NotChecked => (cmd, None),
            TemplateStep::Checked { category, refusal } => {
                let mut with_category = cmd.clone();
                with_category.template_category = category;
                checked_template = with_category;
                (&checked_template, refusal)
            }
        };
        let facts = GateFacts {
            recipient,
            template_refusal: template_refusal.as_ref(),
        };
        let ending = self.assess(cmd, &key, facts, now).await?;
        if ending.is_none() {
            if let Some(step) = self.wait_turn(&number, receive_count, now).await? {
                return Ok(step);
            }
        }
        if let Some(step) = self.claim(cmd, &key, &number, now).await? {
            return Ok(step);
        }
        if let Some((outcome, label)) = ending {
            self.finish(cmd, &key, &number, outcome).await?;
            return Ok(Step::Done(label));
        }
        self.audit_override(cmd, &contact, recipient, origin)
            .await?;
        self.call(cmd, &key, &number, recipient.is_some(), receive_count)
            .await
    }
}

pub(crate) fn contact_wa_id(contact: &ContactKey) -> &shared::domain::ids::WaId {
    match contact {
        ContactKey::Phone(w) => w,
        ContactKey::Scoped(_) => unreachable!("the sender builds contacts from phone numbers only"),
    }
}

/// A number in [0, 1) that differs between calls and instances, for spreading
/// retries; not for anything that needs real randomness.
pub(crate) fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    (h.finish() % 10_000) as f64 / 10_000.0
}
