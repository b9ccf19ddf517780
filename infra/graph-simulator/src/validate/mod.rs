//! Shape checks for `POST /{version}/{phone_number_id}/messages` bodies.
//!
//! Deliberately partial: it enforces what Meta documents for the fields we
//! send (required fields, the limits in meta-api §5) and accepts extra fields,
//! because the goal is to catch our own mistakes, not to reimplement Graph.

use serde_json::{Map, Value};

use crate::config::digits;
use crate::errors::GraphError;

mod fields;
mod interactive;

use fields::{max_len, object, optional_str, required_str};
use interactive::check_interactive;

pub const TEXT_BODY_MAX: usize = 4096;
pub const CAPTION_MAX: usize = 1024;

const MESSAGE_TYPES: &[&str] = &[
    "audio",
    "contacts",
    "document",
    "image",
    "interactive",
    "location",
    "reaction",
    "sticker",
    "template",
    "text",
    "video",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendRequest {
    Message(OutgoingMessage),
    MarkRead {
        message_id: String,
        typing_indicator: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// `to` exactly as sent (numbers rendered as text), echoed as `contacts[].input`.
    pub to_input: String,
    /// Digits of `to`, used as `wa_id` and for every recipient lookup.
    pub wa_id: String,
    /// The message `type` (`text` when omitted, as Graph defaults it).
    pub kind: String,
    pub template_name: Option<String>,
}

/// Digits of `to`, if the body has one; lets per-recipient faults fire even
/// for bodies that would fail validation.
pub fn recipient_hint(body: &Value) -> Option<String> {
    let to = body.get("to")?;
    let text = match to {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(digits(&text))
}

pub fn parse(body: &Value) -> Result<SendRequest, GraphError> {
    let Some(obj) = body.as_object() else {
        return Err(GraphError::invalid_parameter(
            "The request body must be a JSON object.",
        ));
    };
    match obj.get("messaging_product") {
        None | Some(Value::Null) => {
            return Err(GraphError::required_parameter("messaging_product"))
        }
        Some(Value::String(p)) if p == "whatsapp" => {}
        Some(other) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param messaging_product must be one of {{WHATSAPP}} - got {other}."
            )))
        }
    }
    if obj.contains_key("status") {
        return parse_mark_read(obj);
    }
    parse_message(obj).map(SendRequest::Message)
}

fn parse_mark_read(obj: &Map<String, Value>) -> Result<SendRequest, GraphError> {
    match obj.get("status") {
        Some(Value::String(s)) if s == "read" => {}
        other => {
            return Err(GraphError::invalid_parameter(format!(
                "Param status must be one of {{READ}} - got {}.",
                other.cloned().unwrap_or(Value::Null)
            )))
        }
    }
    let message_id = match obj.get("message_id") {
        None | Some(Value::Null) => return Err(GraphError::required_parameter("message_id")),
        Some(Value::String(id)) if id.starts_with("wamid.") => id.clone(),
        Some(other) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param message_id must be a valid WhatsApp message ID - got {other}."
            )))
        }
    };
    let typing_indicator = match obj.get("typing_indicator") {
        None => false,
        Some(t) if t.get("type").and_then(Value::as_str) == Some("text") => true,
        Some(_) => {
            return Err(GraphError::invalid_parameter(
                "Param typing_indicator['type'] must be one of {TEXT}.",
            ))
        }
    };
    Ok(SendRequest::MarkRead {
        message_id,
        typing_indicator,
    })
}

fn parse_message(obj: &Map<String, Value>) -> Result<OutgoingMessage, GraphError> {
    let group = match obj.get("recipient_type") {
        None => false,
        Some(Value::String(t)) if t == "individual" => false,
        Some(Value::String(t)) if t == "group" => true,
        Some(other) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param recipient_type must be one of {{INDIVIDUAL, GROUP}} - got {other}."
            )))
        }
    };
    let to_input = match obj.get("to") {
        None | Some(Value::Null) => return Err(GraphError::required_parameter("to")),
        // Live Graph accepted `to` as a JSON number (meta-api §5).
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param to must be a string - got {other}."
            )))
        }
    };
    let wa_id = if group {
        to_input.clone()
    } else {
        phone_digits(&to_input)?
    };

    let kind = match obj.get("type") {
        None => "text".to_string(),
        Some(Value::String(t)) if MESSAGE_TYPES.contains(&t.as_str()) => t.clone(),
        Some(other) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param type must be one of {{AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO}} - got {other}."
            )))
        }
    };
    if let Some(context) = obj.get("context") {
        if context.get("message_id").and_then(Value::as_str).is_none() {
            return Err(GraphError::missing_parameter(
                "The parameter context['message_id'] is required.",
            ));
        }
    }
    let payload = obj.get(&kind).filter(|v| !v.is_null()).ok_or_else(|| {
        GraphError::missing_parameter(format!("The parameter {kind} is required."))
    })?;

    let mut template_name = None;
    match kind.as_str() {
        "text" => check_text(payload)?,
        "image" | "video" | "audio" | "document" | "sticker" => check_media(&kind, payload)?,
        "interactive" => check_interactive(payload)?,
        "location" => check_location(payload)?,
        "contacts" => check_contacts(payload)?,
        "reaction" => check_reaction(payload)?,
        "template" => template_name = Some(check_template(payload)?),
        _ => unreachable!("type was checked against MESSAGE_TYPES"),
    }
    Ok(OutgoingMessage {
        to_input,
        wa_id,
        kind,
        template_name,
    })
}

