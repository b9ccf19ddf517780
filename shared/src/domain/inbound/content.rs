//! The content of one message, by its type.

use super::model::{InteractiveReply, MediaKind, MediaRef, MessageContent, SystemEvent};
use super::wire::{Body, TypeOnly};
use crate::domain::ids::WaId;

fn content_of(message_type: &str, b: Body) -> Option<MessageContent> {
    let media = |kind, m: Option<MediaRef>| m.map(|media| MessageContent::Media { kind, media });
    Some(match message_type {
        "text" => MessageContent::Text { body: b.text?.body },
        "image" => return media(MediaKind::Image, b.image),
        "video" => return media(MediaKind::Video, b.video),
        "document" => return media(MediaKind::Document, b.document),
        "audio" => return media(MediaKind::Audio, b.audio),
        "sticker" => return media(MediaKind::Sticker, b.sticker),
        "location" => {
            let l = b.location?;
            MessageContent::Location {
                latitude: l.latitude,
                longitude: l.longitude,
                name: l.name,
                address: l.address,
                url: l.url,
            }
        }
        "contacts" => MessageContent::Contacts {
            contacts: b.contacts?,
        },
        "interactive" => {
            let i = b.interactive?;
            MessageContent::Interactive(
                match (i.kind.as_str(), i.button_reply, i.list_reply, i.nfm_reply) {
                    ("button_reply", Some(r), _, _) => InteractiveReply::Button {
                        id: r.id,
                        title: r.title,
                    },
                    ("list_reply", _, Some(r), _) => InteractiveReply::List {
                        id: r.id,
                        title: r.title,
                    },
                    ("nfm_reply", _, _, Some(f)) => InteractiveReply::Flow {
                        name: f.name,
                        response_json: f.response_json,
                    },
                    (other, ..) => InteractiveReply::Other(other.to_owned()),
                },
            )
        }
        "button" => {
            let btn = b.button?;
            MessageContent::Button {
                payload: btn.payload,
                text: btn.text,
            }
        }
        "reaction" => {
            let r = b.reaction?;
            MessageContent::Reaction {
                message_id: r.message_id,
                emoji: r.emoji.filter(|e| !e.is_empty()),
            }
        }
        "order" => {
            let o = b.order?;
            MessageContent::Order {
                catalog_id: o.catalog_id,
                text: o.text,
                items: o.product_items,
            }
        }
        "system" => {
            let s = b.system?;
            MessageContent::System(match s.kind.as_deref() {
                Some("user_changed_number") => SystemEvent::NumberChanged {
                    new_wa_id: s.wa_id.and_then(|w| WaId::parse(&w).ok()),
                },
                Some("customer_identity_changed") => SystemEvent::IdentityChanged,
                other => SystemEvent::Other(other.unwrap_or("unknown").to_owned()),
            })
        }
        "unsupported" => MessageContent::Unsupported {
            kind: b.unsupported.and_then(|u| u.kind),
            error_codes: b
                .errors
                .unwrap_or_default()
                .iter()
                .filter_map(|e| e.code)
                .collect(),
        },
        "edit" => {
            let e = b.edit?;
            let message_type = e
                .message
                .as_deref()
                .and_then(|m| serde_json::from_str::<TypeOnly>(m.get()).ok())
                .and_then(|t| t.kind);
            let content = match (&message_type, &e.message) {
                (Some(t), Some(m)) => Some(Box::new(read_content(t, m.get()))),
                _ => None,
            };
            MessageContent::Edit {
                original: e.original_message_id,
                message_type,
                content,
            }
        }
        "revoke" => MessageContent::Revoke {
            original: b.revoke?.original_message_id,
        },
        _ => MessageContent::Unknown,
    })
}

/// The content of a message element read on its own: Meta's message object,
/// or a Graph API send body (same `type` and payload object). What cannot be
/// read is `Unknown`, as in the webhook.
pub fn read_content(message_type: &str, element: &str) -> MessageContent {
    serde_json::from_str::<Body>(element)
        .ok()
        .and_then(|body| content_of(message_type, body))
        .unwrap_or(MessageContent::Unknown)
}
