//! Intake: turn one signed webhook POST into inbound-queue messages without
//! re-serialising what Meta sent. Values travel as the exact bytes received
//! (`RawValue`), so the webhook log keeps Meta's text and the webhook does no
//! more parsing than splitting needs.
//!
//! Meta may send up to 3 MB and 1000 updates in one POST, while an SQS
//! message holds at most 256 KiB. Small changes are packed together (fewer
//! SQS requests); a change too large for one message is cut into slices of
//! its update arrays, each slice keeping the envelope metadata.
//!
//! Cost, on a 3 MB POST: the envelope parse reads the body once, and a value
//! too large for one message is read once more (`value_parts`), all
//! borrowed. Its slices are views of those parts (`slices`), written
//! straight into the queue messages (`queue_message`): each byte of the body
//! is copied once.

mod queue_message;
mod slices;
mod value_parts;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::queued::RequestMeta;
use super::queued::{OVERSIZED_KEY, REJECTED_FIELD};
use queue_message::{render, Header, Unit, UnitValue};
use value_parts::ValueParts;

pub const WHATSAPP_OBJECT: &str = "whatsapp_business_account";

/// Room left for the batch's own fields (request meta, keys, commas).
const BATCH_OVERHEAD: usize = 1024;
const CHANGE_OVERHEAD: usize = 64;
/// How much of an oversized value with nothing to slice its stand-in keeps,
/// as much as the `rejected` diagnostic keeps of a refused body.
const OVERSIZED_HEAD: usize = 16 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("body is not UTF-8")]
    NotUtf8,
    #[error("body is not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("JSON does not have the webhook envelope's shape: {0}")]
    Shape(serde_json::Error),
    #[error("object is {0:?}, expected \"whatsapp_business_account\"")]
    WrongObject(String),
}

impl EnvelopeError {
    /// A short stable label for metrics and the diagnostic record.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotUtf8 => "not_utf8",
            Self::NotJson(_) => "not_json",
            Self::Shape(_) => "wrong_shape",
            Self::WrongObject(_) => "wrong_object",
        }
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    object: Cow<'a, str>,
    #[serde(borrow)]
    entry: Vec<Entry<'a>>,
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    id: &'a RawValue,
    #[serde(borrow, default)]
    changes: Vec<Change<'a>>,
}

#[derive(Deserialize)]
struct Change<'a> {
    #[serde(borrow)]
    field: Cow<'a, str>,
    #[serde(borrow)]
    value: &'a RawValue,
}

/// What the webhook must enqueue before it may answer 200.
#[derive(Debug, Default)]
pub struct Intake {
    pub messages: Vec<String>,
    pub changes: usize,
}

/// Parses and splits a verified POST body into queue message bodies, each at
/// most `max_message_bytes` long (unless one update alone is longer).
pub fn split_for_queue(
    body: &[u8],
    meta: &RequestMeta,
    max_message_bytes: usize,
) -> Result<Intake, EnvelopeError> {
    let text = std::str::from_utf8(body).map_err(|_| EnvelopeError::NotUtf8)?;
    let envelope: Envelope = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => EnvelopeError::Shape(e),
        _ => EnvelopeError::NotJson(e),
    })?;
    if envelope.object != WHATSAPP_OBJECT {
        return Err(EnvelopeError::WrongObject(envelope.object.into_owned()));
    }
    let budget = max_message_bytes.saturating_sub(BATCH_OVERHEAD);
    let changes: Vec<(&str, &Change)> = envelope
        .entry
        .iter()
        .flat_map(|entry| {
            let waba_id = entry.id.get().trim_matches('"');
            entry.changes.iter().map(move |change| (waba_id, change))
        })
        .collect();
    let room = |waba_id: &str, change: &Change| {
        budget.saturating_sub(waba_id.len() + change.field.len() + CHANGE_OVERHEAD)
    };
    // Values too large for one message, taken apart first: their slices borrow them.
    let parts: Vec<Option<ValueParts>> = changes
        .iter()
        .map(|&(waba_id, change)| {
            (change.value.get().len() > room(waba_id, change))
                .then(|| ValueParts::parse(change.value))
                .transpose()
        })
        .collect::<Result<_, _>>()
        .map_err(EnvelopeError::Shape)?;
    let mut units: Vec<Unit> = Vec::new();
    for (&(waba_id, change), parts) in changes.iter().zip(&parts) {
        let unit = |value| Unit {
            waba_id,
            field: &change.field,
            value,
        };
        match parts {
            None => units.push(unit(UnitValue::Whole(change.value))),
            Some(parts) => {
                let slices = slices::cut(parts, room(waba_id, change));
                if slices.is_empty() {
                    units.push(unit(UnitValue::StandIn(stand_in(change.value, parts))));
                }
                units.extend(slices.into_iter().map(|s| unit(UnitValue::Slice(s))));
            }
        }
    }
    Ok(Intake {
        changes: units.len(),
        messages: pack(&units, meta, budget),
    })
}

