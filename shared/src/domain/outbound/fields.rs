//! The command's top-level fields other than `message`.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::category::Category;
use super::command::{BusinessLink, RestrictionOverride};
use super::error::{shown, CommandError};
use crate::domain::ids::{PhoneNumberId, WaId, Wamid};

pub const PHONE_DIGITS_MIN: usize = 8;
pub const PHONE_DIGITS_MAX: usize = 15;
pub const LINKS_MAX: usize = 20;
pub const LINK_FIELD_MAX: usize = 128;

/// Normalises a phone number to the digits of its E.164 form.
///
/// Accepts an optional leading `+`, then digits with spaces, `-`, `(` and
/// `)` anywhere (they are dropped). The result must have 8 to 15 digits and
/// start with a country code (not `0`: a national or `00` prefix would make
/// Meta guess the country).
pub fn normalize_phone(input: &str) -> Result<WaId, CommandError> {
    let rest = input.strip_prefix('+').unwrap_or(input);
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' => {}
            _ => {
                return Err(CommandError::InvalidPhoneNumber(
                    "may contain only digits, a leading +, spaces, dashes and parentheses".into(),
                ))
            }
        }
    }
    let n = digits.len();
    if !(PHONE_DIGITS_MIN..=PHONE_DIGITS_MAX).contains(&n) {
        return Err(CommandError::InvalidPhoneNumber(format!(
            "must have {PHONE_DIGITS_MIN} to {PHONE_DIGITS_MAX} digits (country code included), got {n}"
        )));
    }
    if digits.starts_with('0') {
        return Err(CommandError::InvalidPhoneNumber(
            "must start with the country code, not 0".into(),
        ));
    }
    WaId::parse(&digits).map_err(|e| CommandError::InvalidPhoneNumber(e.to_string()))
}

/// The value of an optional field; JSON `null` counts as absent.
pub(super) fn present<'a>(obj: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

pub(super) fn to(value: Option<&Value>) -> Result<Option<WaId>, CommandError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => normalize_phone(s).map(Some),
        Some(_) => Err(CommandError::InvalidPhoneNumber("must be a string".into())),
    }
}

pub(super) fn phone_number_id(
    value: Option<&Value>,
) -> Result<Option<PhoneNumberId>, CommandError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => PhoneNumberId::parse(s)
            .map(Some)
            .map_err(|_| CommandError::InvalidPhoneNumberId("must be 1 to 32 digits")),
        Some(_) => Err(CommandError::InvalidPhoneNumberId(
            "must be a string of digits",
        )),
    }
}

/// `None` when the command names no category; the message kind decides.
pub(super) fn category(value: Option<&Value>) -> Result<Option<Category>, CommandError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => Category::parse(s)
            .map(Some)
            .ok_or_else(|| CommandError::InvalidCategory(format!("`{}`", shown(s)))),
        Some(other) => Err(CommandError::InvalidCategory(json_type(other).into())),
    }
}

/// A WhatsApp message id as Cloud API issues them: `wamid.` and printable ASCII.
pub(super) fn wamid(s: &str) -> Option<Wamid> {
    if s.len() <= "wamid.".len() || !s.starts_with("wamid.") {
        return None;
    }
    Wamid::parse(s).ok()
}

pub(super) fn reply_to(value: Option<&Value>) -> Result<Option<Wamid>, CommandError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => wamid(s).map(Some).ok_or(CommandError::InvalidReplyTo(
            "must be a WhatsApp message id (wamid.…)",
        )),
        Some(_) => Err(CommandError::InvalidReplyTo("must be a string")),
    }
}

