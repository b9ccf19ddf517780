//! A sent message's typed content, read straight from the command's message
//! object: the fields [`content_fields`] gives a received message of the same
//! type (the sender stores them beside the Graph body it sent, the contacts
//! API serves them). It walks the JSON it already holds instead of printing
//! the body and reading it back with the webhook's parser, which kept that
//! whole parser in the sender. `sent_content_tests` pins it to
//! `content_fields(read_content(..))` for every sendable type.
//!
//! [`content_fields`]: crate::domain::inbound::content_fields

use serde_json::{Map, Value};

/// Which JSON a field of the typed content takes, as the webhook's reader
/// accepts it. A field of another kind makes the whole content unreadable
/// (no fields), as it does there.
enum Shape {
    Str,
    Bool,
    Obj(&'static [(&'static str, Shape)]),
    List(&'static Shape),
}

use Shape::{Bool, List, Obj, Str};

const MEDIA: &[(&str, Shape)] = &[
    ("id", Str),
    ("mime_type", Str),
    ("sha256", Str),
    ("filename", Str),
    ("url", Str),
    ("caption", Str),
    ("voice", Bool),
    ("animated", Bool),
];
const PLACE: &[(&str, Shape)] = &[("name", Str), ("address", Str), ("url", Str)];
const REACTION: &[(&str, Shape)] = &[("message_id", Str), ("emoji", Str)];
const TYPED: &[(&str, Shape)] = &[("type", Str)];

/// A shared contact card (`inbound::SharedContact`), field for field.
const CONTACT: Shape = Obj(&[
    (
        "name",
        Obj(&[
            ("formatted_name", Str),
            ("first_name", Str),
            ("middle_name", Str),
            ("last_name", Str),
        ]),
    ),
    (
        "phones",
        List(&Obj(&[("phone", Str), ("wa_id", Str), ("type", Str)])),
    ),
    ("emails", List(&Obj(&[("email", Str), ("type", Str)]))),
    ("urls", List(&Obj(&[("url", Str), ("type", Str)]))),
    (
        "addresses",
        List(&Obj(&[
            ("street", Str),
            ("city", Str),
            ("state", Str),
            ("zip", Str),
            ("country", Str),
            ("country_code", Str),
            ("type", Str),
        ])),
    ),
    (
        "org",
        Obj(&[("company", Str), ("department", Str), ("title", Str)]),
    ),
    ("birthday", Str),
]);

/// The typed content of a sent message of type `message_type` whose payload
/// (the object named by the type) is `payload`. Every type the command
/// contract sends is covered; a template has no typed content.
pub fn sent_content_fields(message_type: &str, payload: &Value) -> Map<String, Value> {
    content(message_type, payload).unwrap_or_default()
}

fn content(message_type: &str, payload: &Value) -> Option<Map<String, Value>> {
    let mut f = Map::new();
    match message_type {
        "text" => {
            let body = payload.as_object()?.get("body")?.as_str()?;
            f.insert("text".into(), body.into());
        }
        "image" | "video" | "document" | "audio" | "sticker" => {
            let mut media = object(payload, MEDIA)?;
            let caption = media.remove("caption");
            f.insert("media".into(), Value::Object(media));
            if let Some(c) = caption {
                f.insert("caption".into(), c);
            }
        }
        "location" => {
            let coordinate = |key| match payload.get(key)? {
                Value::Number(n) => n.as_f64().map(Value::from),
                _ => None,
            };
            let mut l = Map::new();
            l.insert("latitude".into(), coordinate("latitude")?);
            l.insert("longitude".into(), coordinate("longitude")?);
            l.extend(object(payload, PLACE)?);
            f.insert("location".into(), Value::Object(l));
        }
        "contacts" => {
            f.insert("contacts".into(), pick(payload, &List(&CONTACT))?);
        }
        // The contract sends only the message kinds of interactive (button,
        // list, flow…), never a reply kind: the type is all there is.
        "interactive" => {
            let typed = object(payload, TYPED)?;
            typed.get("type")?;
            f.insert("interactive".into(), Value::Object(typed));
        }
        "reaction" => {
            let mut r = object(payload, REACTION)?;
            r.get("message_id")?;
            // An empty emoji removes the reaction.
            let emoji = r.remove("emoji").filter(|e| e.as_str() != Some(""));
            r.insert("removed".into(), emoji.is_none().into());
            if let Some(e) = emoji {
                r.insert("emoji".into(), e);
            }
            f.insert("reaction".into(), Value::Object(r));
        }
        _ => {}
    }
    Some(f)
}

/// The value in `shape`, or `None` where the reader would refuse it.
fn pick(value: &Value, shape: &Shape) -> Option<Value> {
    match (shape, value) {
        (Str, Value::String(_)) | (Bool, Value::Bool(_)) => Some(value.clone()),
        (List(item), Value::Array(items)) => items
            .iter()
            .map(|i| pick(i, item))
            .collect::<Option<_>>()
            .map(Value::Array),
        (Obj(fields), _) => object(value, fields).map(Value::Object),
        _ => None,
    }
}

/// The known fields of an object, as the typed content writes them back:
/// unknown ones and nulls left out, and empty lists too.
fn object(value: &Value, fields: &[(&str, Shape)]) -> Option<Map<String, Value>> {
    let obj = value.as_object()?;
    let mut out = Map::new();
    for (key, shape) in fields {
        match (obj.get(*key), shape) {
            (None, _) => {}
            // A missing optional field may be null; a list may not.
            (Some(Value::Null), List(_)) => return None,
            (Some(Value::Null), _) => {}
            (Some(v), _) => match pick(v, shape)? {
                Value::Array(a) if a.is_empty() => {}
                v => {
                    out.insert((*key).to_owned(), v);
                }
            },
        }
    }
    Some(out)
}
