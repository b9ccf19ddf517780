//! Internal systems subscribed to the bus through the template's ready-made
//! subscriptions (issue #17): a CRM, a ticketing system and an order system,
//! each with its own queue. At the end each must hold every event of its
//! pattern that the events queue got (none missing, none of another's), so
//! a subscriber hears each fact as surely as the default consumer.

use std::collections::BTreeSet;

use serde_json::Value;

use super::report::Report;
use crate::World;

/// One subscriber: the template parameter that subscribes its queue, and
/// the event types its rule matches (as template.yaml's pattern does).
pub struct Subscriber {
    pub name: &'static str,
    pub url: String,
    matches: fn(&str) -> bool,
}

/// A subscriber's name, its template parameter, and its rule's types.
type Subscription = (&'static str, &'static str, fn(&str) -> bool);

const SUBSCRIPTIONS: [Subscription; 3] = [
    ("crm", "CrmQueueArn", |t| {
        t.starts_with("contact.") || t.starts_with("message.")
    }),
    ("ticketing", "TicketingQueueArn", |t| {
        t == "ticket.requested" || t.starts_with("conversation.handoff_")
    }),
    ("orders", "OrdersQueueArn", |t| t.starts_with("order.")),
];

/// Creates each subscriber's queue and deploys the stack again with the
/// three parameters set.
pub async fn subscribe(platform: &World) -> Vec<Subscriber> {
    let mut subscribers = Vec::new();
    let mut parameters = Vec::new();
    for (name, parameter, matches) in SUBSCRIPTIONS {
        let (url, arn) = platform.system_queue(&format!("sub-{name}")).await;
        parameters.push((parameter, arn));
        subscribers.push(Subscriber { name, url, matches });
    }
    let parameters: Vec<(&str, &str)> = parameters.iter().map(|(p, a)| (*p, a.as_str())).collect();
    platform.redeploy(&parameters).await;
    subscribers
}

/// Everything on each subscriber's queue, read and deleted as its consumer
/// would, throughout the run until `done()` holds and the queues are empty.
/// Read as it comes, not at the end: moto walks a queue's every message on
/// each message sent to it, so a queue left to fill (60,000 events in the
/// full run) made each bus delivery cost more than the last.
pub async fn take<'s, D: Fn() -> bool>(
    platform: &World,
    subscribers: &'s [Subscriber],
    done: D,
) -> Vec<(&'s Subscriber, Vec<Value>)> {
    let done = &done;
    futures_util::future::join_all(
        subscribers
            .iter()
            .map(|s| async move { (s, super::lambda::consume(platform, &s.url, done).await) }),
    )
    .await
}

fn ids<'a>(events: impl Iterator<Item = &'a Value>) -> BTreeSet<&'a str> {
    events.filter_map(|e| e["event_id"].as_str()).collect()
}

/// Per subscriber: its events, the ones its pattern matches on the events
/// queue it lacks (missing), and the ones it got that are not its own.
pub fn check(r: &mut Report, events_queue: &[Value], got: &[(&Subscriber, Vec<Value>)]) {
    for (sub, events) in got {
        let theirs = |e: &&Value| (sub.matches)(e["type"].as_str().unwrap_or_default());
        let expected = ids(events_queue.iter().filter(theirs));
        let received = ids(events.iter());
        let missing: Vec<String> = expected
            .difference(&received)
            .map(|s| (*s).to_owned())
            .collect();
        let foreign = events.iter().filter(|e| !theirs(e)).count()
            + received.difference(&ids(events_queue.iter())).count();
        r.figure(
            &format!("events for the {} subscriber", sub.name),
            events.len(),
            "",
        );
        r.target_with(
            &format!("{} subscriber: events missing", sub.name),
            missing.len(),
            missing.first(),
        );
        r.target(
            &format!("{} subscriber: events not its own", sub.name),
            foreign,
        );
    }
}
