//! Stored items as the API's resources (docs/contracts/contacts-api.yaml):
//! what a caller reads is a message, a status, a profile, a consent change,
//! a link, never the table's layout. Storage keys (`pk`, `sk`), the
//! bookkeeping of deduplication, effects and the sweep (`origin`, `or_*`,
//! `fx*`, `wh`, `raw_*`, `sweep_day`, `stored_at`, `status_rank`) stay
//! inside; `expires_at` is told as `retained_until` (RFC 3339), the date
//! the item will be deleted (GDPR Art. 15(1)(d)).

use serde_json::{json, Map, Value};
use shared::domain::dates::rfc3339;
use shared::domain::inbound::{
    content_fields, read_content, Referral, ReferredProduct, CONTENT_FIELDS,
};
use shared::domain::media::MediaState;
use shared::domain::status::StatusKind;
use shared::ports::contacts::Doc;

/// Attributes that describe storage, not the person: never served.
const BOOKKEEPING: &[&str] = &[
    "pk",
    "sk",
    "type",
    "origin",
    "webhook_request",
    "effects_pending",
    // The names those two had before issue #14, on items not yet expired.
    "wh",
    "fx",
    "sweep_day",
    "stored_at",
    "status_rank",
    "expires_at",
    "lease_until",
];
/// Prefixes of per-status bookkeeping (status items) and legacy flags.
const BOOKKEEPING_PREFIXES: &[&str] = &["or_", "fx_", "raw_", "st_"];

/// The message fields beside the content, served as stored.
const MESSAGE_CONTEXT: &[&str] = &[
    "reply_to",
    "forwarded",
    "group_id",
    "referral",
    "referred_product",
    "category",
    "links",
];

/// `retained_until`: when the item will be deleted, or null for one kept
/// without a deadline.
fn retained_until(doc: &Doc) -> Value {
    doc.get("expires_at")
        .and_then(Value::as_i64)
        .map_or(Value::Null, |t| json!(rfc3339(t)))
}

fn text<'a>(doc: &'a Doc, key: &str) -> Option<&'a str> {
    doc.get(key).and_then(Value::as_str)
}

/// A message: who wrote it and when, its typed content, and the status of
/// an outbound one (`null` when none is known). `raw` adds Meta's element
/// (or the Graph body sent) as stored, for the export.
pub fn message(mut doc: Doc, status: Option<Doc>, raw: bool) -> Value {
    let message_type = text(&doc, "message_type").unwrap_or("unknown").to_owned();
    let stored_raw = doc.remove("content");
    let mut content = Map::new();
    for key in CONTENT_FIELDS {
        if let Some(v) = doc.remove(*key) {
            content.insert((*key).to_owned(), v);
        }
    }
    let mut m = Map::new();
    m.insert(
        "wamid".into(),
        doc.get("wamid").cloned().unwrap_or(Value::Null),
    );
    m.insert(
        "direction".into(),
        doc.get("direction").cloned().unwrap_or(Value::Null),
    );
    m.insert("type".into(), json!(message_type));
    m.insert(
        "timestamp".into(),
        doc.get("ts")
            .and_then(Value::as_i64)
            .map_or(Value::Null, |t| json!(rfc3339(t))),
    );
    for key in MESSAGE_CONTEXT {
        if let Some(v) = doc.get(*key) {
            m.insert((*key).to_owned(), v.clone());
        }
    }
    // The raw element is a string as Meta sent it; an item written with it
    // as a map (an early outbound shape) is read the same way.
    let raw_text = stored_raw.map(|r| match r {
        Value::String(s) => s,
        other => other.to_string(),
    });
    let raw_text = raw_text.as_deref();
    if content.is_empty() {
        // Written before typed attributes existed: read the raw element
        // with the processor's own parser, so old and new answer alike.
        if let Some(r) = raw_text {
            content = content_fields(&read_content(&message_type, r));
            older_context(&mut m, r);
        }
    }
    let copied = text(&doc, "direction") != Some("out");
    if let Some(media) = content.get_mut("media") {
        *media = self::media(media, copied);
    }
    if let Some(Value::Object(edited)) = content
        .get_mut("edit")
        .and_then(|e| e.get_mut("content"))
        .and_then(|c| c.get_mut("media"))
    {
        edited.remove("url");
    }
    m.insert("content".into(), Value::Object(content));
    m.insert("status".into(), status.map_or(Value::Null, self::status));
    m.insert("retained_until".into(), retained_until(&doc));
    if raw {
        m.insert("raw".into(), json!(raw_text));
    }
    Value::Object(m)
}

