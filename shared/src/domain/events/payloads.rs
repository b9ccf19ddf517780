//! The `data` of each kind of event, as docs/contracts/events/ publishes it.
//! One struct per kind (or per pair of opposite kinds, where only the kind
//! differs), whoever emits it. Fields are only ever added, never renamed
//! or removed: consumers rely on them.

use serde::Serialize;

use super::{EventKind, EventPayload};
use crate::domain::outbound::BusinessLink;

/// Who made a change: a STOP/START keyword, Meta's `user_preferences`, a
/// call to the contacts API, or one of the business's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeSource {
    Keyword,
    UserPreferences,
    Api,
    Rule,
}

/// `message.received`: a customer's message was stored.
#[derive(Debug, Clone, Serialize)]
pub struct MessageReceived<'a> {
    pub wamid: &'a str,
    pub direction: &'a str,
    pub message_type: &'a str,
    pub timestamp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_name: Option<&'a str>,
    /// Only with `include_message_text`, and only when there is text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl EventPayload for MessageReceived<'_> {
    fn kind(&self) -> EventKind {
        EventKind::MessageReceived
    }
}

/// `message.status`: Meta reported a status of a message the business sent.
#[derive(Debug, Clone, Serialize)]
pub struct MessageStatus<'a> {
    pub wamid: &'a str,
    pub status: &'a str,
    pub timestamp: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<StatusError<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing: Option<StatusPricing<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusError<'a> {
    pub code: Option<i64>,
    pub title: Option<&'a str>,
    pub details: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusPricing<'a> {
    pub category: Option<&'a str>,
    #[serde(rename = "type")]
    pub pricing_type: Option<&'a str>,
    pub pricing_model: Option<&'a str>,
}

impl EventPayload for MessageStatus<'_> {
    fn kind(&self) -> EventKind {
        EventKind::MessageStatus
    }
}

/// What every outcome event of a readable command says about it.
#[derive(Debug, Clone, Serialize)]
pub struct CommandFacts<'a> {
    pub message_type: &'a str,
    /// The command's own category.
    pub category: &'a str,
    /// Meta's category of the template, when the template store knows it:
    /// the one consent followed (issue #16).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_category: Option<&'a str>,
    pub links: &'a [BusinessLink],
}

/// `message.sent`: Meta accepted a command.
#[derive(Debug, Clone, Serialize)]
pub struct MessageSent<'a> {
    pub idempotency_key: &'a str,
    #[serde(flatten)]
    pub command: CommandFacts<'a>,
    pub wamid: &'a str,
    pub sent_at: i64,
}

impl EventPayload for MessageSent<'_> {
    fn kind(&self) -> EventKind {
        EventKind::MessageSent
    }
}

/// `message.failed`: Meta refused a command for good, or its outcome is unknown.
#[derive(Debug, Clone, Serialize)]
pub struct MessageFailed<'a> {
    pub idempotency_key: &'a str,
    #[serde(flatten)]
    pub command: CommandFacts<'a>,
    pub reason: &'a str,
    /// Meta's answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FailureError<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailureError<'a> {
    pub code: Option<i64>,
    pub details: Option<&'a str>,
    pub http_status: u16,
}

impl EventPayload for MessageFailed<'_> {
    fn kind(&self) -> EventKind {
        EventKind::MessageFailed
    }
}

/// `message.rejected`: a command was not sent (invalid, expired, outside
/// the window…). A command too broken to read has no command facts, and its
/// idempotency key only when that much could be read (`null` otherwise).
#[derive(Debug, Clone, Serialize)]
pub struct MessageRejected<'a> {
    pub idempotency_key: Option<&'a str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandFacts<'a>>,
    pub reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<&'a str>,
}

impl EventPayload for MessageRejected<'_> {
    fn kind(&self) -> EventKind {
        EventKind::MessageRejected
    }
}

/// `message.suppressed`: the contact's consent or restriction stopped a command.
#[derive(Debug, Clone, Serialize)]
pub struct MessageSuppressed<'a> {
    pub idempotency_key: &'a str,
    #[serde(flatten)]
    pub command: CommandFacts<'a>,
    pub reason: &'a str,
}

impl EventPayload for MessageSuppressed<'_> {
    fn kind(&self) -> EventKind {
        EventKind::MessageSuppressed
    }
}

/// `contact.opted_in` / `contact.opted_out`: once per change.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentChanged<'a> {
    #[serde(skip)]
    pub opted_in: bool,
    pub source: ChangeSource,
    /// `marketing`, `utility` or `all`.
    pub category: &'a str,
}

