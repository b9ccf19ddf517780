//! What really happened, read independently of the connector: the sends
//! and statuses the simulator reported, the ledger's outcomes, the events
//! per fact.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::table::{s, Item};

/// The sender's idempotency key of an automated reply
/// (`functions/processor/src/effects.rs`, `reply_key`), recomputed here
/// from the inbound wamid and the rule.
pub(super) fn reply_key(wamid: &str, what: &str) -> String {
    let digest = Sha256::digest(format!("{wamid}|{what}").as_bytes());
    format!("auto-{}", hex::encode(&digest[..16]))
}

pub(super) struct Truth {
    /// Accepted sends (wamids) per idempotency key, from the simulator.
    pub(super) sends: HashMap<String, Vec<String>>,
    /// Statuses per wamid, in the order Meta (the simulator) reported them.
    pub(super) statuses: HashMap<String, Vec<String>>,
}

pub(super) fn truth(webhooks: &[Value]) -> Truth {
    let mut sends: HashMap<String, Vec<String>> = HashMap::new();
    let mut statuses: HashMap<String, Vec<String>> = HashMap::new();
    for w in webhooks {
        for st in w["entry"][0]["changes"][0]["value"]["statuses"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let wamid = st["id"].as_str().unwrap_or_default().to_owned();
            let status = st["status"].as_str().unwrap_or_default().to_owned();
            let seen = statuses.entry(wamid.clone()).or_default();
            if seen.is_empty() {
                let key = st["biz_opaque_callback_data"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                sends.entry(key).or_default().push(wamid);
            }
            seen.push(status);
        }
    }
    Truth { sends, statuses }
}

/// Ledger outcome per idempotency key: `state` and `reason`, as the sender
/// reads it back: a claim still `sending` whose sent message is stored in
/// the same partition (with the key) is `sent` (docs/sending.md).
pub(super) fn ledger(items: &[Item]) -> HashMap<String, (String, String)> {
    let stored: HashSet<(&str, &str)> = items
        .iter()
        .filter(|i| s(i, "sk").is_some_and(|sk| sk.starts_with("M#")))
        .filter(|i| s(i, "direction") == Some("out"))
        .filter_map(|i| Some((s(i, "pk")?, s(i, "idempotency_key")?)))
        .collect();
    items
        .iter()
        .filter_map(|i| {
            let key = s(i, "sk")?.strip_prefix("OUT#")?;
            let mut state = s(i, "state").unwrap_or_default();
            if state == "sending" && stored.contains(&(s(i, "pk")?, key)) {
                state = "sent";
            }
            Some((
                key.to_owned(),
                (
                    state.to_owned(),
                    s(i, "reason").unwrap_or_default().to_owned(),
                ),
            ))
        })
        .collect()
}

/// Distinct `event_id`s per fact, for events of `kind`, the fact named by `fact`.
pub(super) fn events_per_fact(
    events: &[Value],
    kind: &str,
    fact: impl Fn(&Value) -> String,
) -> HashMap<String, HashSet<String>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for e in events.iter().filter(|e| e["type"] == kind) {
        out.entry(fact(&e["data"]))
            .or_default()
            .insert(e["event_id"].as_str().unwrap_or_default().to_owned());
    }
    out
}

/// Facts among `expected` with no event, and with more than one `event_id`.
pub(super) fn once_each<'a>(
    per_fact: &HashMap<String, HashSet<String>>,
    expected: impl Iterator<Item = &'a String>,
) -> (Vec<&'a String>, Vec<&'a String>) {
    let (mut missing, mut duplicated) = (Vec::new(), Vec::new());
    for f in expected {
        match per_fact.get(f).map_or(0, HashSet::len) {
            0 => missing.push(f),
            1 => {}
            _ => duplicated.push(f),
        }
    }
    (missing, duplicated)
}
