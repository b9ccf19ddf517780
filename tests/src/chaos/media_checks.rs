//! The media half of the accounting (issue #15): every photo a customer
//! sent is one object in the bucket, of the size Meta holds, recorded as
//! stored on its message item and announced by `media.stored` once; no
//! object is there twice, and none that no photo asked for.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

use super::load::Load;
use super::report::Report;
use super::truth::{events_per_fact, once_each};
use crate::table::{s, Item};

/// An object in the bucket: its key and size.
pub struct Object {
    pub key: String,
    pub size: i64,
}

/// `media.<field>` of a message item, as a string.
fn media_field<'a>(item: &'a Item, field: &str) -> Option<&'a str> {
    match item.get("media")? {
        AttributeValue::M(m) => m.get(field)?.as_s().ok().map(String::as_str),
        _ => None,
    }
}

pub fn check(
    r: &mut Report,
    load: &Load,
    items: &[Item],
    objects: &[Object],
    events: &[Value],
    media_dlq: usize,
) {
    let photos: Vec<_> = load
        .inbound
        .iter()
        .filter_map(|m| Some((m, m.photo.as_ref()?)))
        .collect();
    // Keys end in the media id (`c/<subject>/<message>/<media id>`).
    let mut per_media: HashMap<&str, Vec<&Object>> = HashMap::new();
    for o in objects {
        let id = o.key.rsplit('/').next().unwrap_or_default();
        per_media.entry(id).or_default().push(o);
    }
    let state: HashMap<&str, Option<&str>> = items
        .iter()
        .filter(|i| s(i, "type") == Some("message") && i.contains_key("media"))
        .filter_map(|i| Some((s(i, "wamid")?, media_field(i, "state"))))
        .collect();
    let found = |p: &super::load::Photo| per_media.get(p.media_id.as_str()).map_or(0, Vec::len);
    r.figure("photos sent by customers", photos.len(), "");
    r.target(
        "photos missing from the bucket",
        photos.iter().filter(|(_, p)| found(p) == 0).count(),
    );
    r.target(
        "photos stored more than once",
        photos.iter().filter(|(_, p)| found(p) > 1).count(),
    );
    r.target(
        "photos stored with the wrong size",
        photos
            .iter()
            .filter(|(_, p)| {
                per_media
                    .get(p.media_id.as_str())
                    .is_some_and(|os| os.iter().any(|o| o.size != p.bytes as i64))
            })
            .count(),
    );
    let wanted: Vec<&str> = photos.iter().map(|(_, p)| p.media_id.as_str()).collect();
    r.target(
        "objects no photo asked for",
        per_media
            .iter()
            .filter(|(id, _)| !wanted.contains(id))
            .map(|(_, os)| os.len())
            .sum(),
    );
    r.target(
        "photo messages not recorded as stored",
        photos
            .iter()
            .filter(|(m, _)| state.get(m.wamid.as_str()).copied().flatten() != Some("stored"))
            .count(),
    );
    r.figure("media DLQ records", media_dlq, "");
    let wamid = |d: &Value| d["wamid"].as_str().unwrap_or_default().to_owned();
    let stored = events_per_fact(events, "media.stored", wamid);
    let expected: Vec<String> = photos.iter().map(|(m, _)| m.wamid.clone()).collect();
    r.once_each_rows("media.stored", "photo", once_each(&stored, expected.iter()));
}
