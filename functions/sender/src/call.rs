//! The call to Meta's Graph API and what its answer means: sent (the
//! message stored in the contact's history, which the ledger reads as the
//! outcome), or refused (see refusal.rs).

use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::{graph_body, OutboundCommand};
use shared::ports::sending::{GraphApi, LedgerKey, OutboundLedger, Outcome};
use shared::ports::{Clock, StoreError};

use crate::deliver::{contact_wa_id, Step};
use crate::{Sender, SenderPorts};

impl<P: SenderPorts> Sender<P> {
    /// `known_recipient`: the contact has a profile. A send to someone with
    /// none leaves a history the retention sweep must find.
    pub(crate) async fn call(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        number: &PhoneNumberId,
        known_recipient: bool,
        receive_count: u32,
    ) -> Result<Step, StoreError> {
        let graph = graph_body(cmd, Some(contact_wa_id(&key.contact)));
        match self.graph.send(number, &graph).await {
            Ok(accepted) => {
                let sent_at = self.clock.now_secs();
                let Some(wamid) = accepted.wamid else {
                    self.finish(
                        cmd,
                        key,
                        number,
                        Outcome::Failed {
                            reason: "no_message_id".into(),
                            error: None,
                        },
                    )
                    .await?;
                    return Ok(Step::Done("failed"));
                };
                // The stored message is the outcome: no ledger write (issue
                // #19). A redelivery of this record finds it and announces.
                self.record(cmd, key, number, &wamid, sent_at).await?;
                if !known_recipient && !self.sweep_marks.marked(&key.contact, sent_at) {
                    let expires_at = self.settings.retention.expires_at(sent_at);
                    self.ledger
                        .mark_for_sweep(&key.contact, expires_at, sent_at)
                        .await?;
                    self.sweep_marks.remember(&key.contact, sent_at);
                }
                let sent = Outcome::Sent { wamid, sent_at };
                self.announce(cmd, key, number, &sent).await?;
                Ok(Step::Done("sent"))
            }
            Err(error) => self.refused(cmd, key, number, error, receive_count).await,
        }
    }
}
