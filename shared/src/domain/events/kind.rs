//! The kinds of event this version emits: the `type` of the JSON event and
//! the name of its schema file.

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKind {
    MessageReceived,
    MessageStatus,
    MessageSent,
    MessageRejected,
    MessageSuppressed,
    MessageFailed,
    ContactOptedOut,
    ContactOptedIn,
    ContactRestricted,
    ContactRestrictionLifted,
    HandoffRequested,
    HandoffReleased,
    TicketRequested,
    AbuseSuspected,
    MediaStored,
    MediaUnavailable,
    MediaFailed,
    /// The scheduled integration review finished (docs/review.md).
    ReviewCompleted,
    /// Account and number health (docs/account-health.md).
    AccountQualityChanged,
    AccountLimitChanged,
    AccountNameStatusChanged,
    AccountRestricted,
    AccountUpdated,
    AccountAlert,
    AccountReviewUpdated,
    AccountCapabilityChanged,
    AccountSecurityEvent,
    /// The name a rule's `emit` action gives (`order.status_requested`).
    /// The rules file may not use a built-in name (`automation::config`).
    Rule(String),
}

impl EventKind {
    /// Every kind but the rule-named ones.
    pub const BUILT_IN: [Self; 27] = [
        Self::MessageReceived,
        Self::MessageStatus,
        Self::MessageSent,
        Self::MessageRejected,
        Self::MessageSuppressed,
        Self::MessageFailed,
        Self::ContactOptedOut,
        Self::ContactOptedIn,
        Self::ContactRestricted,
        Self::ContactRestrictionLifted,
        Self::HandoffRequested,
        Self::HandoffReleased,
        Self::TicketRequested,
        Self::AbuseSuspected,
        Self::MediaStored,
        Self::MediaUnavailable,
        Self::MediaFailed,
        Self::ReviewCompleted,
        Self::AccountQualityChanged,
        Self::AccountLimitChanged,
        Self::AccountNameStatusChanged,
        Self::AccountRestricted,
        Self::AccountUpdated,
        Self::AccountAlert,
        Self::AccountReviewUpdated,
        Self::AccountCapabilityChanged,
        Self::AccountSecurityEvent,
    ];

    /// The event's `type`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::MessageReceived => "message.received",
            Self::MessageStatus => "message.status",
            Self::MessageSent => "message.sent",
            Self::MessageRejected => "message.rejected",
            Self::MessageSuppressed => "message.suppressed",
            Self::MessageFailed => "message.failed",
            Self::ContactOptedOut => "contact.opted_out",
            Self::ContactOptedIn => "contact.opted_in",
            Self::ContactRestricted => "contact.restricted",
            Self::ContactRestrictionLifted => "contact.restriction_lifted",
            Self::HandoffRequested => "conversation.handoff_requested",
            Self::HandoffReleased => "conversation.handoff_released",
            Self::TicketRequested => "ticket.requested",
            Self::AbuseSuspected => "abuse.suspected",
            Self::MediaStored => "media.stored",
            Self::MediaUnavailable => "media.unavailable",
            Self::MediaFailed => "media.failed",
            Self::ReviewCompleted => "integration.review_completed",
            Self::AccountQualityChanged => "account.quality_changed",
            Self::AccountLimitChanged => "account.limit_changed",
            Self::AccountNameStatusChanged => "account.name_status_changed",
            Self::AccountRestricted => "account.restricted",
            Self::AccountUpdated => "account.updated",
            Self::AccountAlert => "account.alert",
            Self::AccountReviewUpdated => "account.review_updated",
            Self::AccountCapabilityChanged => "account.capability_changed",
            Self::AccountSecurityEvent => "account.security_event",
            Self::Rule(name) => name,
        }
    }

    /// The built-in kind of that name, if it is one.
    pub fn built_in(name: &str) -> Option<Self> {
        Self::BUILT_IN.into_iter().find(|k| k.as_str() == name)
    }

    /// The metric dimension: rule names are the business's, unbounded, so
    /// they count together as `rule`.
    pub fn metric_label(&self) -> &str {
        match self {
            Self::Rule(_) => "rule",
            built_in => built_in.as_str(),
        }
    }

    /// Its schema in docs/contracts/events/: `<type>.schema.json`, and one
    /// schema for every rule-named event.
    pub fn schema_name(&self) -> &str {
        match self {
            Self::Rule(_) => "rule-event",
            built_in => built_in.as_str(),
        }
    }
}

impl Serialize for EventKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_name_reads_back_as_its_kind_and_no_other() {
        for kind in EventKind::BUILT_IN {
            assert_eq!(EventKind::built_in(kind.as_str()), Some(kind.clone()));
        }
        assert_eq!(EventKind::built_in("order.status_requested"), None);
        let names: std::collections::BTreeSet<&str> =
            EventKind::BUILT_IN.iter().map(EventKind::as_str).collect();
        assert_eq!(names.len(), EventKind::BUILT_IN.len());
    }

    #[test]
    fn rule_events_count_together_in_metrics() {
        let rule = EventKind::Rule("order.status_requested".into());
        assert_eq!(rule.as_str(), "order.status_requested");
        assert_eq!(rule.metric_label(), "rule");
        assert_eq!(EventKind::MessageSent.metric_label(), "message.sent");
    }
}
