//! Cutting a change value too large for one queue message into slices that
//! each fit. A slice is a view of the parsed parts: it is written straight
//! into its queue message, never built as a value of its own first.
//!
//! Every slice keeps the value's other keys (`metadata`,
//! `messaging_product`); a `messages` slice carries only the `contacts` of
//! its senders, and contacts no message names get a slice of their own.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use super::value_parts::{Contact, Update, ValueParts};

/// One slice: the parts' other keys, a run of one update array, and the
/// contacts it carries (indices into `parts.contacts`, ascending).
pub(super) struct Slice<'p, 'a> {
    parts: &'p ValueParts<'a>,
    updates: Option<(&'p str, &'p [Update<'a>])>,
    contacts: Vec<usize>,
    /// The exact length `write` produces, for packing.
    len: usize,
}

/// What one key of a slice holds.
enum Entry<'p, 'a> {
    Raw(&'p str),
    Updates(&'p [Update<'a>]),
    Contacts(&'p [Contact<'a>], &'p [usize]),
}

/// Cuts `parts` into slices whose written length fits `room`, except that
/// a single update larger than `room` still gets a slice of its own.
/// Updates keep their order: array by array, in key order.
pub(super) fn cut<'p, 'a>(parts: &'p ValueParts<'a>, room: usize) -> Vec<Slice<'p, 'a>> {
    let base = json_len(&parts.rest) + 32;
    let mut slices = Vec::new();
    let mut unclaimed: BTreeSet<usize> = (0..parts.contacts.len()).collect();
    let senders = SenderIndex::new(&parts.contacts);
    for (key, updates) in &parts.arrays {
        let needs: Vec<Vec<usize>> = updates.iter().map(|u| senders.of(u)).collect();
        let mut start = 0;
        while start < updates.len() {
            let mut end = start;
            let mut size = base + key.len();
            let mut carried: BTreeSet<usize> = BTreeSet::new();
            while end < updates.len() {
                let extra: usize = needs[end]
                    .iter()
                    .filter(|i| !carried.contains(i))
                    .map(|&i| parts.contacts[i].text.len() + 1)
                    .sum();
                let grown = size + updates[end].text.len() + 1 + extra;
                if end > start && grown > room {
                    break;
                }
                size = grown;
                carried.extend(needs[end].iter().copied());
                end += 1;
            }
            unclaimed.retain(|i| !carried.contains(i));
            slices.push(Slice::new(
                parts,
                Some((key.as_ref(), &updates[start..end])),
                carried.into_iter().collect(),
            ));
            start = end;
        }
    }
    if !unclaimed.is_empty() {
        slices.push(Slice::new(parts, None, unclaimed.into_iter().collect()));
    }
    slices
}

impl<'p, 'a> Slice<'p, 'a> {
    fn new(
        parts: &'p ValueParts<'a>,
        updates: Option<(&'p str, &'p [Update<'a>])>,
        contacts: Vec<usize>,
    ) -> Self {
        let mut slice = Self {
            parts,
            updates,
            contacts,
            len: 0,
        };
        slice.len = slice.measure();
        slice
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Its keys in order, as a sorted map of them would list them.
    fn entries(&self) -> Vec<(&str, Entry<'_, 'a>)> {
        let mut entries: Vec<(&str, Entry)> = self
            .parts
            .rest
            .iter()
            .map(|(k, v)| (k.as_ref(), Entry::Raw(v.get())))
            .collect();
        if let Some((key, updates)) = self.updates {
            entries.push((key, Entry::Updates(updates)));
        }
        if !self.contacts.is_empty() {
            entries.push((
                "contacts",
                Entry::Contacts(&self.parts.contacts, &self.contacts),
            ));
        }
        entries.sort_by(|a, b| a.0.cmp(b.0));
        entries
    }

    /// The value as JSON text: `{"key":value,...}` with no spaces, which is
    /// how serde_json writes the map of the same entries.
    pub fn write(&self, out: &mut String) {
        out.push('{');
        for (n, (key, entry)) in self.entries().iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            write_json_str(out, key);
            out.push(':');
            match entry {
                Entry::Raw(text) => out.push_str(text),
                Entry::Updates(updates) => write_array(out, updates.iter().map(|u| u.text)),
                Entry::Contacts(all, picked) => {
                    write_array(out, picked.iter().map(|&i| all[i].text))
                }
            }
        }
        out.push('}');
    }

    fn measure(&self) -> usize {
        let entries = self.entries();
        let commas = entries.len().saturating_sub(1);
        let inner: usize = entries
            .iter()
            .map(|(key, entry)| {
                let value = match entry {
                    Entry::Raw(text) => text.len(),
                    Entry::Updates(updates) => array_len(updates.iter().map(|u| u.text)),
                    Entry::Contacts(all, picked) => array_len(picked.iter().map(|&i| all[i].text)),
                };
                json_len(key) + 1 + value
            })
            .sum();
        2 + commas + inner
    }
}

fn write_array<'t>(out: &mut String, items: impl Iterator<Item = &'t str>) {
    out.push('[');
    for (n, item) in items.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
}

fn array_len<'t>(items: impl Iterator<Item = &'t str>) -> usize {
    let (count, bytes) = items.fold((0usize, 0), |(c, b), item| (c + 1, b + item.len()));
    2 + bytes + count.saturating_sub(1)
}

/// `s` as a JSON string, escaped as serde_json escapes it. Ids and keys
/// rarely need escaping (only `"`, `\\` and control characters do), so they
/// are mostly written as they are, without a serialiser's allocation.
pub(super) fn write_json_str(out: &mut String, s: &str) {
    if s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(&serde_json::to_string(s).expect("a string always serialises"));
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

fn json_len<T: serde::Serialize + ?Sized>(value: &T) -> usize {
    serde_json::to_vec(value)
        .expect("borrowed JSON always serialises")
        .len()
}

/// Which contacts a message needs: those whose `wa_id` is its `from`, or
/// whose `user_id` is its `from_user_id` (empty ids match nothing).
struct SenderIndex<'p> {
    by_wa_id: HashMap<&'p str, Vec<usize>>,
    by_user_id: HashMap<&'p str, Vec<usize>>,
}

impl<'p> SenderIndex<'p> {
    fn new(contacts: &'p [Contact<'_>]) -> Self {
        let mut index = Self {
            by_wa_id: HashMap::new(),
            by_user_id: HashMap::new(),
        };
        for (i, c) in contacts.iter().enumerate() {
            if let Some(id) = non_empty(&c.wa_id) {
                index.by_wa_id.entry(id).or_default().push(i);
            }
            if let Some(id) = non_empty(&c.user_id) {
                index.by_user_id.entry(id).or_default().push(i);
            }
        }
        index
    }

    /// Ascending, each once.
    fn of(&self, update: &Update<'_>) -> Vec<usize> {
        let mut needs = lookup(&self.by_wa_id, &update.sender.from).to_vec();
        needs.extend_from_slice(lookup(&self.by_user_id, &update.sender.from_user_id));
        needs.sort_unstable();
        needs.dedup();
        needs
    }
}

fn lookup<'m>(index: &'m HashMap<&str, Vec<usize>>, id: &Option<Cow<'_, str>>) -> &'m [usize] {
    non_empty(id)
        .and_then(|id| index.get(id))
        .map_or(&[], Vec::as_slice)
}

fn non_empty<'s>(id: &'s Option<Cow<'_, str>>) -> Option<&'s str> {
    id.as_deref().filter(|s| !s.is_empty())
}
