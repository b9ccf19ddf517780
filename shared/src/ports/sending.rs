//! Ports of the `sender` function.

use std::future::Future;

use serde_json::Value;

use super::StoreError;
use crate::domain::ids::{ContactKey, PhoneNumberId};
use crate::domain::outbound::{BusinessLink, Category, GraphError, IdempotencyKey};
use crate::domain::sending::Recipient;

/// The idempotency record of one command: `(recipient, key)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerKey {
    pub contact: ContactKey,
    pub key: IdempotencyKey,
    /// The queue record this attempt came in (its SQS message id), kept
    /// with the outcome: a redelivery of that record finds it and redoes the
    /// outcome's effects; a copy of the command in another record does not
    /// (the processor's `origin`, docs/data-model.md "Effects").
    pub record: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This attempt may call Meta.
    Acquired { attempt: u32 },
    /// Already finished: sending again would break "at most once".
    Finished {
        /// As the ledger entry records it ([`Outcome::from_ledger`]).
        outcome: Outcome,
        /// This attempt owes the outcome's effects (its event, the stored
        /// sent message): the outcome came from this same queue record, so
        /// the attempt that wrote it may have died before them.
        effects_pending: bool,
    },
    /// Another instance holds a live lease on it.
    InFlight,
    /// A previous attempt died mid-call: Meta may or may not have it.
    Abandoned,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRef {
    pub wamid: String,
    pub sent_at: i64,
}

/// How a command ended, as recorded in its ledger entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        wamid: String,
        sent_at: i64,
    },
    Failed {
        reason: String,
        error: Option<GraphError>,
    },
    Rejected {
        reason: String,
        /// What the reason concerns, in words (a template's component and
        /// what it expected); not kept in the ledger.
        detail: Option<String>,
    },
    Suppressed {
        reason: String,
    },
    Expired,
}

impl Outcome {
    /// The ledger entry's `state` (stored: items already written keep
    /// reading through [`Self::from_ledger`]).
    pub fn state(&self) -> &'static str {
        match self {
            Self::Sent { .. } => "sent",
            Self::Failed { .. } => "failed",
            Self::Rejected { .. } => "rejected",
            Self::Suppressed { .. } => "suppressed",
            Self::Expired => "expired",
        }
    }

    /// The reason recorded with the outcome, if it has one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Failed { reason, .. }
            | Self::Rejected { reason, .. }
            | Self::Suppressed { reason } => Some(reason),
            Self::Sent { .. } | Self::Expired => None,
        }
    }

    /// Reads a finished ledger entry back: its `state`, `reason` and sent
    /// message. Meta's error is not read back (an outcome announced again
    /// after a crash has no `error`). A `sent` without its message, or a
    /// state this version does not know, reads as failed with the reason
    /// recorded: the message may have gone, so it is never sent again.
    pub fn from_ledger(state: &str, reason: Option<&str>, sent: Option<SentRef>) -> Self {
        let reason = reason.unwrap_or_default().to_owned();
        match (state, sent) {
            ("sent", Some(s)) => Self::Sent {
                wamid: s.wamid,
                sent_at: s.sent_at,
            },
            ("suppressed", _) => Self::Suppressed { reason },
            ("expired", _) => Self::Expired,
            ("rejected", _) => Self::Rejected {
                reason,
                detail: None,
            },
            _ => Self::Failed {
                reason,
                error: None,
            },
        }
    }
}

/// The outbound message as stored for history and status joins.
#[derive(Debug, Clone)]
pub struct SentMessage<'a> {
    pub contact: &'a ContactKey,
    pub wamid: &'a str,
    pub sent_at: i64,
    pub phone_number_id: &'a PhoneNumberId,
    pub message_type: &'a str,
    pub category: Category,
    pub body: &'a Value,
    pub idempotency_key: &'a IdempotencyKey,
    pub links: &'a [BusinessLink],
    pub expires_at: i64,
    /// The queue record whose attempt sent it: the stored message is the
    /// send's outcome (no ledger write follows it), and a redelivery of the
    /// same record owes its event (as [`Claim::Finished`]'s `effects_pending`).
    pub origin: &'a str,
}

