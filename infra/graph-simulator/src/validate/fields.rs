//! Field readers with Meta's error codes, for the message checks here and
//! in `interactive` (a file of their own so neither imports the other).

use serde_json::{Map, Value};

use crate::errors::GraphError;

pub fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, GraphError> {
    value
        .as_object()
        .ok_or_else(|| GraphError::invalid_parameter(format!("Param {path} must be an object.")))
}

/// A required string field: missing → 131008, wrong type → 100.
pub fn required_str<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a str, GraphError> {
    match obj.get(key) {
        None | Some(Value::Null) => Err(GraphError::missing_parameter(format!(
            "The parameter {path}['{key}'] is required."
        ))),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(GraphError::invalid_parameter(format!(
            "Param {path}['{key}'] must be a string."
        ))),
    }
}

pub fn optional_str<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, GraphError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => required_str(obj, key, path).map(Some),
    }
}

pub fn max_len(value: &str, max: usize, path: &str) -> Result<(), GraphError> {
    if value.chars().count() > max {
        return Err(GraphError::invalid_parameter(format!(
            "Param {path} must be at most {max} characters long."
        )));
    }
    Ok(())
}
