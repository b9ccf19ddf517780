//! The outcome of a command: recorded in the ledger (a sent message: stored
//! in the contact's history, which is its outcome), then announced to
//! internal systems.

use shared::domain::events::Event;
use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::{graph_body, OutboundCommand};
use shared::ports::sending::{LedgerKey, OutboundLedger, Outcome, SentMessage};
use shared::ports::{Clock, EventSink, StoreError};

use crate::deliver::contact_wa_id;
use crate::outcome_event::outcome_event;
use crate::{Sender, SenderPorts};

impl<P: SenderPorts> Sender<P> {
    /// Records the outcome, then tells internal systems; the outcome keeps
    /// this attempt's queue record, whose redelivery covers a failure in
    /// between.
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
        .await
    }

    pub(crate) async fn publish(&self, event: Event) -> Result<(), StoreError> {
        self.events
            .publish(std::slice::from_ref(&event))
            .await
            .map_err(|e| StoreError {
                operation: "publish event",
                message: e.message,
                retry: e.retry,
            })
    }

    /// Stores the sent message: the send's outcome (one write; its claim
    /// stays `sending` and reads back as sent, `OutboundLedger`).
    pub(crate) async fn record(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        number: &PhoneNumberId,
        wamid: &str,
        sent_at: i64,
    ) -> Result<(), StoreError> {
        let contact = &key.contact;
        let body = graph_body(cmd, Some(contact_wa_id(contact)));
        self.ledger
            .record_sent(SentMessage {
                contact,
                origin: &key.record,
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
