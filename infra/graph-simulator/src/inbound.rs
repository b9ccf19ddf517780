//! Injected customer messages (`POST /_sim/inbound`, `graph-simulator inbound`).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::digits;
use crate::ids::{Direction, IdGen};
use crate::record::{unix_seconds, WebhookDelivery};
use crate::webhooks::envelope::{self, Business};

/// `{"from":"+15551234567","text":"hello","name":"Alice"}`, or with `type`
/// plus the object named by it, e.g.
/// `{"from":"15551234567","type":"image","image":{"id":"1","mime_type":"image/jpeg","sha256":"…"}}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct InboundRequest {
    pub from: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Business number the customer writes to; defaults to the configured one.
    #[serde(default)]
    pub phone_number_id: Option<String>,
    /// Copied into the message, e.g. `{"from": "...", "id": "<wamid replied to>"}`.
    #[serde(default)]
    pub context: Option<Value>,
    /// Unix seconds; defaults to now.
    #[serde(default)]
    pub timestamp: Option<u64>,
    /// Reuse a wamid to test duplicate handling; a fresh one otherwise.
    #[serde(default)]
    pub wamid: Option<String>,
    /// The object named by `type`.
    #[serde(flatten)]
    pub payload: Map<String, Value>,
}

impl InboundRequest {
    pub fn text(from: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            text: Some(text.into()),
            ..Self::default()
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InboundResult {
    pub wamid: String,
    pub delivered: bool,
    /// The envelope as posted (before signing/escaping).
    pub body: Value,
    /// Attempts and statuses, when posted by a running simulator.
    pub webhook: Option<WebhookDelivery>,
}

pub const DEFAULT_PROFILE_NAME: &str = "Simulated Customer";

/// Builds the signed-to-be envelope; returns the wamid used.
pub fn build(
    request: &InboundRequest,
    business: &Business,
    ids: &IdGen,
) -> Result<(String, Value), String> {
    let from = digits(&request.from);
    if from.is_empty() {
        return Err("`from` must contain a phone number".into());
    }
    let (kind, content) = match (&request.kind, &request.text) {
        (Some(kind), _) => {
            let content = match request.payload.get(kind) {
                Some(content) => content.clone(),
                None if kind == "text" && request.text.is_some() => {
                    json!({"body": request.text})
                }
                None => return Err(format!("type `{kind}` needs an object named `{kind}`")),
            };
            (kind.clone(), content)
        }
        (None, Some(text)) => ("text".to_string(), json!({"body": text})),
        (None, None) => return Err("give `text`, or `type` plus the object it names".into()),
    };
    let wamid = request
        .wamid
        .clone()
        .unwrap_or_else(|| ids.wamid(&from, Direction::Incoming));
    let mut message = Map::new();
    message.insert("from".into(), json!(from));
    message.insert("id".into(), json!(wamid));
    let timestamp = request.timestamp.unwrap_or_else(unix_seconds);
    message.insert("timestamp".into(), json!(timestamp.to_string()));
    message.insert("type".into(), json!(kind));
    if let Some(context) = &request.context {
        message.insert("context".into(), context.clone());
    }
    message.insert(kind, content);
    let name = request.name.as_deref().unwrap_or(DEFAULT_PROFILE_NAME);
    let body = envelope::inbound(business, name, &from, Value::Object(message));
    Ok((wamid, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn business() -> Business {
        Business {
            waba_id: "w".into(),
            display_phone_number: "15550783881".into(),
            phone_number_id: "p".into(),
        }
    }

    #[test]
    fn text_shortcut_should_build_a_text_message() {
        let request: InboundRequest = serde_json::from_value(
            json!({"from": "+1 555 123 4567", "text": "hello", "name": "Alice"}),
        )
        .unwrap();
        let (wamid, body) = build(&request, &business(), &IdGen::new()).unwrap();
        let value = &body["entry"][0]["changes"][0]["value"];
        assert_eq!(value["contacts"][0]["profile"]["name"], "Alice");
        assert_eq!(value["contacts"][0]["wa_id"], "15551234567");
        let message = &value["messages"][0];
        assert_eq!(message["from"], "15551234567");
        assert_eq!(message["id"], json!(wamid));
        assert_eq!(message["type"], "text");
        assert_eq!(message["text"]["body"], "hello");
        assert!(message["timestamp"].is_string());
    }

    #[test]
    fn type_with_raw_object_should_be_copied_verbatim() {
        let request: InboundRequest = serde_json::from_value(json!({
            "from": "15551234567", "type": "image",
            "image": {"id": "123", "mime_type": "image/jpeg", "sha256": "abc"}
        }))
        .unwrap();
        let (_, body) = build(&request, &business(), &IdGen::new()).unwrap();
        let message = &body["entry"][0]["changes"][0]["value"]["messages"][0];
        assert_eq!(message["type"], "image");
        assert_eq!(message["image"]["id"], "123");
    }

    #[test]
    fn type_without_its_object_should_be_refused() {
        let request: InboundRequest =
            serde_json::from_value(json!({"from": "15551234567", "type": "image"})).unwrap();
        assert!(build(&request, &business(), &IdGen::new()).is_err());
    }
}
