//! `interactive` messages: the main limits of meta-api §5 (reply buttons,
//! lists, CTA URL, flows, location requests, carousels), not every rule.

use serde_json::Value;

use super::error::{shown, CommandError};
use super::field_checks::{
    array, constant, invalid, object, optional_text, required, required_object, text, url, Obj,
};

pub const INTERACTIVE_TYPES: [&str; 12] = [
    "button",
    "list",
    "cta_url",
    "flow",
    "location_request_message",
    "product",
    "product_list",
    "catalog_message",
    "carousel",
    "address_message",
    "call_permission_request",
    "voice_call",
];

pub const BODY_MAX: usize = 1024;
pub const LIST_BODY_MAX: usize = 4096;
pub const HEADER_TEXT_MAX: usize = 60;
pub const FOOTER_MAX: usize = 60;
pub const BUTTONS_MAX: usize = 3;
pub const BUTTON_ID_MAX: usize = 256;
pub const BUTTON_TITLE_MAX: usize = 20;
pub const LIST_BUTTON_MAX: usize = 20;
pub const SECTIONS_MAX: usize = 10;
pub const SECTION_TITLE_MAX: usize = 24;
pub const ROWS_MAX: usize = 10;
pub const ROW_ID_MAX: usize = 200;
pub const ROW_TITLE_MAX: usize = 24;
pub const ROW_DESCRIPTION_MAX: usize = 72;
pub const CTA_DISPLAY_TEXT_MAX: usize = 20;
pub const CAROUSEL_CARDS_MIN: usize = 2;
pub const CAROUSEL_CARDS_MAX: usize = 10;

const P: &str = "interactive";

pub(super) fn check(payload: &Value) -> Result<(), CommandError> {
    let obj = object(payload, P)?;
    let kind = text(obj, "type", P, 1, usize::MAX)?;
    if !INTERACTIVE_TYPES.contains(&kind) {
        return Err(invalid(
            "interactive.type",
            format!("`{}` is not a supported interactive type", shown(kind)),
        ));
    }
    // Only single-product messages may leave the body out.
    if kind != "product" || obj.contains_key("body") {
        let max = if kind == "list" {
            LIST_BODY_MAX
        } else {
            BODY_MAX
        };
        text(
            required_object(obj, "body", P)?,
            "text",
            "interactive.body",
            1,
            max,
        )?;
    }
    if let Some(header) = obj.get("header") {
        check_header(kind, header)?;
    }
    if let Some(footer) = obj.get("footer") {
        text(
            object(footer, "interactive.footer")?,
            "text",
            "interactive.footer",
            1,
            FOOTER_MAX,
        )?;
    }
    let action = required_object(obj, "action", P)?;
    let path = "interactive.action";
    match kind {
        "button" => check_buttons(action),
        "list" => check_list(action),
        "cta_url" => {
            constant(action, "name", path, "cta_url")?;
            let params = required_object(action, "parameters", path)?;
            let params_path = "interactive.action.parameters";
            text(params, "display_text", params_path, 1, CTA_DISPLAY_TEXT_MAX)?;
            url(params, "url", params_path)
        }
        "flow" => {
            constant(action, "name", path, "flow")?;
            let params = required_object(action, "parameters", path)?;
            let params_path = "interactive.action.parameters";
            text(params, "flow_cta", params_path, 1, usize::MAX)?;
            if !params.contains_key("flow_id") && !params.contains_key("flow_name") {
                return Err(invalid(params_path, "must have flow_id or flow_name"));
            }
            Ok(())
        }
        "location_request_message" => constant(action, "name", path, "send_location"),
        "carousel" => array(
            action,
            "cards",
            path,
            CAROUSEL_CARDS_MIN,
            CAROUSEL_CARDS_MAX,
        )
        .map(|_| ()),
        "product" => {
            text(action, "catalog_id", path, 1, usize::MAX)?;
            text(action, "product_retailer_id", path, 1, usize::MAX).map(|_| ())
        }
        "product_list" => {
            text(action, "catalog_id", path, 1, usize::MAX)?;
            array(action, "sections", path, 1, SECTIONS_MAX).map(|_| ())
        }
        _ => Ok(()),
    }
}

fn check_header(kind: &str, header: &Value) -> Result<(), CommandError> {
    let path = "interactive.header";
    let header = object(header, path)?;
    let header_type = text(header, "type", path, 1, usize::MAX)?;
    if header_type == "text" {
        text(header, "text", path, 1, HEADER_TEXT_MAX)?;
    } else if kind == "list" {
        return Err(invalid(
            "interactive.header.type",
            "must be \"text\" for a list",
        ));
    }
    Ok(())
}

fn check_buttons(action: &Obj) -> Result<(), CommandError> {
    let buttons = array(action, "buttons", "interactive.action", 1, BUTTONS_MAX)?;
    let mut seen: Vec<(&str, &str)> = Vec::with_capacity(buttons.len());
    for (i, button) in buttons.iter().enumerate() {
        let path = format!("interactive.action.buttons[{i}]");
        let button = object(button, &path)?;
        constant(button, "type", &path, "reply")?;
        let reply_path = format!("{path}.reply");
        let reply = required_object(button, "reply", &path)?;
        let id = text(reply, "id", &reply_path, 1, BUTTON_ID_MAX)?;
        let title = text(reply, "title", &reply_path, 1, BUTTON_TITLE_MAX)?;
        if seen.iter().any(|(i, t)| *i == id || *t == title) {
            return Err(invalid(&path, "repeats the id or title of another button"));
        }
        seen.push((id, title));
    }
    Ok(())
}

fn check_list(action: &Obj) -> Result<(), CommandError> {
    let path = "interactive.action";
    text(action, "button", path, 1, LIST_BUTTON_MAX)?;
    let sections = array(action, "sections", path, 1, SECTIONS_MAX)?;
    let mut rows_total = 0;
    for (i, section) in sections.iter().enumerate() {
        let path = format!("interactive.action.sections[{i}]");
        let section = object(section, &path)?;
        // A title is needed when there is more than one section.
        if sections.len() > 1 {
            required(section, "title", &path)?;
        }
        optional_text(section, "title", &path, SECTION_TITLE_MAX)?;
        let rows = array(section, "rows", &path, 1, ROWS_MAX)?;
        for (j, row) in rows.iter().enumerate() {
            let path = format!("{path}.rows[{j}]");
            let row = object(row, &path)?;
            text(row, "id", &path, 1, ROW_ID_MAX)?;
            text(row, "title", &path, 1, ROW_TITLE_MAX)?;
            optional_text(row, "description", &path, ROW_DESCRIPTION_MAX)?;
        }
        rows_total += rows.len();
    }
    if rows_total > ROWS_MAX {
        return Err(invalid(
            "interactive.action.sections",
            format!("have {rows_total} rows in all; at most {ROWS_MAX} are allowed"),
        ));
    }
    Ok(())
}
