//! The message scenarios: `inbound_plain` / `inbound_rules` (text messages
//! through the webhook and the processor), `send` (template commands
//! through the sender), `send_rules` (the shipped rules' automated replies
//! through the sender) and `status` (the statuses of what was sent).

use graph_simulator::RunningSimulator;
use integration_tests::{s, text_webhook, World, PHONE_NUMBER_ID};
use serde_json::{json, Value};

use crate::harness::{
    announce, process_inbound, send_outbound, wa_id, Args, Counted, ShiftedClock, OPEN_HOURS_NOW,
};
use crate::usage::Usage;

/// The template default (`MessagesPerSecond`).
const MESSAGES_PER_SECOND: u32 = 80;
/// What customers write, in turn: a question the FAQ answers, an order
/// lookup, and two that no rule matches.
const TEXTS: [&str; 4] = [
    "Hi! Do you still have the large golf umbrella in navy?",
    "What are your opening hours on Saturday?",
    "Where is my order #10452? It was due yesterday.",
    "Thanks, that's great.",
];

/// Meta's timestamp of the first customer message: a minute before
/// `OPEN_HOURS_NOW`, one more second for each message after it.
const FIRST_TS: i64 = OPEN_HOURS_NOW - 60;

/// The customers' texts, one per webhook POST through `world`'s webhook,
/// each measured on `usage`: message `i` from customer `i mod contacts`.
async fn post_texts(a: &Args, scenario: &str, world: &World, usage: &Usage) {
    let webhook = world.webhook();
    for i in 0..a.messages {
        let body = text_webhook(
            &wa_id(i % a.contacts),
            &format!("wamid.cost{scenario}{i:06}"),
            TEXTS[(i / a.contacts) % TEXTS.len()],
            FIRST_TS + i as i64,
        );
        let answer = usage.measure(world.post_signed(&webhook, &body)).await;
        assert_eq!(answer.status(), 200, "webhook POST {i}");
    }
}

pub async fn inbound(a: &Args, scenario: &str, rules: Option<&str>) -> Value {
    let world = World::new().await;
    announce(scenario);
    let counted = Counted::new(&world, scenario).await;
    let processor = counted
        .processor
        .processor_with(rules, rules.map(|_| OPEN_HOURS_NOW));
    let (wh, pr) = (Usage::default(), Usage::default());
    post_texts(a, scenario, &counted.webhook, &wh).await;
    let drain = process_inbound(&counted, &pr, &processor).await;
    assert_eq!((drain.delivered, drain.failed), (a.messages, 0));
    let stored = world.items_of_type("message").await.len();
    assert_eq!(stored, a.messages, "every message stored once");
    json!({"scenario": scenario, "unit": "inbound message", "count": a.messages,
           "contacts": a.contacts, "batch_size": 10,
           "functions": {"webhook": wh.to_json(), "processor": pr.to_json()}})
}

/// The sender's cost per automated reply: the `inbound_rules` conversation
/// is played first, uncounted (straight to moto), so the customers'
/// messages are stored and the shipped rules' replies wait on the outbound
/// queue as the processor put them there; then the counted sender drains
/// that queue, a minute after the last message (inside the 24-hour window,
/// which it reads from the stored messages).
pub async fn send_rules(a: &Args, sim: &RunningSimulator) -> Value {
    let scenario = "send_rules";
    let world = World::new().await;
    post_texts(a, scenario, &world, &Usage::default()).await;
    let processor =
        world.processor_with(Some(processor::config::BUNDLED_RULES), Some(OPEN_HOURS_NOW));
    let drain = world.drain(&processor).await;
    assert_eq!((drain.delivered, drain.failed), (a.messages, 0));
    let replies = world.queue_depth(&world.outbound_url).await;
    assert!(replies > 0, "the shipped rules answer some of the texts");

    announce(scenario);
    let counted = Counted::new(&world, scenario).await;
    let clock = ShiftedClock::starting_at(FIRST_TS + a.messages as i64 + 60);
    let sender = counted.sender.sender_on(sim, MESSAGES_PER_SECOND, clock);
    let graph_before = sim.requests().len();
    let se = Usage::default();
    let drain = send_outbound(&counted, &se, &sender).await;
    assert_eq!((drain.delivered, drain.failed), (replies, 0));
    let graph_calls = sim.requests().len() - graph_before;
    let sent = world
        .items_of_type("message")
        .await
        .iter()
        .filter(|i| s(i, "direction") == Some("out") && s(i, "wamid").is_some())
        .count();
    assert_eq!(sent, replies, "every automated reply sent and stored");
    json!({"scenario": scenario, "unit": "automated reply", "count": replies,
        "inbound_messages": a.messages, "contacts": a.contacts, "batch_size": 10,
        "graph_calls": graph_calls, "messages_per_second": MESSAGES_PER_SECOND,
        "functions": {"sender": se.to_json()}})
}

