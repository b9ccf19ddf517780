//! One rule of the rules file: its shape (serde) and its compilation into
//! conditions and actions, with errors that name the rule and the problem.
//! `config` reads the file and calls [`rule`] for each entry.

use regex::Regex;
use serde::Deserialize;

use super::rules::{Action, Condition, Rule};
use super::text::normalize;
use crate::domain::events::EventKind;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RulesError {
    #[error("the rules file is not valid YAML or has an unknown field: {0}")]
    Syntax(String),
    #[error("rule `{rule}`: {problem}")]
    Rule { rule: String, problem: String },
    #[error("{section}: {problem}")]
    Section {
        section: &'static str,
        problem: String,
    },
}

pub(super) fn rule_error(rule: &str, problem: impl Into<String>) -> RulesError {
    RulesError::Rule {
        rule: rule.to_owned(),
        problem: problem.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleSpec {
    pub(super) id: String,
    #[serde(default)]
    when: WhenSpec,
    // Actions read as `- reply: {text: …}`, the YAML a business would write.
    #[serde(deserialize_with = "serde_norway::with::singleton_map_recursive::deserialize")]
    then: Vec<ActionSpec>,
    #[serde(default, rename = "continue")]
    continue_after: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct WhenSpec {
    keywords: Option<Vec<String>>,
    regex: Option<String>,
    interactive_id: Option<Vec<String>>,
    message_type: Option<Vec<String>>,
    first_message: Option<bool>,
    business_hours: Option<String>,
    tag: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum ActionSpec {
    Reply(ReplySpec),
    Handoff(Empty),
    Ticket(Empty),
    Tag(String),
    Emit(String),
    Silence(Empty),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplySpec {
    text: Option<String>,
    template: Option<TemplateSpec>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct TemplateSpec {
    name: String,
    language: String,
    #[serde(default)]
    components: Option<serde_json::Value>,
}

/// Compiled once, not once per `emit` action.
static EVENT_NAME: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$").expect("static regex")
});

const MESSAGE_TYPES: [&str; 17] = [
    "text",
    "image",
    "video",
    "document",
    "audio",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
    "order",
    "system",
    "unsupported",
    "edit",
    "revoke",
    "unknown",
];

pub(super) fn rule(spec: RuleSpec, has_hours: bool) -> Result<Rule, RulesError> {
    let id = spec.id.as_str();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(rule_error(id, "the id must be letters, digits, `-` or `_`"));
    }
    let w = spec.when;
    let mut conditions = Vec::new();
    if let Some(k) = w.keywords {
        let k: Vec<String> = k
            .iter()
            .map(|s| normalize(s))
            .filter(|s| !s.is_empty())
            .collect();
        if k.is_empty() {
            return Err(rule_error(id, "`keywords` needs at least one word"));
        }
        conditions.push(Condition::Keywords(k));
    }
    if let Some(r) = w.regex {
        let re =
            Regex::new(&r).map_err(|e| rule_error(id, format!("`regex` does not compile: {e}")))?;
        conditions.push(Condition::Regex(re));
    }
    if let Some(ids) = w.interactive_id {
        conditions.push(Condition::InteractiveId(ids));
    }
    if let Some(types) = w.message_type {
        if let Some(bad) = types.iter().find(|t| !MESSAGE_TYPES.contains(&t.as_str())) {
            return Err(rule_error(
                id,
                format!("`message_type` `{bad}` is not one of {MESSAGE_TYPES:?}"),
            ));
        }
        conditions.push(Condition::MessageType(types));
    }
    if let Some(first) = w.first_message {
        conditions.push(Condition::FirstMessage(first));
    }
    if let Some(h) = w.business_hours {
        let open = match h.as_str() {
            "open" => true,
            "closed" => false,
            other => {
                return Err(rule_error(
                    id,
                    format!("`business_hours` is `open` or `closed`, not `{other}`"),
                ))
            }
        };
        if !has_hours {
            return Err(rule_error(
                id,
                "uses `business_hours` but the file has no `business_hours` section",
            ));
        }
        conditions.push(Condition::BusinessHours(open));
    }
    if let Some(t) = w.tag {
        conditions.push(Condition::Tag(t));
    }
    if spec.then.is_empty() {
        return Err(rule_error(
            id,
            "`then` needs at least one action (use `silence: {}` to answer nothing)",
        ));
    }
    let actions = spec
        .then
        .into_iter()
        .map(|a| action(id, a))
        .collect::<Result<_, _>>()?;
    Ok(Rule {
        id: spec.id,
        conditions,
        actions,
        continue_after: spec.continue_after,
    })
}

fn action(id: &str, a: ActionSpec) -> Result<Action, RulesError> {
    Ok(match a {
        ActionSpec::Reply(ReplySpec {
            text: Some(t),
            template: None,
        }) => {
            if t.trim().is_empty() || t.chars().count() > 4096 {
                return Err(rule_error(
                    id,
                    "a reply's `text` must have 1 to 4096 characters",
                ));
            }
            Action::ReplyText(t)
        }
        ActionSpec::Reply(ReplySpec {
            text: None,
            template: Some(t),
        }) => {
            if t.name.is_empty() || t.language.is_empty() {
                return Err(rule_error(
                    id,
                    "a reply's `template` needs `name` and `language`",
                ));
            }
            Action::ReplyTemplate {
                name: t.name,
                language: t.language,
                components: t.components,
            }
        }
        ActionSpec::Reply(_) => {
            return Err(rule_error(
                id,
                "a reply has exactly one of `text` or `template`",
            ))
        }
        ActionSpec::Handoff(_) => Action::Handoff,
        ActionSpec::Ticket(_) => Action::Ticket,
        ActionSpec::Silence(_) => Action::Silence,
        ActionSpec::Tag(t) => {
            if t.is_empty() || t.len() > 64 {
                return Err(rule_error(id, "a tag has 1 to 64 characters"));
            }
            Action::Tag(t)
        }
        ActionSpec::Emit(name) => {
            if !EVENT_NAME.is_match(&name) {
                return Err(rule_error(
                    id,
                    format!("event name `{name}` must look like `order.status_requested`"),
                ));
            }
            if EventKind::built_in(&name).is_some() {
                return Err(rule_error(
                    id,
                    format!("`{name}` is a built-in event and cannot be emitted by a rule"),
                ));
            }
            Action::Emit(name)
        }
    })
}
