//! What gets stored, as the ports receive it.

use std::collections::BTreeSet;

use super::ids::{ContactKey, PhoneNumberId, WaId};
use super::inbound::{ConsentChange, DiagnosticKind, InboundMessage, StatusUpdate};
use super::queued::RequestMeta;

/// Where the update came from: the request-level webhook-log facts.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    pub waba_id: &'a str,
    pub phone_number_id: Option<&'a PhoneNumberId>,
    pub request: &'a RequestMeta,
    /// The queue record it came in ([`QueuedBatch::origin`]), stored with
    /// each fact: see [`WriteOutcome::Retried`].
    ///
    /// [`QueuedBatch::origin`]: super::queued::QueuedBatch::origin
    pub origin: &'a str,
}

#[derive(Debug, Clone, Copy)]
pub struct MessageRecord<'a> {
    pub message: &'a InboundMessage,
    pub from: Provenance<'a>,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct StatusRecord<'a> {
    pub status: &'a StatusUpdate,
    pub from: Provenance<'a>,
    pub expires_at: i64,
}

/// The latest facts about a contact learned from one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactTouch {
    pub contact: ContactKey,
    pub profile_name: Option<String>,
    pub username: Option<String>,
    pub phone_number_id: Option<PhoneNumberId>,
    /// Newest inbound message time (Unix seconds): opens the 24-hour window.
    pub last_inbound_at: Option<i64>,
    pub seen_at: i64,
    /// The batch's oldest inbound message from this contact: kept on a new
    /// contact as its first message (`first_wamid`), so that exactly one
    /// message counts as the first however far processing lags behind.
    pub first_wamid: Option<String>,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumberChange {
    pub old: ContactKey,
    pub new: WaId,
    pub at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct ConsentRecord<'a> {
    pub change: &'a ConsentChange,
    pub source: &'a str,
    /// The queue record it came in, as in [`Provenance::origin`].
    pub origin: &'a str,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct DiagnosticRecord<'a> {
    pub kind: DiagnosticKind,
    pub field: &'a str,
    /// Queue message number within the POST and position within it: they
    /// make the record's key stable, so a redelivery overwrites, not duplicates.
    pub part: usize,
    pub index: usize,
    pub raw: &'a str,
    pub from: Provenance<'a>,
    pub expires_at: i64,
}

/// What storing a fact found. The store is also the dedup: one conditional
/// write per fact, which records the queue record the fact came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Created,
    /// Already stored from this same queue record: SQS redelivered it,
    /// which it does after an attempt failed (and, rarely, on its own). The
    /// earlier attempt may have stopped before the fact's effects (events,
    /// automated replies) were out, so this attempt does them again. They
    /// are safe to repeat: an event keeps its `event_id` and a reply its
    /// idempotency key, and downstream drops the copy.
    Retried,
    /// Stored from another queue record: Meta delivered the webhook again.
    /// Its effects belong to that record.
    Duplicate,
}

impl WriteOutcome {
    /// Whether this attempt owes the fact's effects.
    pub fn needs_effects(self) -> bool {
        matches!(self, Self::Created | Self::Retried)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The message's current status moved forward.
    Advanced,
    /// Recorded with its timestamp, but a later status stays current.
    Recorded,
    /// Already recorded from this same queue record: see [`WriteOutcome::Retried`].
    Retried,
    Duplicate,
}

impl StatusOutcome {
    pub fn needs_effects(self) -> bool {
        !matches!(self, Self::Duplicate)
    }
}

pub use super::consent::ConsentState;

impl ConsentChange {
    /// Meta's `user_preferences` values; others (e.g. `signup`) are kept in
    /// the history without changing the state.
    pub fn state(&self) -> Option<ConsentState> {
        match self.value.as_str() {
            "stop" => Some(ConsentState::OptedOut),
            "resume" => Some(ConsentState::OptedIn),
            _ => None,
        }
    }
}

/// What automation needs to know about a contact (expired profiles count as
/// absent).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactState {
    pub exists: bool,
    pub first_seen_at: Option<i64>,
    /// The message that created the contact (absent on contacts stored
    /// before it was recorded, or created by a consent change).
    pub first_wamid: Option<String>,
    pub profile_name: Option<String>,
    pub tags: BTreeSet<String>,
    /// Processing restricted at the person's request: store, never automate.
    pub restricted: bool,
    pub handoff_until: Option<i64>,
    /// Automated replies paused after a flood of messages.
    pub paused_until: Option<i64>,
    pub consent: Option<ConsentState>,
    /// What the profile holds of Meta's facts, so that a message bringing
    /// nothing new leaves it unwritten (the processor's contact touch).
    pub username: Option<String>,
    pub phone_number_id: Option<String>,
    pub expires_at: Option<i64>,
}
