//! A message's typed content as item attributes, beside Meta's raw element
//! (`content`, kept byte for byte for troubleshooting). The fields and their
//! names are the domain's (`inbound::message_fields`); this only turns them
//! into attribute values, for the processor's messages and the sender's
//! (`outbound::sent_content_fields`).

use serde_json::Value;

use super::attrs::Item;
use super::json::from_json;
use crate::domain::inbound::{message_fields, InboundMessage};
use crate::domain::outbound::sent_content_fields;

/// A received (or echoed) message's typed attributes.
pub(super) fn received(m: &InboundMessage) -> Item {
    message_fields(m)
        .iter()
        .map(|(k, v)| (k.clone(), from_json(v)))
        .collect()
}

/// A sent message's typed attributes, read from the payload of the Graph
/// body it was sent with (the command's message object, untouched): the
/// same fields as a received one's (a template has none). `reply_to` is the
/// message it answered, if it answered one.
pub(super) fn sent(message_type: &str, body: &Value) -> Item {
    let mut fields = sent_content_fields(message_type, &body[message_type]);
    if let Some(id) = body["context"]["message_id"].as_str() {
        fields.insert("reply_to".into(), Value::from(id));
    }
    fields
        .iter()
        .map(|(k, v)| (k.clone(), from_json(v)))
        .collect()
}