/// What Meta said of the file, as stored, served as is.
const MEDIA_DESCRIPTION: &[&str] = &["id", "mime_type", "sha256", "filename", "voice", "animated"];

/// A message's media as callers see it: Meta's description, and where the
/// copy in the stack's bucket stands (`state`; `bytes` once stored, `reason`
/// when unavailable or failed). Never the object's key (the link comes from
/// `GET …/media/{media_id}`, audited) and never Meta's `url`, which needs the
/// WhatsApp token and dies five minutes after the webhook. `copied` is false
/// for the business's own sends through the API, which are not copied, so
/// they get no state.
pub fn media(stored: &Value, copied: bool) -> Value {
    let mut m = Map::new();
    for key in MEDIA_DESCRIPTION {
        if let Some(v) = stored.get(*key) {
            m.insert((*key).to_owned(), v.clone());
        }
    }
    let state = stored
        .get("state")
        .and_then(Value::as_str)
        .and_then(MediaState::parse)
        .or_else(|| (copied && m.contains_key("id")).then_some(MediaState::Pending));
    if let Some(state) = state {
        m.insert("state".into(), json!(state.as_str()));
        match state {
            MediaState::Stored => {
                if let Some(b) = stored.get("bytes").and_then(Value::as_u64) {
                    m.insert("bytes".into(), json!(b));
                }
            }
            MediaState::Unavailable | MediaState::Failed => {
                if let Some(r) = stored.get("reason").and_then(Value::as_str) {
                    m.insert("reason".into(), json!(r));
                }
            }
            MediaState::Pending => {}
        }
    }
    Value::Object(m)
}

/// The ad and the product an old item's raw element names.
fn older_context(m: &mut Map<String, Value>, raw: &str) {
    let Ok(v) = serde_json::from_str::<Value>(raw) else {
        return;
    };
    if let Ok(r) = serde_json::from_value::<Referral>(v["referral"].clone()) {
        if !v["referral"].is_null() {
            m.entry("referral").or_insert_with(|| json!(r));
        }
    }
    let product = &v["context"]["referred_product"];
    if let Ok(p) = serde_json::from_value::<ReferredProduct>(product.clone()) {
        if !product.is_null() {
            m.entry("referred_product").or_insert_with(|| json!(p));
        }
    }
}

/// A sent message's delivery: the current status, each status with the
/// time Meta gave it, oldest first, and what Meta said of a failure.
pub fn status(doc: Doc) -> Value {
    let mut history: Vec<(i64, u8, String)> = doc
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("st_")?;
            Some((v.as_i64()?, StatusKind::parse(name).rank(), name.to_owned()))
        })
        .collect();
    history.sort();
    let mut s = Map::new();
    s.insert(
        "wamid".into(),
        doc.get("wamid").cloned().unwrap_or(Value::Null),
    );
    s.insert(
        "status".into(),
        doc.get("status").cloned().unwrap_or(Value::Null),
    );
    s.insert(
        "history".into(),
        history
            .into_iter()
            .map(|(at, _, name)| json!({"status": name, "at": rfc3339(at)}))
            .collect(),
    );
    s.insert(
        "errors".into(),
        doc.get("errors").cloned().unwrap_or_else(|| json!([])),
    );
    for key in ["pricing", "conversation_id"] {
        if let Some(v) = doc.get(key) {
            s.insert(key.into(), v.clone());
        }
    }
    s.insert("retained_until".into(), retained_until(&doc));
    Value::Object(s)
}

