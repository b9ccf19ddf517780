//! The send gate, in the order docs/sending.md gives: the rules of
//! `precheck` (expiry, restriction), a template Meta would refuse (its
//! check in `templates.rs`), `precheck`'s consent and window, then Meta's pause of
//! the number and the pacing shared by every instance, at the number's own
//! rate (`pace.rs`). A send that
//! overrides a restriction is audited before the call.

use shared::domain::ids::{ContactKey, PhoneNumberId};
use shared::domain::outbound::{FailureClass, OutboundCommand};
use shared::domain::privacy::OVERRIDE_ACTION;
use shared::domain::sending::{overrides_restriction, precheck, Recipient, Verdict};
use shared::ports::contacts::Auditor;
use shared::ports::sending::{LedgerKey, Outcome, Throttle};
use shared::ports::{Clock, StoreError};

use crate::deliver::{jitter, Step};
use crate::templates::GateFacts;
use crate::{Origin, Sender, SenderPorts};

impl<P: SenderPorts> Sender<P> {
    /// How the command ends without a call to Meta, if it does: `None`
    /// when it may be sent. Reads only; the caller records the outcome
    /// under the key's claim.
    pub(crate) async fn assess(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        about: GateFacts<'_>,
        now: i64,
    ) -> Result<Option<(Outcome, &'static str)>, StoreError> {
        let GateFacts {
            recipient,
            template_refusal,
        } = about;
        let consent = self.consent_facts(cmd, &key.contact, now).await?;
        let verdict = precheck(cmd, recipient, consent, self.settings.consent, now);
        // Expiry and a restriction come first; then a template Meta would
        // refuse, before consent and the window (docs/sending.md).
        let first = matches!(
            verdict,
            Verdict::Expired | Verdict::Suppressed("restricted")
        );
        if let (false, Some(refusal)) = (first, template_refusal) {
            tracing::warn!(reason = %refusal.reason(), detail = %refusal.detail(), "template command rejected");
            let outcome = Outcome::Rejected {
                reason: refusal.reason(),
                detail: Some(refusal.detail()),
            };
            return Ok(Some((outcome, "rejected")));
        }
        Ok(match verdict {
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
                    detail: None,
                },
                "rejected",
            )),
        })
    }

    /// `Some(step)` when the number may not send now (paused after a spam
    /// refusal, or no pacing permit within the wait): back on the queue.
    /// Before the claim, so that a send waiting here holds no claim that a
    /// crash would leave to end `outcome_unknown`.
    pub(crate) async fn wait_turn(
        &self,
        number: &PhoneNumberId,
        receive_count: u32,
        now: i64,
    ) -> Result<Option<Step>, StoreError> {
        if let Some(until) = self.throttle.paused_until(number, now).await? {
            return Ok(Some(Step::Retry {
                seconds: u32::try_from(until - now).unwrap_or(60),
                why: "paused",
            }));
        }
        if !self.permit(number).await? {
            return Ok(Some(Step::Retry {
                seconds: self.settings.retry.delay(
                    FailureClass::Throughput,
                    receive_count,
                    jitter(),
                ),
                why: "pacing",
            }));
        }
        Ok(None)
    }

    /// Audited before the call: a send that happened is never missing from
    /// the trail (each attempt is recorded).
    pub(crate) async fn audit_override(
        &self,
        cmd: &OutboundCommand,
        contact: &ContactKey,
        recipient: Option<Recipient>,
        origin: &Origin<'_>,
    ) -> Result<(), StoreError> {
        if overrides_restriction(cmd, recipient) == Some(true) {
            // Audited before the call: a send that happened is never missing
            // from the trail (each attempt is recorded).
            let ground = cmd.override_restriction.map(|o| o.as_str());
            tracing::warn!(ground, "sending to a restricted contact");
            self.audit
                .audit(
                    contact,
                    OVERRIDE_ACTION,
                    ground,
                    &origin.principal(),
                    origin.message_id,
                    self.clock.now_ms(),
                )
                .await?;
        }
        Ok(())
    }
}
