//! Intake: turn one signed webhook POST into inbound-queue messages without
//! re-serialising what Meta sent. Values travel as the exact bytes received
//! (`RawValue`), so the webhook log keeps Meta's text and the webhook does no
//! more parsing than splitting needs.
//!
//! Meta may send up to 3 MB and 1000 updates in one POST, while an SQS
//! message holds at most 256 KiB. Small changes are packed together (fewer
//! SQS requests); a change too large for one message is cut into slices of
//! its update arrays, each slice keeping the envelope metadata.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::queued::{OutgoingBatch, OutgoingChange, RequestMeta, FORMAT_VERSION};

pub const WHATSAPP_OBJECT: &str = "whatsapp_business_account";

/// Arrays that hold one update per element and may be sliced.
const SPLITTABLE: [&str; 5] = [
    "messages",
    "statuses",
    "message_echoes",
    "user_preferences",
    "errors",
];

/// Room left for the batch's own fields (request meta, keys, commas).
const BATCH_OVERHEAD: usize = 1024;
const CHANGE_OVERHEAD: usize = 64;

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
/// most `max_message_bytes` long.
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
    let mut units: Vec<(String, Cow<'_, str>, ValueText<'_>)> = Vec::new();
    for entry in &envelope.entry {
        let waba_id = entry.id.get().trim_matches('"').to_owned();
        for change in &entry.changes {
            let room = budget.saturating_sub(waba_id.len() + change.field.len() + CHANGE_OVERHEAD);
            if change.value.get().len() <= room {
                units.push((
                    waba_id.clone(),
                    change.field.clone(),
                    ValueText::Borrowed(change.value),
                ));
            } else {
                for slice in split_value(change.value, room).map_err(EnvelopeError::Shape)? {
                    units.push((
                        waba_id.clone(),
                        change.field.clone(),
                        ValueText::Owned(slice),
                    ));
                }
            }
        }
    }
    let changes = units.len();
    let mut messages = Vec::new();
    let mut current: Vec<OutgoingChange<'_>> = Vec::new();
    let mut size = 0;
    for (waba_id, field, value) in &units {
        let unit_size = value.get().len() + waba_id.len() + field.len() + CHANGE_OVERHEAD;
        if !current.is_empty() && size + unit_size > budget {
            messages.push(render(meta, messages.len(), &current, size));
            current.clear();
            size = 0;
        }
        size += unit_size;
        current.push(OutgoingChange {
            waba_id,
            field,
            value: value.get_raw(),
        });
    }
    if !current.is_empty() {
        messages.push(render(meta, messages.len(), &current, size));
    }
    Ok(Intake { messages, changes })
}

enum ValueText<'a> {
    Borrowed(&'a RawValue),
    Owned(Box<RawValue>),
}

impl ValueText<'_> {
    fn get_raw(&self) -> &RawValue {
        match self {
            Self::Borrowed(r) => r,
            Self::Owned(b) => b,
        }
    }
    fn get(&self) -> &str {
        self.get_raw().get()
    }
}

