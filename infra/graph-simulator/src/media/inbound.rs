//! Media in injected customer messages: an image/video/audio/document/
//! sticker object without an `id` gets a sample file the simulator then
//! serves; one naming a seeded id gets that file's `mime_type` and
//! `sha256` (base64, as webhooks write it) unless given; `"url": true`
//! becomes a fresh download URL, as webhooks carry since November 2025.

use axum::body::Bytes;
use serde_json::{json, Map, Value};

use super::{types, MediaStore, NewMedia, Origin, DOWNLOAD_PATH};
use crate::inbound::InboundRequest;

/// Size of the sample file of an object that names no id and no `file_size`.
const SAMPLE_BYTES: usize = 2048;

pub struct Context<'a> {
    pub store: &'a MediaStore,
    pub now: u64,
    pub base_url: &'a str,
    pub phone_number_id: &'a str,
}

/// Completes the media object of `request` in place.
pub fn complete(request: &mut InboundRequest, ctx: &Context<'_>) -> Result<(), String> {
    let Some(kind) = request.kind.clone() else {
        return Ok(());
    };
    let Some(default_mime) = types::inbound_mime(&kind) else {
        return Ok(());
    };
    let entry = request
        .payload
        .entry(kind.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(object) = entry.as_object_mut() else {
        return Err(format!("`{kind}` must be an object"));
    };
    let item = match object.get("id").and_then(Value::as_str) {
        Some(id) => match ctx.store.get(id, ctx.now) {
            Some(item) => item,
            // An id the simulator does not hold is sent as given: a test
            // of an unknown or expired id wants exactly that.
            None => return Ok(()),
        },
        None => {
            let mime = object
                .get("mime_type")
                .and_then(Value::as_str)
                .unwrap_or(default_mime)
                .to_string();
            let size = match object.remove("file_size") {
                None => SAMPLE_BYTES,
                Some(size) => size
                    .as_u64()
                    .filter(|&n| n > 0 && n as usize <= types::MAX_FILE_BYTES)
                    .ok_or("`file_size` must be between 1 and 104857600")?
                    as usize,
            };
            let seed = ctx.store.fresh_seed();
            ctx.store.insert(
                NewMedia {
                    bytes: Bytes::from(types::sample(&mime, size, seed)),
                    mime_type: mime,
                    origin: Origin::Webhook,
                    phone_number_id: Some(ctx.phone_number_id.to_string()),
                },
                ctx.now,
            )
        }
    };
    object.insert("id".into(), json!(item.id));
    object
        .entry("mime_type")
        .or_insert_with(|| json!(item.mime_type));
    object
        .entry("sha256")
        .or_insert_with(|| json!(item.sha256_base64()));
    if kind == "document" {
        object
            .entry("filename")
            .or_insert_with(|| json!(format!("{}.pdf", item.id)));
    }
    if kind == "audio" {
        object.entry("voice").or_insert(json!(true));
    }
    if object.get("url") == Some(&Value::Bool(true)) {
        let query = ctx.store.grant(&item, ctx.now);
        let url = format!("{}{DOWNLOAD_PATH}{query}", ctx.base_url);
        object.insert("url".into(), json!(url));
    }
    Ok(())
}
