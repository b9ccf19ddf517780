//! The rules file: its shape (serde) and its settings, opening hours and
//! validation; each rule's own shape and compilation are in `rule_spec`.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Time};
use serde::Deserialize;

use super::hours::{parse_day, parse_range, BusinessHours};
use super::rule_spec::{rule, rule_error, RuleSpec, RulesError};
use super::rules::{Automation, FloodLimit, Settings};
use super::text::normalize;

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