pub(super) fn links(value: Option<&Value>) -> Result<Vec<BusinessLink>, CommandError> {
    let items = match value {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(CommandError::InvalidLinks(" must be an array".into())),
    };
    if items.len() > LINKS_MAX {
        return Err(CommandError::InvalidLinks(format!(
            " has {} links; at most {LINKS_MAX} are allowed",
            items.len()
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| link(i, item))
        .collect()
}

fn link(i: usize, item: &Value) -> Result<BusinessLink, CommandError> {
    let bad = |detail: String| CommandError::InvalidLinks(format!("[{i}]{detail}"));
    let Value::Object(obj) = item else {
        return Err(bad(" must be an object with system, type and id".into()));
    };
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "system" | "type" | "id"))
    {
        return Err(bad(format!(" has unknown field `{}`", shown(k))));
    }
    let field = |key: &'static str| -> Result<String, CommandError> {
        match obj.get(key) {
            Some(Value::String(s))
                if (1..=LINK_FIELD_MAX).contains(&s.chars().count())
                    && !s.chars().any(char::is_control) =>
            {
                Ok(s.clone())
            }
            Some(_) => Err(bad(format!(
                ".{key} must be a string of 1 to {LINK_FIELD_MAX} characters without control characters"
            ))),
            None => Err(bad(format!(".{key} is required"))),
        }
    };
    Ok(BusinessLink {
        system: field("system")?,
        kind: field("type")?,
        id: field("id")?,
    })
}

/// RFC 3339 (`2026-11-26T10:00:00Z`, `2026-11-26T11:00:00.5+01:00`) to
/// Unix seconds, fractions dropped. Stricter than the `time` crate in the
/// way JSON Schema's `date-time` is: upper-case `T` and `Z`, no leap
/// second, no year 0000.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let shape = b.len() >= 20
        && b[10] == b'T'
        && &b[..4] != b"0000"
        && &b[17..19] != b"60"
        && !s.ends_with('z');
    if !shape {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

pub(super) fn not_after(value: Option<&Value>) -> Result<Option<i64>, CommandError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => {
            parse_timestamp(s)
                .map(Some)
                .ok_or(CommandError::InvalidNotAfter(
                    "must be an RFC 3339 timestamp such as 2026-11-26T10:00:00Z",
                ))
        }
        Some(_) => Err(CommandError::InvalidNotAfter("must be a string")),
    }
}

/// Longest `consent.source` text kept as evidence.
pub const CONSENT_SOURCE_MAX: usize = 256;

/// `{"marketing_opt_in_at": <unix s>, "source": "<text>"}`, on marketing
/// commands only: evidence that is not about marketing has no use here.
pub(super) fn consent(
    value: Option<&Value>,
    category: Category,
) -> Result<Option<crate::domain::consent::OptInEvidence>, CommandError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let Value::Object(obj) = value else {
        return Err(CommandError::InvalidConsent("must be an object"));
    };
    if category != Category::Marketing {
        return Err(CommandError::InvalidConsent(
            "is evidence of a marketing opt-in, for marketing commands only",
        ));
    }
    if obj
        .keys()
        .any(|k| k != "marketing_opt_in_at" && k != "source")
    {
        return Err(CommandError::InvalidConsent(
            "has only marketing_opt_in_at and source",
        ));
    }
    let given_at = obj
        .get("marketing_opt_in_at")
        .and_then(Value::as_i64)
        .filter(|t| *t > 0)
        .ok_or(CommandError::InvalidConsent(
            "marketing_opt_in_at must be a positive whole number of Unix seconds",
        ))?;
    let detail = match obj.get("source") {
        Some(Value::String(s))
            if !s.trim().is_empty()
                && s.chars().count() <= CONSENT_SOURCE_MAX
                && !s.chars().any(char::is_control) =>
        {
            s.trim().to_owned()
        }
        _ => {
            return Err(CommandError::InvalidConsent(
                "source must be 1 to 256 printable characters",
            ))
        }
    };
    Ok(Some(crate::domain::consent::OptInEvidence {
        given_at,
        detail,
    }))
}

pub(super) fn override_restriction(
    value: Option<&Value>,
) -> Result<Option<RestrictionOverride>, CommandError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => {
            RestrictionOverride::parse(s)
                .map(Some)
                .ok_or(CommandError::InvalidOverrideRestriction(
                    "must be \"legal_claim\"",
                ))
        }
        Some(_) => Err(CommandError::InvalidOverrideRestriction(
            "must be the string \"legal_claim\"",
        )),
    }
}

pub(super) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
