//! The command's `message`: Meta's message object (validated for the rules
//! in meta-api §5, passed on untouched) or one of the two read actions.

use serde_json::Value;

use super::command::OutboundMessage;
use super::error::{shown, CommandError};
use super::field_checks::{
    forbidden, invalid, object, optional_text, required, required_object, text, url, Obj,
};
use super::fields::wamid;
use super::{interactive, media_source, template};

pub const TEXT_BODY_MAX: usize = 4096;
pub const CAPTION_MAX: usize = 1024;

pub const MESSAGE_TYPES: [&str; 11] = [
    "text",
    "template",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "interactive",
    "location",
    "contacts",
    "reaction",
];

pub const ACTION_TYPES: [&str; 2] = ["mark_read", "typing_indicator"];

/// Graph body fields the connector sets itself; a message may not carry them.
const RESERVED: [(&str, &str); 5] = [
    ("messaging_product", "is set by the connector"),
    ("recipient_type", "is set by the connector"),
    ("to", "belongs at the top level of the command"),
    ("context", "is set from the command's reply_to"),
    (
        "biz_opaque_callback_data",
        "is set by the connector to the idempotency key",
    ),
];

pub(super) fn parse(value: Value) -> Result<OutboundMessage, CommandError> {
    let Value::Object(obj) = value else {
        return Err(CommandError::InvalidMessage(
            "message must be an object with a type".into(),
        ));
    };
    let kind = match obj.get("type") {
        None | Some(Value::Null) => return Err(CommandError::MissingField("message.type")),
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => return Err(invalid("type", "must be a string")),
    };
    if ACTION_TYPES.contains(&kind) {
        return action(&obj, kind == "typing_indicator");
    }
    if !MESSAGE_TYPES.contains(&kind) {
        return Err(CommandError::UnknownMessageType(shown(kind)));
    }
    for (key, why) in RESERVED {
        if obj.contains_key(key) {
            return Err(invalid(key, why));
        }
    }
    let payload = obj
        .get(kind)
        .ok_or_else(|| invalid(kind, "is required (the object named by type)"))?;
    match kind {
        "text" => check_text(payload)?,
        "template" => template::check(payload)?,
        "image" | "video" | "audio" | "document" | "sticker" => check_media(kind, payload)?,
        "interactive" => interactive::check(payload)?,
        "location" => check_location(payload)?,
        "contacts" => check_contacts(payload)?,
        "reaction" => check_reaction(payload)?,
        _ => unreachable!("kind is one of MESSAGE_TYPES"),
    }
    Ok(OutboundMessage::Message {
        message_type: kind.to_owned(),
        object: obj,
    })
}

fn action(obj: &Obj, typing_indicator: bool) -> Result<OutboundMessage, CommandError> {
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "type" | "message_id"))
    {
        return Err(invalid(
            &shown(k),
            "is not allowed; an action has only type and message_id",
        ));
    }
    let message_id = match obj.get("message_id") {
        None => return Err(invalid("message_id", "is required")),
        Some(v) => v.as_str().and_then(wamid).ok_or_else(|| {
            invalid(
                "message_id",
                "must be the id of a received message (wamid.…)",
            )
        })?,
    };
    Ok(OutboundMessage::MarkRead {
        message_id,
        typing_indicator,
    })
}

fn check_text(payload: &Value) -> Result<(), CommandError> {
    let obj = object(payload, "text")?;
    let body = required(obj, "body", "text")?
        .as_str()
        .ok_or_else(|| invalid("text.body", "must be a string"))?;
    let chars = body.chars().count();
    if chars == 0 {
        return Err(invalid("text.body", "must not be empty"));
    }
    if chars > TEXT_BODY_MAX {
        return Err(CommandError::TextTooLong { chars });
    }
    if obj.get("preview_url").is_some_and(|v| !v.is_boolean()) {
        return Err(invalid("text.preview_url", "must be a boolean"));
    }
    Ok(())
}

fn check_media(kind: &str, payload: &Value) -> Result<(), CommandError> {
    let obj = object(payload, kind)?;
    match (
        obj.contains_key("id"),
        obj.contains_key("link"),
        obj.contains_key("s3"),
    ) {
        (true, false, false) => {
            text(obj, "id", kind, 1, usize::MAX)?;
        }
        (false, true, false) => url(obj, "link", kind)?,
        (_, _, true) => media_source::check_s3(obj, kind)?,
        _ => return Err(invalid(kind, "must have exactly one of id, link or s3")),
    }
    if matches!(kind, "image" | "video" | "document") {
        optional_text(obj, "caption", kind, CAPTION_MAX)?;
    } else {
        forbidden(obj, "caption", kind, "is not allowed for this media type")?;
    }
    if kind == "document" {
        optional_text(obj, "filename", kind, usize::MAX)?;
    } else {
        forbidden(obj, "filename", kind, "is allowed only for documents")?;
    }
    Ok(())
}

fn check_location(payload: &Value) -> Result<(), CommandError> {
    let obj = object(payload, "location")?;
    coordinate(obj, "latitude", 90.0)?;
    coordinate(obj, "longitude", 180.0)?;
    optional_text(obj, "name", "location", usize::MAX)?;
    optional_text(obj, "address", "location", usize::MAX)?;
    Ok(())
}

/// A number in `-limit..=limit`, or such a number written as a plain
/// decimal string (`"37.44"`), as Meta's own example sends it.
fn coordinate(obj: &Obj, key: &str, limit: f64) -> Result<(), CommandError> {
    let value = required(obj, key, "location")?;
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if is_plain_decimal(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(x) if x.abs() <= limit => Ok(()),
        _ => Err(invalid(
            &format!("location.{key}"),
            format!("must be a number from -{limit} to {limit}"),
        )),
    }
}

/// `-?digits(.digits)?`: what the schema's pattern accepts.
fn is_plain_decimal(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

fn check_contacts(payload: &Value) -> Result<(), CommandError> {
    let contacts = payload
        .as_array()
        .ok_or_else(|| invalid("contacts", "must be an array"))?;
    if contacts.is_empty() {
        return Err(invalid("contacts", "must not be empty"));
    }
    for (i, contact) in contacts.iter().enumerate() {
        let path = format!("contacts[{i}]");
        let name = required_object(object(contact, &path)?, "name", &path)?;
        text(
            name,
            "formatted_name",
            &format!("{path}.name"),
            1,
            usize::MAX,
        )?;
    }
    Ok(())
}

fn check_reaction(payload: &Value) -> Result<(), CommandError> {
    let obj = object(payload, "reaction")?;
    let id = required(obj, "message_id", "reaction")?;
    if id.as_str().and_then(wamid).is_none() {
        return Err(invalid(
            "reaction.message_id",
            "must be a WhatsApp message id (wamid.…)",
        ));
    }
    // An empty emoji removes the reaction.
    optional_text(obj, "emoji", "reaction", usize::MAX)?
        .ok_or_else(|| invalid("reaction.emoji", "is required (\"\" removes the reaction)"))?;
    Ok(())
}