/// The ledger of sends: a claim before Meta's call, then the outcome. A
/// send Meta accepted is recorded once, as the stored message
/// ([`OutboundLedger::record_sent`], carrying its idempotency key and
/// origin); its claim stays `sending`, and [`OutboundLedger::claim`] reads a
/// held claim whose message is stored as [`Claim::Finished`] (issue #19:
/// claim and message, two writes per send). Every other outcome is written
/// on the claim ([`OutboundLedger::finish`]).
pub trait OutboundLedger: Send + Sync {
    fn claim(
        &self,
        key: &LedgerKey,
        now: i64,
        lease_secs: i64,
        expires_at: i64,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;
    fn finish(
        &self,
        key: &LedgerKey,
        outcome: &Outcome,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Gives the claim back after a refusal worth retrying.
    fn release(
        &self,
        key: &LedgerKey,
        reason: &str,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Registers a recipient without a profile with the retention sweep, so
    /// their outbound history is deleted on time too.
    fn mark_for_sweep(
        &self,
        contact: &ContactKey,
        expires_at: i64,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Writes the history record of a sent message (idempotent).
    fn record_sent(
        &self,
        message: SentMessage<'_>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

pub trait RecipientDirectory: Send + Sync {
    /// The recipient as the sender needs them; `None` if unknown or expired.
    /// `last_inbound_at` is read only `with_window` (a free-form message):
    /// it comes from the stored messages, a read a template does not need.
    fn recipient(
        &self,
        contact: &ContactKey,
        now: i64,
        with_window: bool,
    ) -> impl Future<Output = Result<Option<Recipient>, StoreError>> + Send;
}

/// Pacing shared by every sender instance.
pub trait Throttle: Send + Sync {
    /// Takes up to `wanted` send permits for the business number from the
    /// current 100 ms slot; returns how many were granted (maybe 0).
    fn take(
        &self,
        number: &PhoneNumberId,
        wanted: u32,
        per_second: u32,
        now_ms: i64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;
    /// Until when sends from this number are paused (spam-rate breaker).
    fn paused_until(
        &self,
        number: &PhoneNumberId,
        now: i64,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    fn pause(
        &self,
        number: &PhoneNumberId,
        until: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Absent for actions (mark as read), which Meta answers `{"success":true}`.
    pub wamid: Option<String>,
    pub wa_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GraphCallError {
    /// Meta answered with an error object (or a non-2xx without one).
    Api(GraphError),
    /// No usable answer: connection refused, reset, timed out.
    Network(String),
}

pub trait GraphApi: Send + Sync {
    fn send(
        &self,
        number: &PhoneNumberId,
        body: &Value,
    ) -> impl Future<Output = Result<Accepted, GraphCallError>> + Send;
}

/// Asks the queue to hand a message out again after `seconds`.
pub trait Redelivery: Send + Sync {
    fn retry_after(
        &self,
        receipt_handle: &str,
        seconds: u32,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_reads_back_from_the_strings_its_ledger_entry_keeps() {
        let sent = SentRef {
            wamid: "wamid.X".into(),
            sent_at: 7,
        };
        for outcome in [
            Outcome::Sent {
                wamid: "wamid.X".into(),
                sent_at: 7,
            },
            Outcome::Failed {
                reason: "meta_refused".into(),
                error: None,
            },
            Outcome::Rejected {
                reason: "outside_window".into(),
                detail: None,
            },
            Outcome::Suppressed {
                reason: "opted_out".into(),
            },
            Outcome::Expired,
        ] {
            let stored = matches!(outcome, Outcome::Sent { .. }).then(|| sent.clone());
            let read = Outcome::from_ledger(outcome.state(), outcome.reason(), stored);
            assert_eq!(read, outcome);
        }
        // The strings items already in the table hold.
        let states: Vec<_> = ["sent", "failed", "rejected", "suppressed", "expired"]
            .into_iter()
            .map(|s| Outcome::from_ledger(s, Some("r"), Some(sent.clone())).state())
            .collect();
        assert_eq!(
            states,
            ["sent", "failed", "rejected", "suppressed", "expired"]
        );
    }

    #[test]
    fn a_sent_entry_without_its_message_or_an_unknown_state_reads_as_failed() {
        for (state, sent) in [("sent", None), ("archived", None)] {
            assert_eq!(
                Outcome::from_ledger(state, Some("r"), sent),
                Outcome::Failed {
                    reason: "r".into(),
                    error: None
                }
            );
        }
    }
}
