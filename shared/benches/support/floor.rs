//! The floor intake is measured against: what any correct webhook must do at
//! least, HMAC-SHA256 over the body and one typed parse of it. The parse is
//! the smallest typed one that still reaches every update (borrowed strings,
//! unknown keys skipped), so it cannot be beaten by skipping work.

use std::borrow::Cow;

use hmac::{KeyInit, Mac};
use serde::Deserialize;

pub fn hmac_sha256(secret: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

#[derive(Deserialize)]
pub struct Envelope<'a> {
    #[serde(borrow)]
    pub object: Cow<'a, str>,
    #[serde(borrow)]
    pub entry: Vec<Entry<'a>>,
}

#[derive(Deserialize)]
pub struct Entry<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow, default)]
    pub changes: Vec<Change<'a>>,
}

#[derive(Deserialize)]
pub struct Change<'a> {
    #[serde(borrow)]
    pub field: Cow<'a, str>,
    #[serde(borrow)]
    pub value: Value<'a>,
}

#[derive(Deserialize)]
pub struct Value<'a> {
    #[serde(borrow, default)]
    pub contacts: Vec<Contact<'a>>,
    #[serde(borrow, default)]
    pub messages: Vec<Message<'a>>,
    #[serde(borrow, default)]
    pub statuses: Vec<Status<'a>>,
}

#[derive(Deserialize)]
pub struct Contact<'a> {
    #[serde(borrow, default)]
    pub wa_id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct Message<'a> {
    #[serde(borrow, default)]
    pub from: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow, rename = "type")]
    pub kind: Cow<'a, str>,
}

#[derive(Deserialize)]
pub struct Status<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub status: Cow<'a, str>,
}

pub fn typed_parse(body: &[u8]) -> Envelope<'_> {
    serde_json::from_slice(body).expect("benchmark payloads are valid")
}

/// Only checks that the body is JSON, typing nothing: the least a webhook
/// that refuses invalid JSON (as this one does, with 400) must do besides
/// the HMAC. A lower bound no intake can beat, not a parse it could use.
pub fn json_check(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}