/// Sends, then the statuses of what was sent: two scenarios on one stack.
pub async fn send_and_status(a: &Args, sim: &RunningSimulator) -> (Value, Value) {
    let world = World::new().await;
    let counted = Counted::new(&world, "send").await;
    let sender = counted.sender.sender(sim, MESSAGES_PER_SECOND);
    announce("send");
    for i in 0..a.messages {
        let command = json!({
            "idempotency_key": format!("order-{i:06}-shipped"),
            "to": wa_id(i % a.contacts),
            "category": "utility",
            "message": {"type": "template", "template": {"name": "order_shipped", "language": {"code": "en_US"}}}
        });
        world.enqueue_command(&command.to_string()).await;
    }
    let se = Usage::default();
    let drain = send_outbound(&counted, &se, &sender).await;
    assert_eq!((drain.delivered, drain.failed), (a.messages, 0));
    let graph_calls = sim.requests().len();
    let sent: Vec<(String, String)> = world
        .items_of_type("message")
        .await
        .iter()
        .filter(|i| s(i, "direction") == Some("out"))
        .map(|i| {
            (
                s(i, "wamid").expect("wamid").to_owned(),
                s(i, "pk").expect("pk").trim_start_matches("C#").to_owned(),
            )
        })
        .collect();
    assert_eq!(sent.len(), a.messages, "every send stored");
    let send = json!({"scenario": "send", "unit": "outbound send", "count": a.messages,
        "contacts": a.contacts, "batch_size": 10, "graph_calls": graph_calls,
        "messages_per_second": MESSAGES_PER_SECOND, "functions": {"sender": se.to_json()}});

    let counted = Counted::new(&world, "status").await;
    announce("status");
    let webhook = counted.webhook.webhook();
    let processor = counted
        .processor
        .processor_with(Some(processor::config::BUNDLED_RULES), None);
    let wh = Usage::default();
    let mut posts = 0;
    for (step, status) in ["sent", "delivered", "read"].iter().enumerate() {
        for (wamid, to) in &sent {
            let body = status_webhook(wamid, to, status, OPEN_HOURS_NOW + step as i64);
            let answer = wh
                .measure(counted.webhook.post_signed(&webhook, &body))
                .await;
            assert_eq!(answer.status(), 200);
            posts += 1;
        }
    }
    let pr = Usage::default();
    let drain = process_inbound(&counted, &pr, &processor).await;
    assert_eq!((drain.delivered, drain.failed), (posts, 0));
    let read = world
        .items_of_type("status")
        .await
        .iter()
        .filter(|i| s(i, "status") == Some("read"))
        .count();
    assert_eq!(read, a.messages, "every message reached read");
    let status = json!({"scenario": "status", "unit": "status", "count": posts,
        "contacts": a.contacts, "batch_size": 10,
        "functions": {"webhook": wh.to_json(), "processor": pr.to_json()}});
    (send, status)
}

/// A status webhook as Meta sends it for a business-initiated utility template.
fn status_webhook(wamid: &str, to: &str, status: &str, ts: i64) -> Vec<u8> {
    let mut st =
        json!({"id": wamid, "status": status, "timestamp": ts.to_string(), "recipient_id": to});
    if status == "sent" {
        st["conversation"] = json!({"id": "9b3f1c2e7d4a4f0b8c6e2a1d5f7b3c90",
            "expiration_timestamp": (ts + 86_400).to_string(), "origin": {"type": "utility"}});
    }
    if status != "read" {
        st["pricing"] = json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "utility"});
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [st]}}]}]})
    .to_string()
    .into_bytes()
}
