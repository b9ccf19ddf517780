//! Outbound commands: what internal systems ask the connector to send.
//!
//! A command is JSON on the outbound queue (contract:
//! `docs/contracts/outbound-command.schema.json`). [`parse_command`] is the
//! only way in; it refuses anything the contract does not allow with a
//! stable [`CommandError::reason`], so a bad command fails once, clearly,
//! instead of failing at Meta. [`graph_body`] turns a command into the Graph
//! API request, and [`graph_error`] reads Meta's answer when it fails.

mod auto_reply;
mod category;
mod command;
mod error;
mod field_checks;
mod fields;
mod graph_body;
pub mod graph_error;
mod interactive;
mod media_source;
mod message;
mod sent_content;
mod template;

use serde_json::Value;

pub use auto_reply::{AutoReply, ReplyMessage, TemplateLanguage, TemplateRef, TextBody};
pub use category::Category;
pub use command::{
    BusinessLink, IdempotencyKey, OutboundCommand, OutboundMessage, RestrictionOverride,
    IDEMPOTENCY_KEY_MAX,
};
pub use error::{CommandError, COMMAND_FIELDS};
pub use fields::{
    normalize_phone, parse_timestamp, LINKS_MAX, LINK_FIELD_MAX, PHONE_DIGITS_MAX, PHONE_DIGITS_MIN,
};
pub use graph_body::graph_body;
pub use graph_error::{classify, describe, parse_graph_error, FailureClass, GraphError};
pub use interactive::INTERACTIVE_TYPES;
pub use media_source::{
    check_object, is_bucket_name, mime_from_extension, s3_media, upload_filename, with_media_ids,
    MediaSources, ObjectRefusal, S3Media, SourceRefusal, OUTBOUND_PREFIX,
};
pub use message::{ACTION_TYPES, CAPTION_MAX, MESSAGE_TYPES, TEXT_BODY_MAX};
pub use sent_content::sent_content_fields;
pub use template::{CARD_COMPONENT_TYPES, COMPONENT_TYPES};

use fields::present;

/// Parses and validates one command. Checks run in a fixed order (unknown
/// fields, idempotency key, message, recipient, the other fields), so a
/// command with several faults always reports the same one.
pub fn parse_command(body: &str) -> Result<OutboundCommand, CommandError> {
    let value: Value =
        serde_json::from_str(body).map_err(|e| CommandError::InvalidJson(e.to_string()))?;
    let Value::Object(mut obj) = value else {
        return Err(CommandError::InvalidJson(format!(
            "expected an object, got {}",
            fields::json_type(&value)
        )));
    };
    if let Some(k) = obj.keys().find(|k| !COMMAND_FIELDS.contains(&k.as_str())) {
        return Err(CommandError::UnknownField(error::shown(k)));
    }
    let idempotency_key = match present(&obj, "idempotency_key") {
        None => return Err(CommandError::MissingField("idempotency_key")),
        Some(Value::String(s)) => IdempotencyKey::parse(s)?,
        Some(_) => return Err(CommandError::InvalidIdempotencyKey("must be a string")),
    };
    let message = match obj.remove("message") {
        None | Some(Value::Null) => return Err(CommandError::MissingField("message")),
        Some(m) => message::parse(m)?,
    };
    let to = fields::to(present(&obj, "to"))?;
    if to.is_none() && !message.is_action() {
        return Err(CommandError::MissingRecipient(
            message.message_type().to_owned(),
        ));
    }
    let phone_number_id = fields::phone_number_id(present(&obj, "phone_number_id"))?;
    // Meta bills every template as marketing, utility or authentication, and
    // an opt-out must not be bypassed by leaving the category out: a template
    // without one counts as utility (suppressed for opted-out contacts), and
    // `service` is only for free-form replies inside the window.
    let category = match (
        fields::category(present(&obj, "category"))?,
        message.is_template(),
    ) {
        (Some(Category::Service), true) => {
            return Err(CommandError::InvalidCategory(
                "`service` is for replies, a template is marketing, utility or authentication"
                    .into(),
            ))
        }
        (Some(c), _) => c,
        (None, true) => Category::Utility,
        (None, false) => Category::Service,
    };
    let reply_to = fields::reply_to(present(&obj, "reply_to"))?;
    if reply_to.is_some() && (message.is_action() || message.message_type() == "reaction") {
        return Err(CommandError::InvalidReplyTo(
            "is not allowed with reactions, mark_read and typing_indicator",
        ));
    }
    Ok(OutboundCommand {
        idempotency_key,
        to,
        phone_number_id,
        category,
        message,
        reply_to,
        links: fields::links(present(&obj, "links"))?,
        not_after: fields::not_after(present(&obj, "not_after"))?,
        consent: fields::consent(present(&obj, "consent"), category)?,
        override_restriction: fields::override_restriction(present(&obj, "override_restriction"))?,
        template_category: None,
    })
}

/// When parsing fails, the idempotency key if it can still be read (so the
/// failure can be recorded against it).
pub fn salvage_idempotency_key(body: &str) -> Option<IdempotencyKey> {
    let value: Value = serde_json::from_str(body).ok()?;
    IdempotencyKey::parse(value.get("idempotency_key")?.as_str()?).ok()
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod command_tests;

#[cfg(test)]
#[path = "corpus_tests.rs"]
mod corpus_tests;

#[cfg(test)]
#[path = "graph_body_tests.rs"]
mod graph_body_tests;

#[cfg(test)]
#[path = "sent_content_tests.rs"]
mod sent_content_tests;