fn phone_digits(to: &str) -> Result<String, GraphError> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | ' ' | '.');
    let d = digits(to);
    if !to.chars().all(allowed) || !(5..=15).contains(&d.len()) {
        return Err(GraphError::invalid_parameter(format!(
            "Param to must be a valid phone number - got \"{to}\"."
        )));
    }
    Ok(d)
}

fn check_text(payload: &Value) -> Result<(), GraphError> {
    let text = object(payload, "text")?;
    let body = required_str(text, "body", "text")?;
    if body.is_empty() {
        return Err(GraphError::invalid_parameter(
            "Param text['body'] must be non-empty.",
        ));
    }
    max_len(body, TEXT_BODY_MAX, "text['body']")?;
    if let Some(p) = text.get("preview_url") {
        if !p.is_boolean() {
            return Err(GraphError::invalid_parameter(
                "Param text['preview_url'] must be a boolean.",
            ));
        }
    }
    Ok(())
}

fn check_media(kind: &str, payload: &Value) -> Result<(), GraphError> {
    let media = object(payload, kind)?;
    let id = optional_str(media, "id", kind)?;
    let link = optional_str(media, "link", kind)?;
    match (id, link) {
        (None, None) => {
            return Err(GraphError::missing_parameter(format!(
                "The parameter {kind}['id'] or {kind}['link'] is required."
            )))
        }
        (Some(_), Some(_)) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param {kind} must have either id or link, not both."
            )))
        }
        (None, Some(link)) if !(link.starts_with("https://") || link.starts_with("http://")) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param {kind}['link'] must be a valid URL."
            )))
        }
        _ => {}
    }
    if let Some(caption) = optional_str(media, "caption", kind)? {
        max_len(caption, CAPTION_MAX, &format!("{kind}['caption']"))?;
    }
    Ok(())
}

fn check_location(payload: &Value) -> Result<(), GraphError> {
    let location = object(payload, "location")?;
    for key in ["latitude", "longitude"] {
        // Meta's own example sends coordinates as strings.
        let ok = match location.get(key) {
            None | Some(Value::Null) => {
                return Err(GraphError::missing_parameter(format!(
                    "The parameter location['{key}'] is required."
                )))
            }
            Some(Value::Number(_)) => true,
            Some(Value::String(s)) => s.trim().parse::<f64>().is_ok(),
            Some(_) => false,
        };
        if !ok {
            return Err(GraphError::invalid_parameter(format!(
                "Param location['{key}'] must be a number."
            )));
        }
    }
    Ok(())
}

fn check_contacts(payload: &Value) -> Result<(), GraphError> {
    let contacts = payload
        .as_array()
        .ok_or_else(|| GraphError::invalid_parameter("Param contacts must be an array."))?;
    if contacts.is_empty() {
        return Err(GraphError::missing_parameter(
            "The parameter contacts is required.",
        ));
    }
    for contact in contacts {
        let name = contact.get("name").ok_or_else(|| {
            GraphError::missing_parameter("The parameter contacts[]['name'] is required.")
        })?;
        required_str(
            object(name, "contacts[]['name']")?,
            "formatted_name",
            "contacts[]['name']",
        )?;
    }
    Ok(())
}

fn check_reaction(payload: &Value) -> Result<(), GraphError> {
    let reaction = object(payload, "reaction")?;
    required_str(reaction, "message_id", "reaction")?;
    // An empty emoji removes a reaction, so only absence is an error.
    required_str(reaction, "emoji", "reaction")?;
    Ok(())
}

fn check_template(payload: &Value) -> Result<String, GraphError> {
    let template = object(payload, "template")?;
    let name = required_str(template, "name", "template")?.to_string();
    let language = template.get("language").ok_or_else(|| {
        GraphError::missing_parameter("The parameter template['language'] is required.")
    })?;
    required_str(
        object(language, "template['language']")?,
        "code",
        "template['language']",
    )?;
    if let Some(components) = template.get("components") {
        let components = components.as_array().ok_or_else(|| {
            GraphError::invalid_parameter("Param template['components'] must be an array.")
        })?;
        for component in components {
            required_str(
                object(component, "component")?,
                "type",
                "template['components'][]",
            )?;
        }
    }
    Ok(name)
}

#[cfg(test)]
mod tests;