/// The queue message recording a signed POST that was refused: one
/// [`REJECTED_FIELD`] change holding `value`, part 0. The message
/// `QueuedBatch::rejected_post` serialises to, written by the intake's own
/// writer so the webhook carries one writer of queue messages, not two.
pub fn rejected_post(meta: &RequestMeta, value: &RawValue) -> String {
    let unit = Unit {
        waba_id: "",
        field: REJECTED_FIELD,
        value: UnitValue::Whole(value),
    };
    finish(&Header::new(meta), 0, &[unit], value.get().len())
}

/// What is queued for a value too large for one message that has no update
/// array and no contacts to slice it by: its size, its keys and its start,
/// so that the processor keeps a diagnostic instead of the change vanishing.
fn stand_in(value: &RawValue, parts: &ValueParts) -> String {
    let text = value.get();
    let mut end = OVERSIZED_HEAD.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let keys: Vec<&str> = parts.rest.keys().map(AsRef::as_ref).collect();
    let mut inner = serde_json::Map::new();
    inner.insert("bytes".into(), text.len().into());
    inner.insert("keys".into(), keys.into());
    inner.insert("head".into(), text[..end].into());
    let mut outer = serde_json::Map::new();
    outer.insert(OVERSIZED_KEY.into(), inner.into());
    serde_json::Value::Object(outer).to_string()
}

/// Packs units, in order, into queue messages of at most `budget` estimated bytes.
fn pack(units: &[Unit], meta: &RequestMeta, budget: usize) -> Vec<String> {
    let header = Header::new(meta);
    let mut messages = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, unit) in units.iter().enumerate() {
        let unit_size = unit.value_len() + unit.waba_id.len() + unit.field.len() + CHANGE_OVERHEAD;
        if i > start && size + unit_size > budget {
            messages.push(finish(&header, messages.len(), &units[start..i], size));
            start = i;
            size = 0;
        }
        size += unit_size;
    }
    if start < units.len() {
        messages.push(finish(&header, messages.len(), &units[start..], size));
    }
    messages
}

fn finish(header: &Header, part: usize, units: &[Unit], size: usize) -> String {
    sqs_safe(render(header, part, units, size + BATCH_OVERHEAD))
}

/// SQS refuses U+FFFE and U+FFFF, which JSON allows inside strings. They can
/// only stand inside strings here, so writing them as `\u` escapes keeps the
/// JSON equal in value while the queue accepts it.
///
/// Two single-character searches rather than one over `[char; 2]`: a single
/// `char` is found with a vectorised byte search, a set of them by decoding
/// every character, which cost milliseconds on a 3 MB POST.
pub fn sqs_safe(json: String) -> String {
    if !json.contains('\u{FFFE}') && !json.contains('\u{FFFF}') {
        return json;
    }
    json.replace('\u{FFFE}', "\\ufffe")
        .replace('\u{FFFF}', "\\uffff")
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "envelope_slicing_tests.rs"]
mod slicing_tests;
