//! A message's typed content as item attributes, beside Meta's raw element
//! (`content`, kept byte for byte for troubleshooting). The fields and their
//! names are the domain's (`inbound::message_fields`); this only turns them
//! into attribute values, for the processor's messages and the sender's.

use serde_json::Value;

use super::attrs::Item;
use super::json::from_json;
use crate::domain::inbound::{content_fields, message_fields, read_content, InboundMessage};

/// A received (or echoed) message's typed attributes.
pub(super) fn received(m: &InboundMessage) -> Item {
    message_fields(m)
        .iter()
        .map(|(k, v)| (k.clone(), from_json(v)))
        .collect()
}

/// A sent message's typed attributes, read from the Graph body it was sent
/// with: the same `type` and payload object as a received one (a template
/// has none). `reply_to` is the message it answered, if it answered one.
pub(super) fn sent(message_type: &str, body: &Value) -> Item {
    let mut fields = content_fields(&read_content(message_type, &body.to_string()));
    if let Some(id) = body["context"]["message_id"].as_str() {
        fields.insert("reply_to".into(), Value::from(id));
    }
    fields
        .iter()
        .map(|(k, v)| (k.clone(), from_json(v)))
        .collect()
}
