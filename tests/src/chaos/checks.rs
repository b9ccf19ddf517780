//! The end-of-run accounting: the truth (what the generator sent and what
//! the simulator accepted and reported) against what the connector stored,
//! queued and emitted.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::load::{Expect, Load, Trigger};
use super::report::Report;
use super::truth::{events_per_fact, ledger, once_each, reply_key, truth};
use crate::table::{s, Item};

/// What the run observed, gathered before checking.
pub struct Observed {
    pub items: Vec<Item>,
    pub events: Vec<Value>,
    /// Status webhooks the simulator posted, in the order it posted them.
    pub status_webhooks: Vec<Value>,
    pub outbound_dlq: Vec<String>,
    pub inbound_dlq: usize,
    pub media_dlq: usize,
    /// The media bucket's objects.
    pub objects: Vec<super::media_checks::Object>,
}

/// The at-most-once design's visible misses, commands and automated
/// replies together, split by whether Meta had the message: an attempt
/// that ended (crash, timeout, lost write) after Meta's answer and before
/// storing the message (the outcome of a send), or after the claim and before Meta had it.
fn outcome_unknown_rows(
    r: &mut Report,
    unknown: &HashSet<&String>,
    sent_count: &dyn Fn(&str) -> usize,
) {
    let after_meta = unknown.iter().filter(|k| sent_count(k) > 0).count();
    r.figure(
        "sends ending `failed / outcome_unknown`: Meta had sent them",
        after_meta,
        "an attempt ended between Meta's answer and storing the message (its outcome); never sent again",
    );
    r.figure(
        "sends ending `failed / outcome_unknown`: Meta never had them",
        unknown.len() - after_meta,
        "an attempt ended between its claim and Meta's answer: a visible miss",
    );
}