/// Any other item (profile, consent change, link, hand-off, opt-in
/// evidence, outbound send, flood counter): its own attributes, without the
/// bookkeeping, with `retained_until`.
pub fn resource(doc: Doc) -> Value {
    let until = retained_until(&doc);
    let mut r: Map<String, Value> = doc
        .into_iter()
        .filter(|(k, _)| {
            !BOOKKEEPING.contains(&k.as_str())
                && !BOOKKEEPING_PREFIXES.iter().any(|p| k.starts_with(p))
        })
        .collect();
    r.insert("retained_until".into(), until);
    Value::Object(r)
}

/// One item of an export, whatever its kind: `{kind, item}`, `kind` one of `profile`,
/// `message` (with `raw`), `status`, `consent`, `link`, `opt_in`,
/// `outbound` (a send and its outcome), `flood_counter`, or the item's own
/// type for one added later (`item` when it has none).
pub fn exported(doc: Doc) -> Value {
    let kind = match text(&doc, "type") {
        Some("contact") => "profile".to_owned(),
        Some(other) => other.to_owned(),
        None => "item".to_owned(),
    };
    let item = match kind.as_str() {
        "message" => message(doc, None, true),
        "status" => status(doc),
        _ => resource(doc),
    };
    json!({"kind": kind, "item": item})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(v: Value) -> Doc {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_status_lists_each_status_oldest_first_and_hides_its_bookkeeping() {
        let s = status(doc(json!({
            "pk": "C#1", "sk": "S#w", "type": "status", "wamid": "w", "status": "read",
            "status_rank": 3, "st_read": 1_764_000_100, "st_sent": 1_764_000_000,
            "st_delivered": 1_764_000_000, "raw_read": "{}", "or_read": "r#1",
            "expires_at": 1_766_592_000
        })));
        assert_eq!(
            s,
            json!({"wamid": "w", "status": "read", "errors": [],
                   "history": [{"status": "sent", "at": "2025-11-24T16:00:00Z"},
                               {"status": "delivered", "at": "2025-11-24T16:00:00Z"},
                               {"status": "read", "at": "2025-11-24T16:01:40Z"}],
                   "retained_until": "2025-12-24T16:00:00Z"})
        );
    }

    #[test]
    fn a_media_shows_its_copy_but_never_the_key_nor_metas_url() {
        let stored = json!({"id": "m1", "mime_type": "image/jpeg", "sha256": "abc",
            "url": "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=m1",
            "state": "stored", "s3_key": "c/h/w/m1", "bytes": 42, "sha256_ok": true,
            "stored_at": 1});
        assert_eq!(
            media(&stored, true),
            json!({"id": "m1", "mime_type": "image/jpeg", "sha256": "abc",
                   "state": "stored", "bytes": 42})
        );
        let failed = json!({"id": "m2", "state": "failed", "reason": "sha256_mismatch"});
        assert_eq!(
            media(&failed, true),
            json!({"id": "m2", "state": "failed", "reason": "sha256_mismatch"})
        );
        // Not yet recorded: pending while a copy is due, nothing for a send.
        assert_eq!(media(&json!({"id": "m3"}), true)["state"], "pending");
        assert!(media(&json!({"id": "m3"}), false).get("state").is_none());
    }

    #[test]
    fn any_other_item_keeps_its_attributes_without_keys_or_bookkeeping() {
        let r = resource(doc(json!({
            "pk": "C#1", "sk": "CONSENT#1#stop", "type": "consent", "origin": "r#1",
            "wh": {"request_id": "r"}, "fx": true, "sweep_day": "2025-12-24",
            "webhook_request": {"request_id": "r"}, "effects_pending": true,
            "value": "stop", "ts": 1, "expires_at": 1_766_592_000
        })));
        assert_eq!(
            r,
            json!({"value": "stop", "ts": 1, "retained_until": "2025-12-24T16:00:00Z"})
        );
    }
}