impl EventPayload for ConsentChanged<'_> {
    fn kind(&self) -> EventKind {
        if self.opted_in {
            EventKind::ContactOptedIn
        } else {
            EventKind::ContactOptedOut
        }
    }
}

/// `contact.restricted` / `contact.restriction_lifted`: never the reason,
/// which may hold personal data.
#[derive(Debug, Clone, Serialize)]
pub struct RestrictionChanged {
    #[serde(skip)]
    pub restricted: bool,
    pub source: ChangeSource,
}

impl EventPayload for RestrictionChanged {
    fn kind(&self) -> EventKind {
        if self.restricted {
            EventKind::ContactRestricted
        } else {
            EventKind::ContactRestrictionLifted
        }
    }
}

/// `conversation.handoff_requested`, from a rule (`source: rule`, with the
/// message and rule) or from the contacts API (`source: api`).
#[derive(Debug, Clone, Serialize)]
pub struct HandoffRequested<'a> {
    pub source: ChangeSource,
    pub until: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wamid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'a str>,
}

impl EventPayload for HandoffRequested<'_> {
    fn kind(&self) -> EventKind {
        EventKind::HandoffRequested
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseReason {
    /// The hand-off's time ran out; a new message found it so.
    Timeout,
    /// An agent gave the conversation back through the contacts API.
    Api,
}

/// `conversation.handoff_released`: the bot answers again.
#[derive(Debug, Clone, Serialize)]
pub struct HandoffReleased {
    pub reason: ReleaseReason,
    /// Until when the hand-off ran (with `timeout`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff_until: Option<i64>,
}

impl EventPayload for HandoffReleased {
    fn kind(&self) -> EventKind {
        EventKind::HandoffReleased
    }
}

/// `ticket.requested`: a rule asks for a ticket, with the last messages.
#[derive(Debug, Clone, Serialize)]
pub struct TicketRequested<'a> {
    pub wamid: &'a str,
    pub rule: &'a str,
    pub profile_name: Option<&'a str>,
    pub excerpt: Vec<ExcerptMessage<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExcerptMessage<'a> {
    pub wamid: &'a str,
    pub direction: &'a str,
    pub message_type: &'a str,
    pub timestamp: i64,
    /// `null` unless the business lets message text leave the table.
    pub text: Option<&'a str>,
}

impl EventPayload for TicketRequested<'_> {
    fn kind(&self) -> EventKind {
        EventKind::TicketRequested
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AbuseReason {
    Flood,
}

/// `abuse.suspected`: a contact went over the flood limit; replies paused.
#[derive(Debug, Clone, Serialize)]
pub struct AbuseSuspected<'a> {
    pub reason: AbuseReason,
    pub messages: u32,
    pub window_seconds: u32,
    pub replies_paused_until: i64,
    /// The webhook request whose messages went over the limit.
    pub request_id: &'a str,
}

impl<'a> AbuseSuspected<'a> {
    pub fn flood(messages: u32, window_seconds: u32, until: i64, request_id: &'a str) -> Self {
        Self {
            reason: AbuseReason::Flood,
            messages,
            window_seconds,
            replies_paused_until: until,
            request_id,
        }
    }
}

impl EventPayload for AbuseSuspected<'_> {
    fn kind(&self) -> EventKind {
        EventKind::AbuseSuspected
    }
}

/// An event a rule emits by name, for the internal system that answers it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleEvent<'a> {
    #[serde(skip)]
    pub name: &'a str,
    pub wamid: &'a str,
    pub rule: &'a str,
    pub message_type: &'a str,
    /// With `include_message_text` (possibly empty: a message without text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl EventPayload for RuleEvent<'_> {
    fn kind(&self) -> EventKind {
        EventKind::Rule(self.name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_markers_are_for_the_kind_and_never_reach_the_wire() {
        let c = ConsentChanged {
            opted_in: true,
            source: ChangeSource::Keyword,
            category: "all",
        };
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({"source": "keyword", "category": "all"})
        );
    }
}

/// `integration.review_completed`: the scheduled review ran. Subjects are
/// WABA ids, phone_number_ids and resource names: no personal data, never
/// a secret (docs/review.md).
#[derive(Debug, Clone, Serialize)]
pub struct ReviewCompleted<'a> {
    pub ran_at: i64,
    pub ok: u64,
    pub warning: u64,
    pub critical: u64,
    pub findings: &'a [crate::domain::review::Finding],
}

impl EventPayload for ReviewCompleted<'_> {
    fn kind(&self) -> EventKind {
        EventKind::ReviewCompleted
    }
}
