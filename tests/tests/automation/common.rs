pub const CUSTOMER: &str = "16505551234";

/// Wed 2026-11-25 14:00 London (open) and 22:00 (closed).
pub const OPEN: i64 = 1_795_615_200;
pub const CLOSED: i64 = 1_795_644_000;

pub const RULES: &str = r#"
version: 1
settings:
  handoff_timeout_minutes: 60
  flood: {max_messages: 3, per_seconds: 3600, pause_minutes: 30}
  blocklist: ["+1 650 555 9999"]
business_hours:
  timezone: Europe/London
  weekly: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
rules:
  - id: hours
    when: {keywords: ["opening hours"]}
    then: [{reply: {text: "We open at nine."}}]
  - id: human
    when: {keywords: [agent]}
    then: [{handoff: {}}, {reply: {text: "A person will answer."}}]
  - id: photo
    when: {message_type: [image]}
    then: [{ticket: {}}, {tag: sent-photo}]
  - id: order
    when: {regex: "(?i)order\\s*#?\\d+"}
    then: [{emit: order.status_requested}]
  - id: closed
    when: {business_hours: closed}
    then: [{reply: {text: "We are closed."}}]
"#;

pub fn wamid(n: u32) -> String {
    format!("wamid.AUTO{n:06}")
}