/// `size` is the batch's estimated length: writing into a buffer of that
/// capacity saves the doubling reallocations (copies and fresh page faults)
/// that dominate when a 3 MB POST becomes a dozen 250 KiB messages.
fn render(meta: &RequestMeta, part: usize, changes: &[OutgoingChange<'_>], size: usize) -> String {
    let batch = OutgoingBatch {
        v: FORMAT_VERSION,
        request: meta,
        part,
        changes,
    };
    let mut buf = Vec::with_capacity(size + BATCH_OVERHEAD);
    serde_json::to_writer(&mut buf, &batch).expect("serialising borrowed JSON cannot fail");
    let json = String::from_utf8(buf).expect("serde_json writes UTF-8");
    sqs_safe(json)
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

#[derive(Deserialize)]
struct Sender<'a> {
    #[serde(borrow, default)]
    from: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    from_user_id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ContactIds<'a> {
    #[serde(borrow, default)]
    wa_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    user_id: Option<Cow<'a, str>>,
}

/// Cuts one oversized `value` into values that each fit `room` bytes.
/// Every slice keeps the value's other keys (`metadata`, `messaging_product`);
/// a `messages` slice carries only the `contacts` of its senders.
fn split_value(value: &RawValue, room: usize) -> Result<Vec<Box<RawValue>>, serde_json::Error> {
    let map: BTreeMap<Cow<'_, str>, &RawValue> = serde_json::from_str(value.get())?;
    let mut rest: BTreeMap<&str, Part<'_>> = BTreeMap::new();
    let mut arrays: Vec<(&str, Vec<&RawValue>)> = Vec::new();
    let mut contacts: Vec<&RawValue> = Vec::new();
    for (key, raw) in &map {
        if SPLITTABLE.contains(&key.as_ref()) {
            arrays.push((key.as_ref(), serde_json::from_str(raw.get())?));
        } else if key == "contacts" {
            contacts = serde_json::from_str(raw.get())?;
        } else {
            rest.insert(key.as_ref(), Part::Raw(raw));
        }
    }
    let contact_ids: Vec<ContactIds> = contacts
        .iter()
        .map(|c| serde_json::from_str(c.get()))
        .collect::<Result<_, _>>()?;
    let base = serde_json::to_string(&rest)?.len() + 32;
    let mut slices = Vec::new();
    let mut unclaimed: BTreeSet<usize> = (0..contacts.len()).collect();
    for (key, items) in &arrays {
        // For messages, which contacts each one needs along.
        let needs: Vec<Vec<usize>> = if *key == "messages" {
            items
                .iter()
                .map(|m| {
                    let sender: Sender = serde_json::from_str(m.get())?;
                    Ok(contact_ids
                        .iter()
                        .enumerate()
                        .filter(|(_, ids)| same_person(&sender, ids))
                        .map(|(i, _)| i)
                        .collect())
                })
                .collect::<Result<_, serde_json::Error>>()?
        } else {
            vec![Vec::new(); items.len()]
        };
        let mut start = 0;
        while start < items.len() {
            let mut end = start;
            let mut size = base + key.len();
            let mut carried: BTreeSet<usize> = BTreeSet::new();
            while end < items.len() {
                let extra: usize = needs[end]
                    .iter()
                    .filter(|i| !carried.contains(i))
                    .map(|&i| contacts[i].get().len() + 1)
                    .sum();
                let grown = size + items[end].get().len() + 1 + extra;
                if end > start && grown > room {
                    break;
                }
                size = grown;
                carried.extend(needs[end].iter().copied());
                end += 1;
            }
            let mut part = rest.clone();
            part.insert(key, Part::Items(items[start..end].to_vec()));
            if !carried.is_empty() {
                unclaimed.retain(|i| !carried.contains(i));
                part.insert(
                    "contacts",
                    Part::Items(carried.iter().map(|&i| contacts[i]).collect()),
                );
            }
            // Built from values already parsed, so it is valid JSON:
            // `to_raw_value` skips the re-parse `RawValue::from_string` does.
            slices.push(serde_json::value::to_raw_value(&part)?);
            start = end;
        }
    }
    if !unclaimed.is_empty() {
        // Contacts no message names still reach the processor, in a slice of their own.
        let mut part = rest.clone();
        part.insert(
            "contacts",
            Part::Items(unclaimed.iter().map(|&i| contacts[i]).collect()),
        );
        slices.push(serde_json::value::to_raw_value(&part)?);
    }
    Ok(slices)
}

fn same_person(sender: &Sender, ids: &ContactIds) -> bool {
    let eq = |a: &Option<Cow<str>>, b: &Option<Cow<str>>| matches!((a, b), (Some(a), Some(b)) if !a.is_empty() && a == b);
    eq(&sender.from, &ids.wa_id) || eq(&sender.from_user_id, &ids.user_id)
}

#[derive(Clone, serde::Serialize)]
#[serde(untagged)]
enum Part<'a> {
    Raw(&'a RawValue),
    Items(Vec<&'a RawValue>),
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;
