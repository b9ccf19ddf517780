//! The Graph API request body for `POST /{version}/{phone_number_id}/messages`.

use serde_json::{json, Value};

use super::command::{OutboundCommand, OutboundMessage};
use crate::domain::ids::WaId;

/// The full Graph API body for POST /{version}/{phone_number_id}/messages.
///
/// Messages: `{"messaging_product":"whatsapp","recipient_type":"individual",
/// "to":"+<digits>","type":T,T:{…}, ["context":{"message_id":reply_to}],
/// "biz_opaque_callback_data":<idempotency key>}` — the command's message
/// object with the connector's fields added, nothing of it changed.
/// `to` (when given) replaces the command's own `to`; a message with
/// neither gets no `to` and Graph refuses it.
///
/// Actions: `{"messaging_product":"whatsapp","status":"read","message_id":…,
/// ["typing_indicator":{"type":"text"}]}`; `to` is not used.
pub fn graph_body(cmd: &OutboundCommand, to: Option<&WaId>) -> Value {
    match &cmd.message {
        OutboundMessage::MarkRead {
            message_id,
            typing_indicator,
        } => {
            let mut body = json!({
                "messaging_product": "whatsapp",
                "status": "read",
                "message_id": message_id.as_str(),
            });
            if *typing_indicator {
                body["typing_indicator"] = json!({ "type": "text" });
            }
            body
        }
        OutboundMessage::Message { object, .. } => {
            let mut body = object.clone();
            body.insert("messaging_product".into(), "whatsapp".into());
            body.insert("recipient_type".into(), "individual".into());
            if let Some(to) = to.or(cmd.to.as_ref()) {
                // With `+` Meta never prepends the business number's country code.
                body.insert("to".into(), format!("+{}", to.as_str()).into());
            }
            if let Some(reply_to) = &cmd.reply_to {
                body.insert("context".into(), json!({ "message_id": reply_to.as_str() }));
            }
            body.insert(
                "biz_opaque_callback_data".into(),
                cmd.idempotency_key.as_str().into(),
            );
            Value::Object(body)
        }
    }
}
