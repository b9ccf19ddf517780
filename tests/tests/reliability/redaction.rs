//! No secret, message text or full phone number reaches the logs: a whole
//! run (verification, inbound webhooks, processing with the shipped rules,
//! sends through the simulator and their status webhooks) is captured and
//! searched.
//!
//! What is searched is the tracing output, in the functions' own JSON format.
//! The EMF metric lines are printed with `println!`, which the test harness
//! captures out of reach; they are built only from metric names, counts and
//! fixed reason labels (`shared::telemetry::Metrics`), never from input.

use std::time::Duration;

use integration_tests::{
    api_gateway_request, fixture, ApiRequest, World, ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN,
};
use serde_json::Value;
use shared::domain::ids::{mask, Wamid};

use crate::capture;

/// Inbound fixtures with text, media captions, replies and statuses.
const FIXTURES: &[&str] = &[
    "text.json",
    "image.json",
    "interactive_button_reply.json",
    "location.json",
    "status_delivered.json",
    "status_failed.json",
];

const TEMPLATE_PARAMETER: &str = "Sheena, umbrella order 1042 left our warehouse";
const FREE_TEXT: &str = "Your planter is back in stock in teal";

#[tokio::test]
async fn a_whole_run_logs_no_secret_no_message_text_and_only_masked_numbers() {
    capture::start();
    let world = World::new().await;
    let webhook = world.webhook();

    // The verification handshake carries the verify token in its query.
    let query = format!("hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=42");
    let answer = webhook
        .handle(api_gateway_request(ApiRequest {
            method: "GET",
            query: &query,
            ..ApiRequest::default()
        }))
        .await
        .expect("the handler answers");
    assert_eq!(answer.status(), 200);

    let mut found = Found::default();
    for name in FIXTURES {
        let body = fixture(name);
        let json: Value = serde_json::from_slice(&body).expect("fixture is JSON");
        collect(&json, None, &mut found);
        let answer = world.post_signed(&webhook, &body).await;
        assert_eq!(answer.status(), 200, "{name}");
    }
    // A forged POST: the refusal must not echo the body or the secret.
    let forged = fixture("text.json");
    let answer = webhook
        .handle(api_gateway_request(ApiRequest {
            headers: vec![("X-Hub-Signature-256", format!("sha256={}", "0".repeat(64)))],
            body: &forged,
            ..ApiRequest::default()
        }))
        .await
        .expect("the handler answers");
    assert_eq!(answer.status(), 401);
    world.drain(&world.processor()).await;

    // Sends: a template (sent) and a free-form text (outside the 24-hour
    // window, so refused by the sender without calling Meta).
    let Found {
        mut texts,
        numbers,
        wamids,
        referred,
    } = found;
    let to = numbers.first().cloned().expect("fixtures name a customer");
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    world.enqueue_command(&template(&to)).await;
    world.enqueue_command(&free_text(&to)).await;
    world.drain_outbound(&sender).await;
    sim.wait_for_webhooks(Duration::from_secs(10), |w| {
        w.iter().filter(|d| d.delivered).count() >= 3
    })
    .await
    .expect("the simulator's status webhooks reach our webhook");
    world.drain(&world.processor()).await;

    let logs = capture::logged();
    // Each of the three functions logged during the run.
    for line in ["webhook accepted", "update handled", "command handled"] {
        assert!(logs.contains(line), "the run was captured: {line}");
    }
    for secret in [APP_SECRET, VERIFY_TOKEN, ACCESS_TOKEN] {
        assert!(!logs.contains(secret), "a secret was logged: {secret}");
    }
    texts.extend([TEMPLATE_PARAMETER.to_owned(), FREE_TEXT.to_owned()]);
    assert_none_logged(&logs, &texts, "message text");
    assert_none_logged(&logs, &numbers, "a full number");
    // A wamid is base64 of a record holding the number: logs name it by reference.
    assert!(
        !wamids.is_empty() && !referred.is_empty(),
        "fixtures carry wamids"
    );
    assert_none_logged(&logs, &referred, "a wamid");
    for wamid in &wamids {
        assert!(
            !logs.contains(wamid.as_str()),
            "a wamid was logged: {wamid}"
        );
        let reference = Wamid::parse(wamid).expect("fixture wamid").log_ref();
        assert!(
            logs.contains(&reference),
            "{wamid} is logged as {reference}"
        );
    }
    assert!(
        logs.contains(&mask(&to)),
        "contacts are named by their masked number, {}",
        mask(&to)
    );
    // Markers of a whole webhook body, SQS record or outbound command.
    for whole in [
        "messaging_product",
        "\"entry\"",
        "receipt_handle",
        "receiptHandle",
        "\"message\":{",
    ] {
        assert!(
            !logs.contains(whole),
            "an incoming event was logged whole ({whole})"
        );
    }
}

/// What must never reach the logs, gathered from the webhook bodies.
#[derive(Default)]
struct Found {
    texts: Vec<String>,
    numbers: Vec<String>,
    /// The ids of the messages and statuses themselves.
    wamids: Vec<String>,
    /// Ids a message only refers to (`context.id` of a reply).
    referred: Vec<String>,
}

/// Free text (message bodies, captions, titles, addresses), customer numbers
/// and wamids anywhere in a webhook body. Short strings ("Yes") are skipped:
/// they could occur in a log line by coincidence.
fn collect(v: &Value, key: Option<&str>, found: &mut Found) {
    match v {
        Value::Object(map) if key == Some("context") => {
            if let Some(Value::String(id)) = map.get("id") {
                found.referred.push(id.clone());
            }
        }
        Value::Object(map) => {
            for (k, child) in map {
                collect(child, Some(k), found);
            }
        }
        Value::Array(items) => {
            for child in items {
                collect(child, key, found);
            }
        }
        Value::String(s) => match key {
            Some("wa_id" | "from" | "recipient_id")
                if s.chars().all(|c| c.is_ascii_digit()) && !found.numbers.contains(s) =>
            {
                found.numbers.push(s.clone());
            }
            Some("id") if s.starts_with("wamid.") && !found.wamids.contains(s) => {
                found.wamids.push(s.clone());
            }
            Some("body" | "caption" | "title" | "name" | "address" | "description")
                if s.chars().count() >= 8 =>
            {
                found.texts.push(s.clone());
            }
            _ => {}
        },
        _ => {}
    }
}

fn template(to: &str) -> String {
    serde_json::json!({
        "idempotency_key": "redaction-template",
        "to": to,
        "category": "utility",
        "message": {"type": "template", "template": {
            "name": "order_shipped",
            "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": TEMPLATE_PARAMETER}]}]
        }}
    })
    .to_string()
}

fn free_text(to: &str) -> String {
    serde_json::json!({
        "idempotency_key": "redaction-text",
        "to": to,
        "message": {"type": "text", "text": {"body": FREE_TEXT}}
    })
    .to_string()
}

/// Fails naming the first of `values` that appears in `logs`.
fn assert_none_logged<'v>(logs: &str, values: impl IntoIterator<Item = &'v String>, what: &str) {
    for value in values {
        assert!(!logs.contains(value.as_str()), "{what} was logged: {value}");
    }
}
