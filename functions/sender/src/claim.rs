//! The ledger's claim on an idempotency key: what a command finds when it
//! arrives (free, finished before, in flight elsewhere, or abandoned by a
//! dead attempt), so that each command is sent at most once.

use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::OutboundCommand;
use shared::ports::sending::{Claim, LedgerKey, OutboundLedger, Outcome};
use shared::ports::StoreError;

use crate::deliver::Step;
use crate::{Sender, SenderPorts};

/// Idempotency keys are kept at least this long, whatever the retention.
const MIN_LEDGER_DAYS: u32 = 7;

impl<P: SenderPorts> Sender<P> {
    /// Claims `key` for this attempt; `Some(step)` when the command must not
    /// be sent now (it was already, or another attempt holds it).
    pub(crate) async fn claim(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        number: &PhoneNumberId,
        now: i64,
    ) -> Result<Option<Step>, StoreError> {
        let keep_days = self.settings.retention.days.max(MIN_LEDGER_DAYS);
        let ledger_expiry = now + i64::from(keep_days) * 86_400;
        match self
            .ledger
            .claim(key, now, self.settings.lease_secs, ledger_expiry)
            .await?
        {
            Claim::Acquired { .. } => {}
            Claim::Finished {
                outcome,
                effects_pending,
            } => {
                if effects_pending {
                    // This record's last attempt recorded the outcome and may
                    // have died before the event (or, for a ledger entry
                    // written `sent` before issue #19, before the history):
                    // mend both (the history write is conditional, the
                    // event keeps its id).
                    if let Outcome::Sent { wamid, sent_at } = &outcome {
                        self.record(cmd, key, number, wamid, *sent_at).await?;
                    }
                    self.announce(cmd, key, number, &outcome).await?;
                }
                let state = outcome.state();
                tracing::info!(state, "idempotency key already used; not sending again");
                return Ok(Some(Step::Done("duplicate")));
            }
            Claim::InFlight => {
                return Ok(Some(Step::Retry {
                    seconds: u32::try_from(self.settings.lease_secs)
                        .unwrap_or(60)
                        .min(60),
                    why: "in_flight",
                }))
            }
            Claim::Abandoned => {
                // The last attempt died during its call: Meta may have the
                // message. Sending again could send it twice.
                self.finish(
                    cmd,
                    key,
                    number,
                    Outcome::Failed {
                        reason: "outcome_unknown".into(),
                        error: None,
                    },
                )
                .await?;
                return Ok(Some(Step::Done("failed")));
            }
        }
        Ok(None)
    }
}
