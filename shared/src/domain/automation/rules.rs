//! What a rules file compiles to: the settings and the rules, each rule its
//! conditions and actions. `config` builds it from YAML, `engine` evaluates
//! it; both import it from here, so neither imports the other.

use std::collections::BTreeSet;

use regex::Regex;

use super::hours::BusinessHours;

#[derive(Debug, Clone)]
pub enum Condition {
    /// Any of these (normalized) words or phrases, as whole words.
    Keywords(Vec<String>),
    Regex(Regex),
    /// A button reply, list reply or template quick-reply payload id.
    InteractiveId(Vec<String>),
    MessageType(Vec<String>),
    FirstMessage(bool),
    /// `true`: only while open; `false`: only while closed.
    BusinessHours(bool),
    Tag(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    ReplyText(String),
    ReplyTemplate {
        name: String,
        language: String,
        components: Option<serde_json::Value>,
    },
    Handoff,
    Ticket,
    Tag(String),
    Emit(String),
    Silence,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
    pub continue_after: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloodLimit {
    pub max_messages: u32,
    pub per_seconds: u32,
    pub pause_minutes: u32,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub include_message_text: bool,
    pub handoff_timeout_secs: i64,
    pub ticket_excerpt_messages: u32,
    pub flood: FloodLimit,
    pub blocklist: BTreeSet<String>,
    pub stop_words: BTreeSet<String>,
    pub start_words: BTreeSet<String>,
    pub stop_reply: String,
    pub start_reply: String,
}

/// A validated, compiled rules file.
#[derive(Debug, Clone)]
pub struct Automation {
    pub settings: Settings,
    pub hours: Option<BusinessHours>,
    pub rules: Vec<Rule>,
}
