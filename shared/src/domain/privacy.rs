//! Data-subject rights: what the contacts API accepts (validated corrections,
//! links, consent, restriction), what it records (audit records, erasure
//! receipts) and the keyed hash that names a person without their number.

use std::collections::BTreeMap;

use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::consent::{ConsentCategory, ConsentState};
use super::ids::ContactKey;

/// HMAC-SHA256 of the contact's storage id under a key from Secrets Manager.
/// Keyed, so the hash of a known number cannot be recomputed by someone who
/// reads the table; stable, so a repeated erasure request is recognised.
pub fn subject_hash(key: &SecretString, contact: &ContactKey) -> String {
    keyed_hex(key, contact.storage_id().as_bytes())
}

pub fn keyed_hex(key: &SecretString, data: &[u8]) -> String {
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.expose_secret().as_bytes())
            .expect("HMAC accepts any key length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    #[error("the body is not a JSON object")]
    NotAnObject,
    #[error("{0} is not allowed")]
    UnknownField(String),
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: &'static str },
    #[error("nothing to change")]
    Empty,
}

fn invalid(field: impl Into<String>, reason: &'static str) -> InputError {
    InputError::Invalid {
        field: field.into(),
        reason,
    }
}

fn object(body: &Value) -> Result<&serde_json::Map<String, Value>, InputError> {
    body.as_object().ok_or(InputError::NotAnObject)
}

fn only(obj: &serde_json::Map<String, Value>, allowed: &[&str]) -> Result<(), InputError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(InputError::UnknownField(k.clone())),
        None => Ok(()),
    }
}

/// A short printable text: names, reasons, record ids.
fn text(
    obj: &serde_json::Map<String, Value>,
    field: &str,
    max: usize,
) -> Result<Option<String>, InputError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let t = s.trim();
            if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) {
                Err(invalid(
                    field,
                    "must be 1 to the maximum length of printable characters",
                ))
            } else {
                Ok(Some(t.to_owned()))
            }
        }
        Some(_) => Err(invalid(field, "must be a string")),
    }
}

fn identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub const MAX_CUSTOM_FIELDS: usize = 50;

/// `PATCH /contacts/{wa_id}`: a correction of what the business holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProfileCorrection {
    pub display_name: Option<String>,
    pub locale: Option<String>,
    /// Business fields, `null` removes one.
    pub custom_fields: BTreeMap<String, Value>,
}

impl ProfileCorrection {
    pub fn parse(body: &Value) -> Result<Self, InputError> {
        let obj = object(body)?;
        only(obj, &["display_name", "locale", "custom_fields"])?;
        let display_name = text(obj, "display_name", 256)?;
        let locale = text(obj, "locale", 35)?;
        if let Some(l) = &locale {
            // BCP 47-ish (`en`, `pt_BR`, `zh-Hant-TW`): what Meta's templates use.
            let ok = l.split(['-', '_']).enumerate().all(|(i, part)| {
                (if i == 0 { 2..=3 } else { 2..=8 }).contains(&part.len())
                    && part.chars().all(|c| c.is_ascii_alphanumeric())
            });
            if !ok {
                return Err(invalid(
                    "locale",
                    "must be a language tag such as en or pt_BR",
                ));
            }
        }
        let mut custom_fields = BTreeMap::new();
        match obj.get("custom_fields") {
            None | Some(Value::Null) => {}
            Some(Value::Object(fields)) => {
                if fields.len() > MAX_CUSTOM_FIELDS {
                    return Err(invalid("custom_fields", "has too many fields"));
                }
                for (k, v) in fields {
                    if !identifier(k) {
                        return Err(invalid(
                            format!("custom_fields.{k}"),
                            "names are lower_snake_case, at most 64 characters",
                        ));
                    }
                    let ok = match v {
                        Value::String(s) => s.chars().count() <= 1024,
                        Value::Number(_) | Value::Bool(_) | Value::Null => true,
                        _ => false,
                    };
                    if !ok {
                        return Err(invalid(
                            format!("custom_fields.{k}"),
                            "must be a string (≤ 1024), number, boolean or null",
                        ));
                    }
                    custom_fields.insert(k.clone(), v.clone());
                }
            }
            Some(_) => return Err(invalid("custom_fields", "must be an object")),
        }
        let c = Self {
            display_name,
            locale,
            custom_fields,
        };
        if c == Self::default() {
            return Err(InputError::Empty);
        }
        Ok(c)
    }
}

