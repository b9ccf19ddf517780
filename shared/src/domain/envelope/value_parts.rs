//! One pass over a change `value` too large for one queue message. It yields
//! each key's text, each update array as its elements' text, each message's
//! sender and the contacts' ids, all borrowed from the body. That replaces
//! four scans of up to 3 MB (the value, its arrays, each message for its
//! sender) with one.
//!
//! A message has to be read to find its sender, and its exact text is
//! needed too. serde gives both only as borrowed slices of the input, so
//! the text is located from them: from the `{` before its first key to the
//! `}` after its last value (`enclosing_object`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Arrays that hold one update per element and may be sliced.
const SPLITTABLE: [&str; 5] = [
    "messages",
    "statuses",
    "message_echoes",
    "user_preferences",
    "errors",
];

/// JSON's whitespace, the only bytes allowed between a brace and a key.
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// A change value, taken apart. Maps are sorted, as the slices list them.
#[derive(Default)]
pub(super) struct ValueParts<'a> {
    /// Every key that is neither an update array nor `contacts`
    /// (`metadata`, `messaging_product`, keys Meta adds later): each slice
    /// keeps them all.
    pub rest: BTreeMap<Cow<'a, str>, &'a RawValue>,
    pub arrays: BTreeMap<Cow<'a, str>, Vec<Update<'a>>>,
    pub contacts: Vec<Contact<'a>>,
}

/// One element of an update array.
pub(super) struct Update<'a> {
    pub text: &'a str,
    /// Only messages have one: their sender's contact travels along.
    pub sender: Sender<'a>,
}

#[derive(Default)]
pub(super) struct Sender<'a> {
    pub from: Option<Cow<'a, str>>,
    pub from_user_id: Option<Cow<'a, str>>,
}

pub(super) struct Contact<'a> {
    pub text: &'a str,
    pub wa_id: Option<Cow<'a, str>>,
    pub user_id: Option<Cow<'a, str>>,
}

impl<'a> ValueParts<'a> {
    /// Fails (the envelope's `wrong_shape`) when the value is not an object,
    /// an update array or `contacts` is not an array, a message is not an
    /// object, or a sender or contact id is not a string.
    pub fn parse(value: &'a RawValue) -> Result<Self, serde_json::Error> {
        let text = value.get();
        let mut de = serde_json::Deserializer::from_str(text);
        let parts = de.deserialize_map(PartsVisitor { text })?;
        de.end()?;
        Ok(parts)
    }
}

/// A string borrowed from the input where it has no escapes.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

#[derive(Deserialize)]
struct ContactIds<'a> {
    #[serde(borrow, default)]
    wa_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    user_id: Option<Cow<'a, str>>,
}

/// `text` is the whole value; every slice serde hands out lies within it.
struct PartsVisitor<'a> {
    text: &'a str,
}

impl<'a> Visitor<'a> for PartsVisitor<'a> {
    type Value = ValueParts<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a change value object")
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut parts = ValueParts::default();
        // A repeated key keeps its last value, as a map would.
        while let Some(Text(key)) = map.next_key()? {
            if key == "messages" {
                let messages = map.next_value_seed(Messages { text: self.text })?;
                parts.arrays.insert(key, messages);
            } else if SPLITTABLE.contains(&key.as_ref()) {
                let items: Vec<&RawValue> = map.next_value()?;
                let updates = items.into_iter().map(|raw| Update {
                    text: raw.get(),
                    sender: Sender::default(),
                });
                parts.arrays.insert(key, updates.collect());
            } else if key == "contacts" {
                let items: Vec<&RawValue> = map.next_value()?;
                parts.contacts = items
                    .into_iter()
                    .map(contact)
                    .collect::<Result<_, _>>()
                    .map_err(de::Error::custom)?;
            } else {
                parts.rest.insert(key, map.next_value()?);
            }
        }
        Ok(parts)
    }
}

fn contact(raw: &RawValue) -> Result<Contact<'_>, serde_json::Error> {
    let ids: ContactIds = serde_json::from_str(raw.get())?;
    Ok(Contact {
        text: raw.get(),
        wa_id: ids.wa_id,
        user_id: ids.user_id,
    })
}

/// The `messages` array.
struct Messages<'a> {
    text: &'a str,
}

impl<'a> DeserializeSeed<'a> for Messages<'a> {
    type Value = Vec<Update<'a>>;

    fn deserialize<D: Deserializer<'a>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'a> Visitor<'a> for Messages<'a> {
    type Value = Vec<Update<'a>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of messages")
    }

    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut messages = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(message) = seq.next_element_seed(Message { text: self.text })? {
            messages.push(message);
        }
        Ok(messages)
    }
}

/// One message: its sender, and its text found from the keys and values.
struct Message<'a> {
    text: &'a str,
}

impl<'a> DeserializeSeed<'a> for Message<'a> {
    type Value = Update<'a>;

    fn deserialize<D: Deserializer<'a>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'a> Visitor<'a> for Message<'a> {
    type Value = Update<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a message object")
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut first_key: Option<&'a str> = None;
        let mut last_value: Option<&'a str> = None;
        let mut from = None;
        let mut from_user_id = None;
        while let Some(key) = map.next_key::<&'a RawValue>()? {
            first_key.get_or_insert(key.get());
            let value: &'a RawValue = map.next_value()?;
            last_value = Some(value.get());
            let slot = match key_name::<A::Error>(key)?.as_ref() {
                "from" => &mut from,
                "from_user_id" => &mut from_user_id,
                _ => continue,
            };
            if slot.is_some() {
                return Err(de::Error::custom("a message names its sender twice"));
            }
            let id: Option<Text> = serde_json::from_str(value.get()).map_err(de::Error::custom)?;
            *slot = Some(id.map(|Text(s)| s));
        }
        let text = match (first_key, last_value) {
            (Some(first), Some(last)) => {
                enclosing_object(self.text, first, last).ok_or_else(|| {
                    <A::Error as de::Error>::custom("message text not found in the value")
                })?
            }
            // `{}` (perhaps with spaces inside): the same value, written plainly.
            _ => "{}",
        };
        Ok(Update {
            text,
            sender: Sender {
                from: from.flatten(),
                from_user_id: from_user_id.flatten(),
            },
        })
    }
}

/// A key's name: its raw text less the quotes, decoded only if escaped.
fn key_name<E: de::Error>(key: &RawValue) -> Result<Cow<'_, str>, E> {
    let raw = key.get();
    if raw.contains('\\') {
        serde_json::from_str::<String>(raw)
            .map(Cow::Owned)
            .map_err(E::custom)
    } else {
        Ok(Cow::Borrowed(&raw[1..raw.len() - 1]))
    }
}

/// The object in `text` whose first key is `first_key` and last value
/// `last_value` (both slices of `text`): from the `{` before the one to the
/// `}` after the other, with only whitespace between.
fn enclosing_object<'a>(text: &'a str, first_key: &str, last_value: &str) -> Option<&'a str> {
    let start = offset_in(text, first_key)?;
    let end = offset_in(text, last_value)? + last_value.len();
    let open = text[..start]
        .trim_end_matches(JSON_WHITESPACE)
        .strip_suffix('{')?;
    let after = &text[end..];
    let close = end + (after.len() - after.trim_start_matches(JSON_WHITESPACE).len());
    (text[close..].starts_with('}') && open.len() < close).then(|| &text[open.len()..=close])
}

/// Where `part` starts in `whole`, if it is a slice of it.
fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (start + part.len() <= whole.len()).then_some(start)
}

#[cfg(test)]
#[path = "value_parts_tests.rs"]
mod tests;
