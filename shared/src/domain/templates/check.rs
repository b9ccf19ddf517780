//! The check of a template command against the template Meta holds, before
//! any call to Meta (issue #16 item 2): status first (Meta's 132015, 132016,
//! 132001), then the parameters (Meta's 132000), component by component.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::layout::{layout, Header, Layout, Placeholders};
use super::model::TemplateDefinition;

/// Why a template command is refused without calling Meta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateRefusal {
    /// The store has synced and holds no such (name, language).
    NotFound,
    /// The template is not `APPROVED`; holds Meta's status.
    NotApproved(String),
    /// The parameters do not fit: which component, what was expected.
    Parameters(String),
}

impl TemplateRefusal {
    /// The outcome's `reason`: `template_not_found`,
    /// `template_<status lowercase>`, `template_parameters_mismatch`.
    pub fn reason(&self) -> String {
        match self {
            Self::NotFound => "template_not_found".into(),
            Self::NotApproved(status) => format!("template_{}", status.to_ascii_lowercase()),
            Self::Parameters(_) => "template_parameters_mismatch".into(),
        }
    }

    /// In words, for the outcome's `detail`.
    pub fn detail(&self) -> String {
        match self {
            Self::NotFound => {
                "the account has no template of this name in this language (Meta: 132001)".into()
            }
            Self::NotApproved(status) => format!("the template is {status}, not APPROVED"),
            Self::Parameters(detail) => detail.clone(),
        }
    }
}

fn mismatch(detail: String) -> TemplateRefusal {
    TemplateRefusal::Parameters(detail)
}

/// `template` is the command's `message.template` object (already checked
/// for shape by `outbound::template`); `def` what the store holds for its
/// (name, language), `None` when it holds nothing after a sync. Parameters
/// of a definition whose layout is not known are not checked.
pub fn check_command(
    template: &Value,
    def: Option<&TemplateDefinition>,
) -> Result<(), TemplateRefusal> {
    let def = def.ok_or(TemplateRefusal::NotFound)?;
    if def.status != "APPROVED" {
        return Err(TemplateRefusal::NotApproved(def.status.clone()));
    }
    match layout(def) {
        Ok(expected) => check_parameters(template, &expected),
        Err(_unknown_shape) => Ok(()),
    }
}

fn kind_of(component: &Value) -> String {
    component["type"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn parameters(component: &Value) -> &[Value] {
    component["parameters"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}

fn check_parameters(template: &Value, expected: &Layout) -> Result<(), TemplateRefusal> {
    let components = template["components"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let mut header = None;
    let mut body = None;
    let mut buttons = Vec::new();
    for c in components {
        match kind_of(c).as_str() {
            "header" => header = Some(c),
            "body" => body = Some(c),
            "button" => buttons.push(c),
            other => {
                return Err(mismatch(format!(
                    "{other}: the template has no {other} component"
                )))
            }
        }
    }
    check_header(header.map_or(&[][..], parameters), &expected.header)?;
    check_text("body", body.map_or(&[][..], parameters), &expected.body)?;
    check_buttons(&buttons, expected)
}

fn check_header(given: &[Value], expected: &Header) -> Result<(), TemplateRefusal> {
    let types: Vec<&str> = given
        .iter()
        .map(|p| p["type"].as_str().unwrap_or_default())
        .collect();
    match expected {
        Header::None if given.is_empty() => Ok(()),
        Header::None => Err(mismatch(format!(
            "header: the template has no header variables, got {} header parameter(s)",
            given.len()
        ))),
        Header::Text(vars) => check_text("header", given, vars),
        Header::Media(_) | Header::Location if types.as_slice() == [header_type(expected)] => {
            Ok(())
        }
        Header::Media(_) | Header::Location => Err(mismatch(format!(
            "header: the template's header is {}, so one {} parameter is expected, got {}",
            header_type(expected).to_ascii_uppercase(),
            header_type(expected),
            if types.is_empty() {
                "none".to_owned()
            } else {
                types.join(", ")
            }
        ))),
    }
}

fn header_type(h: &Header) -> &'static str {
    match h {
        Header::Media(kind) => kind,
        Header::Location => "location",
        Header::None | Header::Text(_) => "text",
    }
}

/// A header's or body's parameters against its variables: the count for
/// positional ones, the names for named ones.
fn check_text(part: &str, given: &[Value], vars: &Placeholders) -> Result<(), TemplateRefusal> {
    let wrong = |got: String| mismatch(format!("{part}: expected {}, got {got}", vars.describe()));
    match vars {
        Placeholders::Positional(n) if given.len() == *n => Ok(()),
        Placeholders::Positional(_) => Err(wrong(format!("{} parameter(s)", given.len()))),
        Placeholders::Named(names) => {
            let got: Vec<Option<&str>> =
                given.iter().map(|p| p["parameter_name"].as_str()).collect();
            if got.iter().any(Option::is_none) {
                return Err(wrong("a parameter without parameter_name".into()));
            }
            let got_names: BTreeSet<String> = got.iter().flatten().map(|s| s.to_string()).collect();
            if got_names.len() != given.len() || &got_names != names {
                let list: Vec<&str> = got.iter().flatten().copied().collect();
                return Err(wrong(format!("named parameters {}", list.join(", "))));
            }
            Ok(())
        }
    }
}

fn button_index(c: &Value) -> Option<usize> {
    match &c["index"] {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn check_buttons(given: &[&Value], expected: &Layout) -> Result<(), TemplateRefusal> {
    let mut seen = HashSet::new();
    for c in given {
        let index = button_index(c)
            .ok_or_else(|| mismatch("button: index must be a number from 0 to 9".into()))?;
        let Some(def) = expected.buttons.get(index) else {
            return Err(mismatch(format!(
                "button {index}: the template has {} button(s), indexes 0 to {}",
                expected.buttons.len(),
                expected.buttons.len().saturating_sub(1)
            )));
        };
        if !seen.insert(index) {
            return Err(mismatch(format!("button {index}: given twice")));
        }
        let sub_type = c["sub_type"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let Some(want) = def.sub_type else {
            return Err(mismatch(format!(
                "button {index}: a {} button takes no parameters, so no button component",
                def.kind
            )));
        };
        if sub_type != want {
            return Err(mismatch(format!(
                "button {index}: expected sub_type {want} (a {} button), got {sub_type}",
                def.kind
            )));
        }
        let n = parameters(c).len();
        if (def.needs_parameter && n != 1) || n > def.max_parameters {
            let wanted = if def.needs_parameter {
                "exactly 1 parameter"
            } else if def.max_parameters == 0 {
                "no parameters"
            } else {
                "at most 1 parameter"
            };
            return Err(mismatch(format!(
                "button {index}: a {} button takes {wanted}, got {n}",
                def.kind
            )));
        }
    }
    for (index, def) in expected.buttons.iter().enumerate() {
        if def.needs_parameter && !seen.contains(&index) {
            return Err(mismatch(format!(
                "button {index}: the {} button needs a parameter: expected a button component with sub_type {}, index {index} and 1 parameter",
                def.kind,
                def.sub_type.unwrap_or_default()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
