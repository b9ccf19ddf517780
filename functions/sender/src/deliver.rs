//! One command, from queue body to outcome.

use std::time::Duration;

use shared::domain::ids::{ContactKey, PhoneNumberId};
use shared::domain::outbound::{
    graph_body, parse_command, CommandError, FailureClass, OutboundCommand,
};
use shared::domain::privacy::OVERRIDE_ACTION;
use shared::domain::sending::{overrides_restriction, precheck, Verdict};
use shared::ports::contacts::Auditor;
use shared::ports::sending::{
    Claim, GraphApi, LedgerKey, OutboundLedger, Outcome, RecipientDirectory, SentMessage, Throttle,
};
use shared::ports::{Clock, EventSink, StoreError};

use crate::outcome_event::outcome_event;

use crate::{Origin, Sender, SenderPorts};

/// How long a send may wait in the function for a pacing permit before it
/// goes back to the queue instead.
const MAX_PERMIT_WAIT: Duration = Duration::from_secs(5);
/// Idempotency keys are kept at least this long, whatever the retention.
const MIN_LEDGER_DAYS: u32 = 7;

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
        };
        let keep_days = self.settings.retention.days.max(MIN_LEDGER_DAYS);
        let ledger_expiry = now + i64::from(keep_days) * 86_400;
        match self
            .ledger
            .claim(&key, now, self.settings.lease_secs, ledger_expiry)
            .await?
        {
            Claim::Acquired { .. } => {}
            Claim::Finished {
                outcome,
                effects_pending,
            } => {
                if let Outcome::Sent { wamid, sent_at } = &outcome {
                    // A crash between ledger and history leaves the history short; mend it.
                    self.record(cmd, &contact, &number, wamid, *sent_at).await?;
                }
                if effects_pending {
                    // The outcome was recorded but its event may not have gone out.
                    self.announce(cmd, &key, &number, &outcome).await?;
                }
                let state = outcome.state();
                tracing::info!(state, "idempotency key already used; not sending again");
                return Ok(Step::Done("duplicate"));
            }
            Claim::InFlight => {
                return Ok(Step::Retry {
                    seconds: u32::try_from(self.settings.lease_secs)
                        .unwrap_or(60)
                        .min(60),
                    why: "in_flight",
                })
            }
            Claim::Abandoned => {
                // The last attempt died during its call: Meta may have the
                // message. Sending again could send it twice.
                self.finish(
                    cmd,
                    &key,
                    &number,
                    Outcome::Failed {
                        reason: "outcome_unknown".into(),
                        error: None,
                    },
                )
                .await?;
                return Ok(Step::Done("failed"));
            }
        }
        let recipient = self.recipients.recipient(&contact, now).await?;
        let consent = self.consent_facts(cmd, &contact, now).await?;
        let ended = match precheck(cmd, recipient, consent, self.settings.consent, now) {
            Verdict::Send => None,
            Verdict::Expired => Some((Outcome::Expired, "expired")),
            Verdict::Suppressed(reason) => Some((
                Outcome::Suppressed {
                    reason: reason.into(),
                },
                "suppressed",
            )),
            Verdict::Rejected(reason) => Some((
                Outcome::Rejected {
                    reason: reason.into(),
                },
                "rejected",
            )),
        };
        if let Some((outcome, label)) = ended {
            self.finish(cmd, &key, &number, outcome).await?;
            return Ok(Step::Done(label));
        }
        if let Some(until) = self.throttle.paused_until(&number, now).await? {
            self.ledger.release(&key, "paused", now).await?;
            return Ok(Step::Retry {
                seconds: u32::try_from(until - now).unwrap_or(60),
                why: "paused",
            });
        }
        if !self.permit(&number).await? {
            self.ledger.release(&key, "pacing", now).await?;
            return Ok(Step::Retry {
                seconds: self.settings.retry.delay(
                    FailureClass::Throughput,
                    receive_count,
                    jitter(),
                ),
                why: "pacing",
            });
        }
        if overrides_restriction(cmd, recipient) == Some(true) {
            // Audited before the call: a send that happened is never missing
            // from the trail (each attempt is recorded).
            let ground = cmd.override_restriction.map(|o| o.as_str());
            tracing::warn!(ground, "sending to a restricted contact");
            self.audit
                .audit(
                    &contact,
                    OVERRIDE_ACTION,
                    ground,
                    &origin.principal(),
                    origin.message_id,
                    self.clock.now_ms(),
                )
                .await?;
        }
        let graph = graph_body(cmd, Some(contact_wa_id(&contact)));
        match self.graph.send(&number, &graph).await {
            Ok(accepted) => {
                let sent_at = self.clock.now_secs();
                let Some(wamid) = accepted.wamid else {
                    self.finish(
                        cmd,
                        &key,
                        &number,
                        Outcome::Failed {
                            reason: "no_message_id".into(),
                            error: None,
                        },
                    )
                    .await?;
                    return Ok(Step::Done("failed"));
                };
                self.finish(
                    cmd,
                    &key,
                    &number,
                    Outcome::Sent {
                        wamid: wamid.clone(),
                        sent_at,
                    },
                )
                .await?;
                self.record(cmd, &contact, &number, &wamid, sent_at).await?;
                if recipient.is_none() {
                    let expires_at = self.settings.retention.expires_at(sent_at);
                    self.ledger
                        .mark_for_sweep(&contact, expires_at, sent_at)
                        .await?;
                }
                Ok(Step::Done("sent"))
            }
            Err(error) => self.refused(cmd, &key, &number, error, receive_count).await,
        }
    }

    /// Waits (briefly) for a pacing permit shared with every instance.
    pub(crate) async fn permit(&self, number: &PhoneNumberId) -> Result<bool, StoreError> {
        let started = std::time::Instant::now();
        loop {
            let now_ms = self.clock.now_ms();
            if self
                .throttle
                .take(number, 1, self.settings.messages_per_second, now_ms)
                .await?
                == 1
            {
                return Ok(true);
            }
            if started.elapsed() > MAX_PERMIT_WAIT {
                return Ok(false);
            }
            // The next 100 ms slot, plus a little spread between waiters.
            let wait = 100 - now_ms.rem_euclid(100) + (jitter() * 10.0) as i64;
            tokio::time::sleep(Duration::from_millis(u64::try_from(wait).unwrap_or(100))).await;
        }
    }

    /// Records the outcome, then tells internal systems; the ledger's
    /// effects flag covers a failure in between.
    pub(crate) async fn finish(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        number: &PhoneNumberId,
        outcome: Outcome,
    ) -> Result<(), StoreError> {
        self.ledger
            .finish(key, &outcome, self.clock.now_secs())
            .await?;
        self.announce(cmd, key, number, &outcome).await
    }

    pub(crate) async fn announce(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        number: &PhoneNumberId,
        outcome: &Outcome,
    ) -> Result<(), StoreError> {
        self.publish(outcome_event(
            cmd,
            key,
            number,
            outcome,
            self.clock.now_secs(),
        ))
        .await?;
        self.ledger.effects_done(key).await
    }

    pub(crate) async fn publish(
        &self,
        event: shared::domain::events::Event,
    ) -> Result<(), StoreError> {
        self.events
            .publish(std::slice::from_ref(&event))
            .await
            .map_err(|e| StoreError {
                operation: "publish event",
                message: e.message,
                retry: e.retry,
            })
    }

    pub(crate) async fn record(
        &self,
        cmd: &OutboundCommand,
        contact: &ContactKey,
        number: &PhoneNumberId,
        wamid: &str,
        sent_at: i64,
    ) -> Result<(), StoreError> {
        let body = graph_body(cmd, Some(contact_wa_id(contact)));
        self.ledger
            .record_sent(SentMessage {
                contact,
                wamid,
                sent_at,
                phone_number_id: number,
                message_type: cmd.message.message_type(),
                category: cmd.category,
                body: &body,
                idempotency_key: &cmd.idempotency_key,
                links: &cmd.links,
                expires_at: self.settings.retention.expires_at(sent_at),
            })
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
