//! Small checks for walking Meta's message objects. Paths in errors are
//! relative to `message` (the error's Display adds the `message.` prefix).
//! JSON `null` is never "absent" here: Meta's objects are passed through
//! as they are, so a `null` would reach Meta.

use serde_json::{Map, Value};

use super::error::CommandError;

pub(super) type Obj = Map<String, Value>;

pub(super) fn invalid(path: &str, rule: impl std::fmt::Display) -> CommandError {
    CommandError::InvalidMessage(format!("message.{path} {rule}"))
}

pub(super) fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Obj, CommandError> {
    value
        .as_object()
        .ok_or_else(|| invalid(path, "must be an object"))
}

pub(super) fn required<'a>(obj: &'a Obj, key: &str, path: &str) -> Result<&'a Value, CommandError> {
    obj.get(key)
        .ok_or_else(|| invalid(&format!("{path}.{key}"), "is required"))
}

pub(super) fn required_object<'a>(
    obj: &'a Obj,
    key: &str,
    path: &str,
) -> Result<&'a Obj, CommandError> {
    object(required(obj, key, path)?, &format!("{path}.{key}"))
}

fn string<'a>(value: &'a Value, path: &str) -> Result<&'a str, CommandError> {
    value
        .as_str()
        .ok_or_else(|| invalid(path, "must be a string"))
}

/// A required string of `min..=max` characters (Unicode scalar values).
pub(super) fn text<'a>(
    obj: &'a Obj,
    key: &str,
    path: &str,
    min: usize,
    max: usize,
) -> Result<&'a str, CommandError> {
    let s = string(required(obj, key, path)?, &format!("{path}.{key}"))?;
    check_len(s, &format!("{path}.{key}"), min, max)?;
    Ok(s)
}

/// An optional string of at most `max` characters.
pub(super) fn optional_text<'a>(
    obj: &'a Obj,
    key: &str,
    path: &str,
    max: usize,
) -> Result<Option<&'a str>, CommandError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => {
            let path = format!("{path}.{key}");
            let s = string(v, &path)?;
            check_len(s, &path, 0, max)?;
            Ok(Some(s))
        }
    }
}

fn check_len(s: &str, path: &str, min: usize, max: usize) -> Result<(), CommandError> {
    let n = s.chars().count();
    if n < min || n > max {
        let rule = match (min, max) {
            (0, _) => format!("must be at most {max} characters, got {n}"),
            (_, usize::MAX) => "must not be empty".to_owned(),
            _ => format!("must be {min} to {max} characters, got {n}"),
        };
        return Err(invalid(path, rule));
    }
    Ok(())
}

/// A required array with `min..=max` elements.
pub(super) fn array<'a>(
    obj: &'a Obj,
    key: &str,
    path: &str,
    min: usize,
    max: usize,
) -> Result<&'a [Value], CommandError> {
    let items = required(obj, key, path)?;
    let path = format!("{path}.{key}");
    let items = items
        .as_array()
        .ok_or_else(|| invalid(&path, "must be an array"))?;
    if items.len() < min || items.len() > max {
        return Err(invalid(
            &path,
            format!("must have {min} to {max} elements, got {}", items.len()),
        ));
    }
    Ok(items)
}

/// `key` must equal `expected` exactly.
pub(super) fn constant(
    obj: &Obj,
    key: &str,
    path: &str,
    expected: &str,
) -> Result<(), CommandError> {
    match required(obj, key, path)? {
        Value::String(s) if s == expected => Ok(()),
        _ => Err(invalid(
            &format!("{path}.{key}"),
            format!("must be \"{expected}\""),
        )),
    }
}

pub(super) fn forbidden(obj: &Obj, key: &str, path: &str, why: &str) -> Result<(), CommandError> {
    if obj.contains_key(key) {
        return Err(invalid(&format!("{path}.{key}"), why));
    }
    Ok(())
}

/// An absolute `http`/`https` URL with a host and no spaces or control characters.
pub(super) fn is_http_url(s: &str) -> bool {
    let Some(rest) = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
    else {
        return false;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    host_end > 0 && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub(super) fn url(obj: &Obj, key: &str, path: &str) -> Result<(), CommandError> {
    let value = required(obj, key, path)?;
    if !value.as_str().is_some_and(is_http_url) {
        return Err(invalid(
            &format!("{path}.{key}"),
            "must be an http or https URL",
        ));
    }
    Ok(())
}
