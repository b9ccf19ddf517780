//! The typed content of a message as named fields: what the processor and
//! the sender store beside Meta's raw element, and what the contacts API
//! serves as a message's `content` (docs/contracts/contacts-api.yaml,
//! `MessageContent`). One mapping for both, so storage and the API agree.

use serde_json::{json, Map, Value};

use super::model::{InboundMessage, InteractiveReply, MessageContent, SystemEvent};

/// The names [`content_fields`] may use: a stored message item holds its
/// typed content under these attributes, and nothing else does.
pub const CONTENT_FIELDS: &[&str] = &[
    "text",
    "caption",
    "media",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
    "order",
    "system",
    "unsupported",
    "edit",
    "revoke",
];

/// Meta's payload object, typed: a text's body is `text`, a plain string;
/// a media's caption is `caption` beside `media`; the rest one object each,
/// named for the message type. An unknown type has no fields.
pub fn content_fields(content: &MessageContent) -> Map<String, Value> {
    let mut f = Map::new();
    let mut put = |k: &str, v: Value| {
        f.insert(k.to_owned(), v);
    };
    match content {
        MessageContent::Text { body } => put("text", json!(body)),
        MessageContent::Media { media, .. } => {
            let mut m = Map::new();
            for (k, v) in [
                ("id", &media.id),
                ("mime_type", &media.mime_type),
                ("sha256", &media.sha256),
                ("filename", &media.filename),
                ("url", &media.url),
            ] {
                if let Some(v) = v {
                    m.insert(k.into(), json!(v));
                }
            }
            for (k, v) in [("voice", media.voice), ("animated", media.animated)] {
                if let Some(v) = v {
                    m.insert(k.into(), json!(v));
                }
            }
            put("media", Value::Object(m));
            if let Some(c) = &media.caption {
                put("caption", json!(c));
            }
        }
        MessageContent::Location {
            latitude,
            longitude,
            name,
            address,
            url,
        } => {
            let mut l = json!({"latitude": latitude, "longitude": longitude});
            for (k, v) in [("name", name), ("address", address), ("url", url)] {
                if let Some(v) = v {
                    l[k] = json!(v);
                }
            }
            put("location", l);
        }
        MessageContent::Contacts { contacts } => put("contacts", json!(contacts)),
        MessageContent::Interactive(reply) => put("interactive", interactive(reply)),
        MessageContent::Button { payload, text } => {
            put("button", some_of([("payload", payload), ("text", text)]));
        }
        MessageContent::Reaction { message_id, emoji } => {
            let mut r = json!({"message_id": message_id, "removed": emoji.is_none()});
            if let Some(e) = emoji {
                r["emoji"] = json!(e);
            }
            put("reaction", r);
        }
        MessageContent::Order {
            catalog_id,
            text,
            items,
        } => {
            let mut o = some_of([("catalog_id", catalog_id), ("text", text)]);
            o["items"] = json!(items);
            put("order", o);
        }
        MessageContent::System(event) => put("system", system(event)),
        MessageContent::Unsupported { kind, error_codes } => {
            let mut u = some_of([("type", kind)]);
            u["error_codes"] = json!(error_codes);
            put("unsupported", u);
        }
        MessageContent::Edit {
            original,
            message_type,
            content,
        } => {
            let mut e = some_of([("original_message_id", original), ("type", message_type)]);
            if let Some(c) = content {
                e["content"] = Value::Object(content_fields(c));
            }
            put("edit", e);
        }
        MessageContent::Revoke { original } => {
            put("revoke", some_of([("original_message_id", original)]));
        }
        MessageContent::Unknown => {}
    }
    f
}

/// The typed content and what surrounds it: the message replied to, the
/// forwarding marks, the group, the ad or product it came from.
pub fn message_fields(m: &InboundMessage) -> Map<String, Value> {
    let mut f = content_fields(&m.content);
    if let Some(ctx) = &m.context {
        if let Some(id) = &ctx.replied_to {
            f.insert("reply_to".into(), json!(id));
        }
        if ctx.forwarded || ctx.frequently_forwarded {
            f.insert("forwarded".into(), json!(true));
        }
        if let Some(p) = &ctx.referred_product {
            f.insert("referred_product".into(), json!(p));
        }
    }
    if let Some(g) = &m.group_id {
        f.insert("group_id".into(), json!(g));
    }
    if let Some(r) = &m.referral {
        f.insert("referral".into(), json!(r));
    }
    f
}

fn interactive(reply: &InteractiveReply) -> Value {
    match reply {
        InteractiveReply::Button { id, title } => {
            json!({"type": "button_reply", "id": id, "title": title})
        }
        InteractiveReply::List { id, title } => {
            json!({"type": "list_reply", "id": id, "title": title})
        }
        InteractiveReply::Flow {
            name,
            response_json,
        } => {
            let mut v = some_of([("name", name), ("response_json", response_json)]);
            v["type"] = json!("nfm_reply");
            v
        }
        InteractiveReply::Other(kind) => json!({"type": kind}),
    }
}

fn system(event: &SystemEvent) -> Value {
    match event {
        SystemEvent::NumberChanged { new_wa_id } => {
            let mut v = json!({"type": "user_changed_number"});
            if let Some(w) = new_wa_id {
                v["new_wa_id"] = json!(w.as_str());
            }
            v
        }
        SystemEvent::IdentityChanged => json!({"type": "customer_identity_changed"}),
        SystemEvent::Other(kind) => json!({"type": kind}),
    }
}

/// An object of the fields that are present.
fn some_of<const N: usize>(fields: [(&str, &Option<String>); N]) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), json!(v))))
            .collect(),
    )
}
