//! Evaluating rules against one inbound message. Pure: the processor reads
//! the contact's state, asks for a plan, then carries it out.

use std::collections::BTreeSet;

use super::rules::{Action, Automation, Condition, Settings};
use super::text::{contains_words, normalize};
use crate::domain::inbound::{InboundMessage, InteractiveReply, MessageContent};

/// What the engine needs to know besides the message.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub message: &'a InboundMessage,
    pub is_new_contact: bool,
    pub tags: &'a BTreeSet<String>,
    pub now: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// `(rule id, action)` in order, so replies get stable idempotency keys.
    pub actions: Vec<(String, Action)>,
}

impl Automation {
    pub fn plan(&self, incoming: &Incoming<'_>) -> Plan {
        let text = searchable_text(&incoming.message.content);
        let normalized = normalize(&text);
        let mut plan = Plan::default();
        for rule in &self.rules {
            if rule
                .conditions
                .iter()
                .all(|c| self.holds(c, incoming, &text, &normalized))
            {
                plan.actions
                    .extend(rule.actions.iter().map(|a| (rule.id.clone(), a.clone())));
                if !rule.continue_after {
                    break;
                }
            }
        }
        plan
    }

    fn holds(&self, c: &Condition, i: &Incoming<'_>, text: &str, normalized: &str) -> bool {
        match c {
            Condition::Keywords(words) => words.iter().any(|w| contains_words(normalized, w)),
            Condition::Regex(re) => !text.is_empty() && re.is_match(text),
            Condition::InteractiveId(ids) => {
                interactive_id(&i.message.content).is_some_and(|id| ids.iter().any(|x| x == id))
            }
            Condition::MessageType(types) => types.contains(&i.message.message_type),
            Condition::FirstMessage(first) => i.is_new_contact == *first,
            Condition::BusinessHours(open) => self
                .hours
                .as_ref()
                .is_some_and(|h| h.is_open(i.now) == *open),
            Condition::Tag(t) => i.tags.contains(t),
        }
    }
}

/// The words a customer typed or tapped, for keyword and regex conditions.
pub fn searchable_text(content: &MessageContent) -> String {
    match content {
        MessageContent::Text { body } => body.clone(),
        MessageContent::Button { text, payload } => {
            text.clone().or_else(|| payload.clone()).unwrap_or_default()
        }
        MessageContent::Interactive(
            InteractiveReply::Button { title, .. } | InteractiveReply::List { title, .. },
        ) => title.clone(),
        MessageContent::Media { media, .. } => media.caption.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

fn interactive_id(content: &MessageContent) -> Option<&str> {
    match content {
        MessageContent::Interactive(
            InteractiveReply::Button { id, .. } | InteractiveReply::List { id, .. },
        ) => Some(id),
        MessageContent::Button { payload, .. } => payload.as_deref(),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptIntent {
    Stop,
    Start,
}

/// STOP/START and their configured equivalents, as the whole message (so
/// "don't stop the delivery" is not an opt-out).
pub fn opt_out_intent(settings: &Settings, content: &MessageContent) -> Option<OptIntent> {
    let MessageContent::Text { body } = content else {
        return None;
    };
    let word = normalize(body);
    if settings.stop_words.contains(&word) {
        Some(OptIntent::Stop)
    } else if settings.start_words.contains(&word) {
        Some(OptIntent::Start)
    } else {
        None
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