pub fn check(load: &Load, seen: &Observed) -> Report {
    let mut r = Report::default();
    let truth = truth(&seen.status_webhooks);
    let ledger = ledger(&seen.items);
    let dlq_keys: HashSet<String> = seen
        .outbound_dlq
        .iter()
        .filter_map(|b| serde_json::from_str::<Value>(b).ok())
        .filter_map(|v| v["idempotency_key"].as_str().map(str::to_owned))
        .collect();
    let sent_count = |key: &str| truth.sends.get(key).map_or(0, Vec::len);
    let unknown: HashSet<&String> = ledger
        .iter()
        .filter(|(_, (st, reason))| st == "failed" && reason == "outcome_unknown")
        .map(|(key, _)| key)
        .collect();

    // Inbound messages: stored exactly once.
    let mut stored: HashMap<&str, usize> = HashMap::new();
    for i in &seen.items {
        if s(i, "type") == Some("message") && s(i, "direction") == Some("in") {
            *stored.entry(s(i, "wamid").unwrap_or_default()).or_default() += 1;
        }
    }
    let count_where = |f: &dyn Fn(usize) -> bool| {
        load.inbound
            .iter()
            .filter(|m| f(stored.get(m.wamid.as_str()).copied().unwrap_or(0)))
            .count()
    };
    r.figure("inbound messages sent by customers", load.inbound.len(), "");
    r.figure("inbound stored exactly once", count_where(&|c| c == 1), "");
    r.target("inbound lost", count_where(&|c| c == 0));
    r.target("inbound duplicated", count_where(&|c| c > 1));
    r.figure("inbound DLQ records", seen.inbound_dlq, "");

    // Automated replies: one per message (its rule), one greeting per customer.
    let mut reply_of: HashMap<String, (usize, &'static str)> = HashMap::new();
    for (n, m) in load.inbound.iter().enumerate() {
        for rule in [m.trigger.rule(), "greeting"] {
            for i in 0..8 {
                reply_of.insert(reply_key(&m.wamid, &format!("{rule}:{i}")), (n, rule));
            }
        }
    }
    let mut rule_sends = vec![0usize; load.inbound.len()];
    let mut rule_accounted = vec![false; load.inbound.len()];
    let mut greetings: HashMap<&str, usize> = HashMap::new();
    let mut greetings_accounted: HashSet<&str> = HashSet::new();
    let mut reply_outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for (key, (n, rule)) in &reply_of {
        let sends = sent_count(key);
        let outcome = match ledger.get(key) {
            _ if sends > 0 => None,
            _ if dlq_keys.contains(key) => Some("in outbound DLQ".to_owned()),
            Some((st, reason)) if !matches!(st.as_str(), "sent" | "sending" | "retry") => {
                Some(format!("{st} / {reason}"))
            }
            _ => None,
        };
        let accounted = outcome.is_some();
        if let Some(o) = outcome {
            *reply_outcomes.entry(o).or_default() += 1;
        }
        let from = load.inbound[*n].from.as_str();
        if *rule == "greeting" {
            *greetings.entry(from).or_default() += sends;
            if accounted {
                greetings_accounted.insert(from);
            }
        } else {
            rule_sends[*n] += sends;
            rule_accounted[*n] |= accounted;
        }
    }
    let unknown_auto = truth
        .sends
        .keys()
        .filter(|k| k.starts_with("auto-") && !reply_of.contains_key(*k))
        .count();
    r.figure(
        "auto-replies sent exactly once (one per message)",
        rule_sends.iter().filter(|&&c| c == 1).count(),
        "",
    );
    r.target(
        "auto-replies lost (not sent, not accounted for)",
        (0..rule_sends.len())
            .filter(|&n| rule_sends[n] == 0 && !rule_accounted[n])
            .count(),
    );
    r.figure(
        "auto-replies not sent, accounted for (failed / DLQ)",
        (0..rule_sends.len())
            .filter(|&n| rule_sends[n] == 0 && rule_accounted[n])
            .count(),
        "",
    );
    for (outcome, count) in &reply_outcomes {
        r.figure(
            &format!("auto-replies and greetings not sent: {outcome}"),
            *count,
            "",
        );
    }
    r.target(
        "auto-replies sent more than once",
        rule_sends.iter().filter(|&&c| c > 1).count(),
    );
    r.figure(
        "greetings sent exactly once (one per customer)",
        greetings.values().filter(|&&c| c == 1).count(),
        "",
    );
    r.target(
        "customers with no greeting (not accounted for)",
        load.customers
            .iter()
            .filter(|c| {
                greetings.get(c.as_str()).copied().unwrap_or(0) == 0
                    && !greetings_accounted.contains(c.as_str())
            })
            .count(),
    );
    r.target(
        "customers greeted more than once",
        greetings.values().filter(|&&c| c > 1).count(),
    );
    r.target("auto-replies sent that no message asked for", unknown_auto);

    // Outbound commands: at most once; each sent or accounted for.
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let (mut twice, mut unaccounted, mut invalid_sent, mut window) = (0, 0, 0, 0);
    for c in &load.commands {
        let sends = sent_count(&c.key);
        let recorded = ledger.get(&c.key);
        let outcome = match (sends, recorded) {
            (0, _) if dlq_keys.contains(&c.key) => "in outbound DLQ".to_owned(),
            (0, Some((st, reason))) if !matches!(st.as_str(), "sent" | "sending" | "retry") => {
                format!("{st} / {reason}")
            }
            (0, None) if c.expect == Expect::Reject => "rejected (event only)".to_owned(),
            (0, _) => {
                unaccounted += 1;
                continue;
            }
            (1, Some((st, _))) if st == "sent" => "sent".to_owned(),
            (1, other) => {
                window += 1;
                format!(
                    "sent, ledger says {}",
                    other.map_or("nothing", |(st, _)| st.as_str())
                )
            }
            _ => {
                twice += 1;
                continue;
            }
        };
        if sends > 0 && c.expect == Expect::Reject {
            invalid_sent += 1;
        }
        *outcomes.entry(outcome).or_default() += 1;
    }
    r.figure("outbound commands (distinct keys)", load.commands.len(), "");
    r.figure(
        "outbound commands put on the queue (10 % twice)",
        load.enqueued.len(),
        "",
    );
    for (outcome, count) in &outcomes {
        r.figure(&format!("commands: {outcome}"), *count, "");
    }
    r.target("commands sent more than once", twice);
    r.target("commands unaccounted for", unaccounted);
    r.target("invalid commands sent", invalid_sent);
    r.figure(
        "commands sent whose ledger does not say sent",
        window,
        "the at-most-once window (docs/sending.md): Meta accepted, the outcome write was lost",
    );
    r.figure("outbound DLQ records", seen.outbound_dlq.len(), "");
    outcome_unknown_rows(&mut r, &unknown, &sent_count);

    // Statuses: the stored status is the latest true one.
    let stored_status: HashMap<&str, &str> = seen
        .items
        .iter()
        .filter(|i| s(i, "type") == Some("status"))
        .filter_map(|i| Some((s(i, "wamid")?, s(i, "status")?)))
        .collect();
    let (mut right, mut wrong, mut missing) = (0, 0, 0);
    for (wamid, list) in &truth.statuses {
        match stored_status.get(wamid.as_str()) {
            Some(st) if Some(*st) == list.last().map(String::as_str) => right += 1,
            Some(_) => wrong += 1,
            None => missing += 1,
        }
    }
    r.figure(
        "status webhooks from Meta (simulator)",
        seen.status_webhooks.len(),
        "",
    );
    r.figure("final status = latest true status", right, "");
    r.target("final status wrong", wrong);
    r.target("status never stored", missing);

    // Events: once per fact (distinct event_ids per fact).
    let copies = seen.events.len();
    let ids: HashSet<&str> = seen
        .events
        .iter()
        .filter_map(|e| e["event_id"].as_str())
        .collect();
    r.figure("events on the queue", copies, "");
    r.figure(
        "event copies repeating an event_id",
        copies - ids.len(),
        "same fact, same event_id: consumers drop them (contract, docs/contracts/events)",
    );
    let wamid = |d: &Value| d["wamid"].as_str().unwrap_or_default().to_owned();
    let received = events_per_fact(&seen.events, "message.received", wamid);
    let wamids: Vec<String> = load.inbound.iter().map(|m| m.wamid.clone()).collect();
    r.once_each_rows(
        "message.received",
        "message",
        once_each(&received, wamids.iter()),
    );
    let statuses = events_per_fact(&seen.events, "message.status", |d| {
        format!("{}|{}", wamid(d), d["status"].as_str().unwrap_or_default())
    });
    let status_facts: HashSet<String> = truth
        .statuses
        .iter()
        .flat_map(|(w, l)| l.iter().map(move |st| format!("{w}|{st}")))
        .collect();
    r.once_each_rows(
        "message.status",
        "status",
        once_each(&statuses, status_facts.iter()),
    );
    let key = |d: &Value| d["idempotency_key"].as_str().unwrap_or_default().to_owned();
    // A send Meta accepted whose attempt ended before storing its message (the outcome) is
    // closed `outcome_unknown` (the connector cannot know Meta had it): its
    // one outcome event is `message.failed`, not `message.sent`.
    let sent = events_per_fact(&seen.events, "message.sent", key);
    r.once_each_rows(
        "message.sent",
        "key",
        once_each(&sent, truth.sends.keys().filter(|k| !unknown.contains(k))),
    );
    let failed = events_per_fact(&seen.events, "message.failed", key);
    r.once_each_rows(
        "message.failed (outcome_unknown)",
        "key",
        once_each(&failed, unknown.iter().copied()),
    );
    let rejected = events_per_fact(&seen.events, "message.rejected", key);
    let invalid: Vec<String> = load
        .commands
        .iter()
        .filter(|c| c.expect == Expect::Reject)
        .map(|c| c.key.clone())
        .collect();
    r.once_each_rows(
        "message.rejected",
        "key",
        once_each(&rejected, invalid.iter()),
    );
    for (kind, trigger) in [
        ("order.status_requested", Trigger::OrderStatus),
        ("ticket.requested", Trigger::Photo),
    ] {
        let per = events_per_fact(&seen.events, kind, wamid);
        let expected: Vec<String> = load
            .inbound
            .iter()
            .filter(|m| m.trigger == trigger)
            .map(|m| m.wamid.clone())
            .collect();
        r.once_each_rows(kind, "message", once_each(&per, expected.iter()));
    }
    super::media_checks::check(
        &mut r,
        load,
        &seen.items,
        &seen.objects,
        &seen.events,
        seen.media_dlq,
    );
    r
}
