//! Helpers for automation tests: webhooks a customer would send, and what
//! the connector put on the events and outbound queues.

use serde_json::{json, Value};

use crate::world::World;

/// A signed-ready webhook body with one text message.
pub fn text_webhook(from: &str, wamid: &str, body: &str, timestamp: i64) -> Vec<u8> {
    message_webhook(
        from,
        wamid,
        timestamp,
        json!({"type": "text", "text": {"body": body}}),
    )
}

/// A webhook body with one message of any type (`content` holds `type` and its object).
pub fn message_webhook(from: &str, wamid: &str, timestamp: i64, content: Value) -> Vec<u8> {
    let mut message = json!({"from": from, "id": wamid, "timestamp": timestamp.to_string()});
    for (k, v) in content.as_object().expect("content object") {
        message[k] = v.clone();
    }
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": from}],
            "messages": [message]
        }}]}]
    })
    .to_string()
    .into_bytes()
}

impl World {
    /// Takes everything currently on a queue (and deletes it).
    pub async fn take_all(&self, url: &str) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let got = self
                .sqs
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(10)
                .send()
                .await
                .expect("receive");
            let messages = got.messages.unwrap_or_default();
            if messages.is_empty() {
                return out;
            }
            for m in messages {
                out.push(
                    serde_json::from_str(m.body.as_deref().unwrap_or("null"))
                        .expect("JSON on the queue"),
                );
                self.sqs
                    .delete_message()
                    .queue_url(url)
                    .receipt_handle(m.receipt_handle.unwrap_or_default())
                    .send()
                    .await
                    .expect("delete");
            }
        }
    }

    pub async fn events(&self) -> Vec<Value> {
        self.take_all(&self.events_url.clone()).await
    }

    /// Asserts every event validates against its published JSON Schema
    /// (docs/contracts/events/validate_events.py, the same check consumers
    /// are pointed to).
    pub fn assert_events_match_their_schemas(&self, events: &[Value], label: &str) {
        let file = std::env::temp_dir().join(format!("events-{}-{label}.jsonl", self.stack_name));
        let lines: Vec<String> = events.iter().map(Value::to_string).collect();
        std::fs::write(&file, lines.join("\n")).expect("events file");
        let python = std::env::var("JUM_STACK_PY").expect("JUM_STACK_PY");
        let python = python.split_whitespace().next().expect("a program");
        let validator = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/contracts/events/validate_events.py");
        let out = std::process::Command::new(python)
            .arg(validator)
            .arg(&file)
            .output()
            .expect("the validator runs");
        assert!(
            out.status.success(),
            "{label}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Outbound commands waiting for the sender (automated replies).
    pub async fn commands(&self) -> Vec<Value> {
        self.take_all(&self.outbound_url.clone()).await
    }
}

/// The text bodies of reply commands.
pub fn reply_texts(commands: &[Value]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| c["message"]["text"]["body"].as_str().map(str::to_owned))
        .collect()
}

pub fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}
