//! Meta webhook envelopes (meta-api §2–§4): one entry, one `messages` change.

use serde_json::{json, Map, Value};

/// Who the webhook is about: the business side of the conversation.
#[derive(Clone, Debug)]
pub struct Business {
    pub waba_id: String,
    pub display_phone_number: String,
    pub phone_number_id: String,
}

fn envelope(business: &Business, value: Map<String, Value>) -> Value {
    let mut full = Map::new();
    full.insert("messaging_product".into(), json!("whatsapp"));
    full.insert(
        "metadata".into(),
        json!({
            "display_phone_number": business.display_phone_number,
            "phone_number_id": business.phone_number_id,
        }),
    );
    full.extend(value);
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": business.waba_id,
            "changes": [{"value": full, "field": "messages"}],
        }],
    })
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pricing {
    pub billable: bool,
    /// "regular" | "free_customer_service" | "free_entry_point".
    pub kind: String,
    pub category: String,
}

impl Pricing {
    /// Templates are billed; other messages can only be sent inside the
    /// customer service window, which is free.
    pub fn for_message(is_template: bool, template_category: &str) -> Self {
        if is_template {
            Self {
                billable: true,
                kind: "regular".into(),
                category: template_category.into(),
            }
        } else {
            Self {
                billable: false,
                kind: "free_customer_service".into(),
                category: "service".into(),
            }
        }
    }

    fn to_value(&self) -> Value {
        json!({
            "billable": self.billable,
            "pricing_model": "PMP",
            "type": self.kind,
            "category": self.category,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct StatusEvent {
    pub wamid: String,
    pub status: String,
    pub timestamp: u64,
    pub recipient_id: String,
    pub pricing: Option<Pricing>,
    /// `conversation` object (only on `sent`, only for API versions < v24).
    pub conversation: Option<Value>,
    pub errors: Vec<Value>,
    pub biz_opaque_callback_data: Option<String>,
}

pub fn status(business: &Business, event: &StatusEvent) -> Value {
    let mut status = Map::new();
    status.insert("id".into(), json!(event.wamid));
    status.insert("status".into(), json!(event.status));
    // Meta sends all message/status timestamps as strings of Unix seconds.
    status.insert("timestamp".into(), json!(event.timestamp.to_string()));
    status.insert("recipient_id".into(), json!(event.recipient_id));
    if let Some(conversation) = &event.conversation {
        status.insert("conversation".into(), conversation.clone());
    }
    if let Some(pricing) = &event.pricing {
        status.insert("pricing".into(), pricing.to_value());
    }
    if let Some(data) = &event.biz_opaque_callback_data {
        status.insert("biz_opaque_callback_data".into(), json!(data));
    }
    if !event.errors.is_empty() {
        status.insert("errors".into(), json!(event.errors));
    }
    let mut value = Map::new();
    value.insert("statuses".into(), json!([status]));
    envelope(business, value)
}

/// `conversation` as sent before v24.0, where it still appeared on `sent`.
pub fn conversation(id: &str, category: &str, now: u64) -> Value {
    json!({
        "id": id,
        "expiration_timestamp": (now + 24 * 3600).to_string(),
        "origin": {"type": category},
    })
}

/// An inbound customer message; `message` is the full `messages[]` element.
pub fn inbound(business: &Business, profile_name: &str, wa_id: &str, message: Value) -> Value {
    let mut value = Map::new();
    value.insert(
        "contacts".into(),
        json!([{"profile": {"name": profile_name}, "wa_id": wa_id}]),
    );
    value.insert("messages".into(), json!([message]));
    envelope(business, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn business() -> Business {
        Business {
            waba_id: "102290129340398".into(),
            display_phone_number: "15550783881".into(),
            phone_number_id: "106540352242922".into(),
        }
    }

    fn fixture(name: &str) -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn sent_status_should_equal_metas_v24_example() {
        let event = StatusEvent {
            wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=".into(),
            status: "sent".into(),
            timestamp: 1750030073,
            recipient_id: "16505551234".into(),
            ..StatusEvent::default()
        };
        assert_eq!(
            status(&business(), &event),
            fixture("status_sent_v24_no_conversation__meta.json")
        );
    }

    #[test]
    fn sent_status_with_pricing_and_conversation_should_equal_metas_example() {
        let mut conv = conversation("72b14d6bd5407799e66f64d1b338e567", "marketing", 1750030080);
        conv["expiration_timestamp"] = json!("1750116480");
        let event = StatusEvent {
            wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=".into(),
            status: "sent".into(),
            timestamp: 1750030073,
            recipient_id: "16505551234".into(),
            pricing: Some(Pricing::for_message(true, "marketing")),
            conversation: Some(conv),
            ..StatusEvent::default()
        };
        assert_eq!(
            status(&business(), &event),
            fixture("status_sent_marketing_pmp__meta.json")
        );
    }

    #[test]
    fn failed_status_should_equal_metas_131049_example() {
        let event = StatusEvent {
            wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA".into(),
            status: "failed".into(),
            timestamp: 1751142888,
            recipient_id: "16505551234".into(),
            errors: vec![crate::errors::GraphError::from_code(131049).to_webhook_error()],
            ..StatusEvent::default()
        };
        assert_eq!(
            status(&business(), &event),
            fixture("status_failed_131049__meta.json")
        );
    }

    #[test]
    fn inbound_text_should_equal_metas_example() {
        let message = json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            "timestamp": "1749416383",
            "type": "text",
            "text": {"body": "Does it come in another color?"},
        });
        assert_eq!(
            inbound(&business(), "Sheena Nelson", "16505551234", message),
            fixture("text__meta.json")
        );
    }
}
