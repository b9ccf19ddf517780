//! The rules file: its shape (serde), and validation that names the rule
//! and the problem, so a business sees what to fix before deploying.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Time};
use regex::Regex;
use serde::Deserialize;

use super::hours::{parse_day, parse_range, BusinessHours};
use super::rules::{Action, Automation, Condition, FloodLimit, Rule, Settings};
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

fn rule_error(rule: &str, problem: impl Into<String>) -> RulesError {
    RulesError::Rule {
        rule: rule.to_owned(),
        problem: problem.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    settings: SettingsSpec,
    #[serde(default)]
    business_hours: Option<HoursSpec>,
    #[serde(default)]
    rules: Vec<RuleSpec>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct SettingsSpec {
    include_message_text: bool,
    handoff_timeout_minutes: Option<u32>,
    ticket_excerpt_messages: Option<u32>,
    flood: Option<FloodSpec>,
    blocklist: Vec<String>,
    opt_out: Option<OptOutSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FloodSpec {
    max_messages: u32,
    per_seconds: u32,
    pause_minutes: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptOutSpec {
    #[serde(default)]
    stop_words: Vec<String>,
    #[serde(default)]
    start_words: Vec<String>,
    stop_reply: Option<String>,
    start_reply: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursSpec {
    timezone: String,
    weekly: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    holidays: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
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

const DEFAULT_STOP: [&str; 6] = ["stop", "unsubscribe", "cancel", "end", "quit", "stopall"];
const DEFAULT_START: [&str; 3] = ["start", "unstop", "subscribe"];

/// The settings of an empty rules file: the default stop and start words
/// and replies, which the processor honours even with automation off.
pub fn default_settings() -> &'static Settings {
    static DEFAULTS: std::sync::LazyLock<Settings> = std::sync::LazyLock::new(|| {
        settings(SettingsSpec::default()).expect("the defaults are valid")
    });
    &DEFAULTS
}

/// Parses and validates a rules file.
pub fn load(yaml: &str) -> Result<Automation, RulesError> {
    let file: File = serde_norway::from_str(yaml).map_err(|e| RulesError::Syntax(e.to_string()))?;
    if file.version != 1 {
        return Err(RulesError::Section {
            section: "version",
            problem: format!(
                "{} is not supported (this connector reads version 1)",
                file.version
            ),
        });
    }
    let settings = settings(file.settings)?;
    let hours = file.business_hours.map(hours).transpose()?;
    let mut seen = BTreeSet::new();
    let mut rules = Vec::new();
    for spec in file.rules {
        if !seen.insert(spec.id.clone()) {
            return Err(rule_error(&spec.id, "the id is used by an earlier rule"));
        }
        rules.push(rule(spec, hours.is_some())?);
    }
    Ok(Automation {
        settings,
        hours,
        rules,
    })
}

fn settings(s: SettingsSpec) -> Result<Settings, RulesError> {
    let flood = s.flood.map_or(
        FloodLimit {
            max_messages: 30,
            per_seconds: 60,
            pause_minutes: 30,
        },
        |f| FloodLimit {
            max_messages: f.max_messages,
            per_seconds: f.per_seconds,
            pause_minutes: f.pause_minutes,
        },
    );
    if flood.max_messages == 0 || flood.per_seconds == 0 {
        return Err(RulesError::Section {
            section: "settings.flood",
            problem: "max_messages and per_seconds must be at least 1".into(),
        });
    }
    let words = |extra: &[String], defaults: &[&str]| -> BTreeSet<String> {
        defaults
            .iter()
            .map(|w| normalize(w))
            .chain(extra.iter().map(|w| normalize(w)))
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (stop_extra, start_extra, stop_reply, start_reply) = match s.opt_out {
        Some(o) => (o.stop_words, o.start_words, o.stop_reply, o.start_reply),
        None => (Vec::new(), Vec::new(), None, None),
    };
    let blocklist = s
        .blocklist
        .iter()
        .map(|n| n.chars().filter(char::is_ascii_digit).collect::<String>())
        .collect::<BTreeSet<_>>();
    if blocklist.iter().any(String::is_empty) {
        return Err(RulesError::Section {
            section: "settings.blocklist",
            problem: "every entry must be a phone number".into(),
        });
    }
    Ok(Settings {
        include_message_text: s.include_message_text,
        handoff_timeout_secs: i64::from(s.handoff_timeout_minutes.unwrap_or(240)) * 60,
        ticket_excerpt_messages: s.ticket_excerpt_messages.unwrap_or(5).min(20),
        flood,
        blocklist,
        stop_words: words(&stop_extra, &DEFAULT_STOP),
        start_words: words(&start_extra, &DEFAULT_START),
        stop_reply: stop_reply.unwrap_or_else(|| {
            "You have been unsubscribed and will receive no more marketing or notification messages. Reply START to subscribe again.".into()
        }),
        start_reply: start_reply.unwrap_or_else(|| "You are subscribed again. Reply STOP to unsubscribe.".into()),
    })
}

fn hours(h: HoursSpec) -> Result<BusinessHours, RulesError> {
    let err = |problem: String| RulesError::Section {
        section: "business_hours",
        problem,
    };
    let tz = jiff::tz::TimeZone::get(&h.timezone)
        .map_err(|_| err(format!("unknown time zone `{}`", h.timezone)))?;
    let mut weekly: [Vec<(Time, Time)>; 7] = Default::default();
    for (day, ranges) in h.weekly {
        let d = parse_day(&day).ok_or_else(|| err(format!("`{day}` is not a day (mon … sun)")))?;
        for r in ranges {
            weekly[d].push(
                parse_range(&r)
                    .ok_or_else(|| err(format!("`{r}` is not a range like 09:00-18:00")))?,
            );
        }
    }
    let holidays = h
        .holidays
        .iter()
        .map(|d| {
            d.parse::<Date>()
                .map_err(|_| err(format!("holiday `{d}` is not a date like 2026-12-25")))
        })
        .collect::<Result<_, _>>()?;
    Ok(BusinessHours::new(tz, weekly, holidays))
}

fn rule(spec: RuleSpec, has_hours: bool) -> Result<Rule, RulesError> {
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