/// `POST /contacts/{wa_id}/links`: a business record the contact (or one of
/// their messages) relates to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRequest {
    pub system: String,
    pub kind: String,
    pub id: String,
    pub wamid: Option<String>,
}

impl LinkRequest {
    pub fn parse(body: &Value) -> Result<Self, InputError> {
        let obj = object(body)?;
        only(obj, &["system", "type", "id", "wamid"])?;
        let required = |f: &str| text(obj, f, 128)?.ok_or_else(|| invalid(f, "is required"));
        let link = Self {
            system: required("system")?,
            kind: required("type")?,
            id: required("id")?,
            wamid: text(obj, "wamid", 512)?,
        };
        for (f, v) in [("system", &link.system), ("type", &link.kind)] {
            if !identifier(v) {
                return Err(invalid(f, "is lower_snake_case, at most 64 characters"));
            }
        }
        if link.id.contains('#') {
            return Err(invalid("id", "must not contain '#'"));
        }
        Ok(link)
    }
}

/// `PUT /contacts/{wa_id}/consent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRequest {
    pub opted_in: bool,
    pub category: Option<String>,
}

impl ConsentRequest {
    pub fn parse(body: &Value) -> Result<Self, InputError> {
        let obj = object(body)?;
        only(obj, &["state", "category"])?;
        let opted_in = match obj
            .get("state")
            .and_then(Value::as_str)
            .and_then(ConsentState::parse)
        {
            Some(ConsentState::OptedIn) => true,
            Some(ConsentState::OptedOut) => false,
            _ => return Err(invalid("state", "must be opted_in or opted_out")),
        };
        let category = text(obj, "category", 64)?;
        if category
            .as_deref()
            .is_some_and(|c| ConsentCategory::parse_set(c).is_none())
        {
            return Err(invalid("category", "must be marketing, utility or all"));
        }
        Ok(Self { opted_in, category })
    }

    /// The categories changed: absent means `all`.
    pub fn categories(&self) -> &'static [ConsentCategory] {
        self.category
            .as_deref()
            .and_then(ConsentCategory::parse_set)
            .unwrap_or(&ConsentCategory::ALL)
    }

    pub fn category_name(&self) -> &str {
        self.category.as_deref().unwrap_or("all")
    }

    pub fn state(&self) -> &'static str {
        ConsentState::from_opted_in(self.opted_in).as_str()
    }
}

/// `PUT /contacts/{wa_id}/restriction`: the person objects to, or restricts,
/// processing: stored, never automated, announced or sent to (see
/// docs/privacy.md, "Restriction").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionRequest {
    pub restricted: bool,
    pub reason: Option<String>,
}

impl RestrictionRequest {
    pub fn parse(body: &Value) -> Result<Self, InputError> {
        let obj = object(body)?;
        only(obj, &["restricted", "reason"])?;
        let restricted = obj
            .get("restricted")
            .and_then(Value::as_bool)
            .ok_or_else(|| invalid("restricted", "must be true or false"))?;
        Ok(Self {
            restricted,
            reason: text(obj, "reason", 512)?,
        })
    }
}

/// `PUT /contacts/{wa_id}/handoff`: an agent takes the conversation
/// (`active: true`, automated replies stop for `minutes`) or gives it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffRequest {
    pub active: bool,
    pub minutes: u32,
}

impl HandoffRequest {
    pub fn parse(body: &Value) -> Result<Self, InputError> {
        let obj = object(body)?;
        only(obj, &["active", "minutes"])?;
        let active = obj
            .get("active")
            .and_then(Value::as_bool)
            .ok_or_else(|| invalid("active", "must be true or false"))?;
        let minutes = match obj.get("minutes") {
            None => 240,
            Some(v) => v
                .as_u64()
                .filter(|m| (1..=10_080).contains(m))
                .ok_or_else(|| invalid("minutes", "must be a whole number from 1 to 10080"))?
                as u32,
        };
        Ok(Self { active, minutes })
    }
}

pub use super::privacy_records::{
    audit_sk, is_audit_sk, AuditRecord, Receipt, ReceiptState, OVERRIDE_ACTION,
};

pub use super::dates::{day_of, day_start, rfc3339};

/// An opaque paging cursor: the sort key to continue after, hex-encoded so
/// callers treat it as a token, checked on the way back in.
pub fn encode_cursor(sk: &str) -> String {
    hex::encode(sk.as_bytes())
}

pub fn decode_cursor(cursor: &str, prefix: &str) -> Option<String> {
    let sk = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    sk.starts_with(prefix).then_some(sk)
}

#[cfg(test)]
#[path = "privacy_tests.rs"]
mod tests;
