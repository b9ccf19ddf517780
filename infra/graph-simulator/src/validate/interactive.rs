//! Interactive message checks (meta-api §5: buttons, lists, CTA URL limits).

use serde_json::{Map, Value};

use super::fields::{max_len, object, optional_str, required_str};
use crate::errors::GraphError;

const INTERACTIVE_TYPES: &[&str] = &[
    "button",
    "list",
    "cta_url",
    "location_request_message",
    "product",
    "product_list",
    "catalog_message",
    "flow",
    "carousel",
    "address_message",
    "call_permission_request",
    "voice_call",
];

pub(super) fn check_interactive(payload: &Value) -> Result<(), GraphError> {
    let interactive = object(payload, "interactive")?;
    let kind = required_str(interactive, "type", "interactive")?;
    if !INTERACTIVE_TYPES.contains(&kind) {
        return Err(GraphError::invalid_parameter(format!(
            "Param interactive['type'] is not a supported interactive type - got \"{kind}\"."
        )));
    }
    let action = interactive
        .get("action")
        .filter(|a| !a.is_null())
        .ok_or_else(|| {
            GraphError::missing_parameter("The parameter interactive['action'] is required.")
        })?;
    let action = object(action, "interactive['action']")?;
    let body_max = match kind {
        "list" => Some(4096),
        "button" | "cta_url" | "location_request_message" | "carousel" => Some(1024),
        _ => None,
    };
    if let Some(max) = body_max {
        let body = interactive.get("body").ok_or_else(|| {
            GraphError::missing_parameter("The parameter interactive['body'] is required.")
        })?;
        let text = required_str(
            object(body, "interactive['body']")?,
            "text",
            "interactive['body']",
        )?;
        max_len(text, max, "interactive['body']['text']")?;
    }
    if let Some(footer) = interactive.get("footer") {
        let text = required_str(
            object(footer, "interactive['footer']")?,
            "text",
            "interactive['footer']",
        )?;
        max_len(text, 60, "interactive['footer']['text']")?;
    }
    match kind {
        "button" => check_buttons(action),
        "list" => check_list(interactive, action),
        "cta_url" => {
            let params = action.get("parameters").ok_or_else(|| {
                GraphError::missing_parameter(
                    "The parameter interactive['action']['parameters'] is required.",
                )
            })?;
            let params = object(params, "interactive['action']['parameters']")?;
            let path = "interactive['action']['parameters']";
            max_len(
                required_str(params, "display_text", path)?,
                20,
                "display_text",
            )?;
            required_str(params, "url", path)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_buttons(action: &Map<String, Value>) -> Result<(), GraphError> {
    let buttons = action
        .get("buttons")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            GraphError::missing_parameter(
                "The parameter interactive['action']['buttons'] is required.",
            )
        })?;
    if buttons.is_empty() || buttons.len() > 3 {
        return Err(GraphError::invalid_value(
            "Param interactive['action']['buttons'] must have between 1 and 3 buttons.",
        ));
    }
    let mut titles = Vec::new();
    for button in buttons {
        let reply = button.get("reply").ok_or_else(|| {
            GraphError::missing_parameter(
                "The parameter interactive['action']['buttons'][]['reply'] is required.",
            )
        })?;
        let reply = object(reply, "reply")?;
        max_len(required_str(reply, "id", "reply")?, 256, "reply['id']")?;
        let title = required_str(reply, "title", "reply")?;
        max_len(title, 20, "reply['title']")?;
        if titles.contains(&title) {
            return Err(GraphError::invalid_value("Button titles must be unique."));
        }
        titles.push(title);
    }
    Ok(())
}

fn check_list(
    interactive: &Map<String, Value>,
    action: &Map<String, Value>,
) -> Result<(), GraphError> {
    let path = "interactive['action']";
    max_len(
        required_str(action, "button", path)?,
        20,
        "interactive['action']['button']",
    )?;
    if let Some(header) = interactive.get("header") {
        if let Some(text) = header.get("text").and_then(Value::as_str) {
            max_len(text, 60, "interactive['header']['text']")?;
        }
    }
    let sections = action
        .get("sections")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            GraphError::missing_parameter(
                "The parameter interactive['action']['sections'] is required.",
            )
        })?;
    if sections.is_empty() || sections.len() > 10 {
        return Err(GraphError::invalid_value(
            "Param sections must have between 1 and 10 sections.",
        ));
    }
    let mut rows_total = 0;
    for section in sections {
        if let Some(title) = section.get("title").and_then(Value::as_str) {
            max_len(title, 24, "section['title']")?;
        }
        let rows = section
            .get("rows")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                GraphError::missing_parameter("The parameter section['rows'] is required.")
            })?;
        for row in rows {
            let row = object(row, "row")?;
            max_len(required_str(row, "id", "row")?, 200, "row['id']")?;
            max_len(required_str(row, "title", "row")?, 24, "row['title']")?;
            if let Some(description) = optional_str(row, "description", "row")? {
                max_len(description, 72, "row['description']")?;
            }
        }
        rows_total += rows.len();
    }
    if rows_total == 0 || rows_total > 10 {
        return Err(GraphError::invalid_value(
            "Total row count must be between 1 and 10.",
        ));
    }
    Ok(())
}
