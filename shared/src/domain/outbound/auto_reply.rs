//! The commands the connector writes itself: the automated replies (a
//! rule's `reply`, the STOP / START confirmation). Typed here, they
//! serialise to the published command format
//! (docs/contracts/outbound-command.schema.json) and travel the outbound
//! queue like an internal system's commands, so the sender reads them with
//! the one parser ([`super::parse_command`]) and applies the same gate.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::category::Category;
use super::command::IdempotencyKey;
use crate::domain::ids::{PhoneNumberId, WaId};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutoReply {
    pub idempotency_key: IdempotencyKey,
    /// Written `+<digits>`, as the contract's examples write numbers.
    #[serde(serialize_with = "with_plus")]
    pub to: WaId,
    /// The number the customer wrote to; absent: the deployment's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<PhoneNumberId>,
    #[serde(serialize_with = "category")]
    pub category: Category,
    pub message: ReplyMessage,
}

/// The command's `message`: `{"type":"text","text":{"body":…}}` or
/// `{"type":"template","template":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReplyMessage {
    Text { text: TextBody },
    Template { template: TemplateRef },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextBody {
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateRef {
    pub name: String,
    pub language: TemplateLanguage,
    /// As the rules file gives them (checked against the command schema by
    /// the rules check, and by the sender's parser before any send).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateLanguage {
    pub code: String,
}

impl AutoReply {
    /// A text answer inside the customer-service window: category `service`.
    pub fn text(
        idempotency_key: IdempotencyKey,
        to: WaId,
        phone_number_id: Option<PhoneNumberId>,
        body: &str,
    ) -> Self {
        Self {
            idempotency_key,
            to,
            phone_number_id,
            category: Category::Service,
            message: ReplyMessage::Text {
                text: TextBody { body: body.into() },
            },
        }
    }

    /// A template answer: category `utility`.
    pub fn template(
        idempotency_key: IdempotencyKey,
        to: WaId,
        phone_number_id: Option<PhoneNumberId>,
        name: &str,
        language: &str,
        components: Option<Value>,
    ) -> Self {
        Self {
            idempotency_key,
            to,
            phone_number_id,
            category: Category::Utility,
            message: ReplyMessage::Template {
                template: TemplateRef {
                    name: name.into(),
                    language: TemplateLanguage {
                        code: language.into(),
                    },
                    components,
                },
            },
        }
    }

    /// The body put on the outbound queue.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a command serialises")
    }
}

fn with_plus<S: Serializer>(to: &WaId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("+{}", to.as_str()))
}

fn category<S: Serializer>(c: &Category, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.as_str())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::outbound::{parse_command, OutboundMessage};

    fn key() -> IdempotencyKey {
        IdempotencyKey::parse("auto-3f6c1b0e9a7d4c2b8e5f1a0d9c8b7a6e").unwrap()
    }

    fn wa_id() -> WaId {
        WaId::parse("16505551234").unwrap()
    }

    fn number() -> PhoneNumberId {
        PhoneNumberId::parse("106540352242922").unwrap()
    }

    /// What the sender reads back: the command's fields and its message
    /// object, exactly.
    fn round_trip(reply: &AutoReply) -> (String, Option<String>, Option<String>, Category, Value) {
        let cmd = parse_command(&reply.to_json()).expect("the sender accepts an automated reply");
        let OutboundMessage::Message { object, .. } = cmd.message else {
            panic!("a message, not an action");
        };
        (
            cmd.idempotency_key.as_str().to_owned(),
            cmd.to.map(|t| t.as_str().to_owned()),
            cmd.phone_number_id.map(|n| n.as_str().to_owned()),
            cmd.category,
            Value::Object(object),
        )
    }

    #[test]
    fn a_text_reply_reads_back_through_the_senders_parser_as_built() {
        let reply = AutoReply::text(key(), wa_id(), Some(number()), "Thanks, we're on it.");
        assert_eq!(
            round_trip(&reply),
            (
                key().as_str().to_owned(),
                Some("16505551234".into()),
                Some("106540352242922".into()),
                Category::Service,
                json!({"type": "text", "text": {"body": "Thanks, we're on it."}}),
            )
        );
    }

    #[test]
    fn a_template_reply_reads_back_with_its_components_and_without_a_number() {
        let components =
            json!([{"type": "body", "parameters": [{"type": "text", "text": "1042"}]}]);
        let reply = AutoReply::template(
            key(),
            wa_id(),
            None,
            "order_status",
            "en_US",
            Some(components.clone()),
        );
        assert_eq!(
            round_trip(&reply),
            (
                key().as_str().to_owned(),
                Some("16505551234".into()),
                None,
                Category::Utility,
                json!({"type": "template", "template": {"name": "order_status", "language": {"code": "en_US"}, "components": components}}),
            )
        );
        let bare = AutoReply::template(key(), wa_id(), None, "hello", "en", None);
        assert_eq!(
            round_trip(&bare).4,
            json!({"type": "template", "template": {"name": "hello", "language": {"code": "en"}}})
        );
    }

    #[test]
    fn the_command_json_is_the_one_the_processor_wrote_before_it_was_typed() {
        let reply = AutoReply::text(key(), wa_id(), Some(number()), "Hi");
        let before = json!({
            "idempotency_key": key().as_str(),
            "to": "+16505551234",
            "category": "service",
            "message": {"type": "text", "text": {"body": "Hi"}},
            "phone_number_id": "106540352242922",
        });
        assert_eq!(
            serde_json::from_str::<Value>(&reply.to_json()).unwrap(),
            before
        );
    }
}
