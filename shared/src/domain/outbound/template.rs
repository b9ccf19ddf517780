//! `template` messages: name, language and the components that fill the
//! approved template's parameters.

use serde_json::Value;

use super::error::{shown, CommandError};
use super::field_checks::{array, invalid, object, required, required_object, text};
use super::media_source;

/// Component types of a template *send* (the template *definition* has
/// others, e.g. `footer` and `buttons`, which are refused here because
/// they are a frequent copy-paste mistake). Upper case is accepted too.
pub const COMPONENT_TYPES: [&str; 5] =
    ["header", "body", "button", "carousel", "limited_time_offer"];
/// Component types inside a carousel card.
pub const CARD_COMPONENT_TYPES: [&str; 3] = ["header", "body", "button"];
pub const TEMPLATE_NAME_MAX: usize = 512;
pub const CAROUSEL_CARDS_MAX: usize = 10;
/// Button indexes run from 0 to 9.
pub const BUTTON_INDEX_MAX: u64 = 9;

const COMPONENTS_HINT: &str = "header, body, button, carousel or limited_time_offer";
const CARD_COMPONENTS_HINT: &str = "header, body or button inside a carousel card";

pub(super) fn check(payload: &Value) -> Result<(), CommandError> {
    let obj = object(payload, "template")?;
    text(obj, "name", "template", 1, TEMPLATE_NAME_MAX)?;
    let language = required_object(obj, "language", "template")?;
    text(language, "code", "template.language", 1, usize::MAX)?;
    if let Some(components) = obj.get("components") {
        let components = components
            .as_array()
            .ok_or_else(|| invalid("template.components", "must be an array"))?;
        check_components(
            components,
            "template.components",
            &COMPONENT_TYPES,
            COMPONENTS_HINT,
        )?;
    }
    Ok(())
}

/// `kind` as one of `allowed`, written in lower or upper case.
fn component_type(kind: &str, allowed: &[&'static str]) -> Option<&'static str> {
    allowed
        .iter()
        .copied()
        .find(|t| kind == *t || kind == t.to_ascii_uppercase())
}

fn check_components(
    components: &[Value],
    path: &str,
    allowed: &[&'static str],
    hint: &'static str,
) -> Result<(), CommandError> {
    for (i, component) in components.iter().enumerate() {
        let path = format!("{path}[{i}]");
        let obj = object(component, &path)?;
        let kind = required(obj, "type", &path)?
            .as_str()
            .ok_or_else(|| invalid(&format!("{path}.type"), "must be a string"))?;
        let kind = component_type(kind, allowed).ok_or_else(|| {
            CommandError::UnknownTemplateComponent {
                path: format!("message.{path}.type"),
                kind: shown(kind),
                allowed: hint,
            }
        })?;
        if let Some(parameters) = obj.get("parameters") {
            check_parameters(parameters, &path)?;
        }
        match kind {
            "button" => {
                text(obj, "sub_type", &path, 1, usize::MAX)?;
                check_button_index(obj, &path)?;
            }
            "carousel" => {
                let cards = array(obj, "cards", &path, 1, CAROUSEL_CARDS_MAX)?;
                for (j, card) in cards.iter().enumerate() {
                    let card_path = format!("{path}.cards[{j}]");
                    let card = object(card, &card_path)?;
                    let inner = array(card, "components", &card_path, 1, usize::MAX)?;
                    check_components(
                        inner,
                        &format!("{card_path}.components"),
                        &CARD_COMPONENT_TYPES,
                        CARD_COMPONENTS_HINT,
                    )?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Each parameter is an object with a `type`; the value shapes are Meta's.
fn check_parameters(parameters: &Value, path: &str) -> Result<(), CommandError> {
    let path = format!("{path}.parameters");
    let items = parameters
        .as_array()
        .ok_or_else(|| invalid(&path, "must be an array"))?;
    for (i, parameter) in items.iter().enumerate() {
        let path = format!("{path}[{i}]");
        let obj = object(parameter, &path)?;
        text(obj, "type", &path, 1, usize::MAX)?;
        // Header media may come from S3 too; other shapes stay Meta's to check.
        if let Some(kind) = media_source::media_parameter_type(parameter) {
            if let Some(media) = obj.get(kind).and_then(Value::as_object) {
                if media.contains_key("s3") {
                    media_source::check_s3(media, &format!("{path}.{kind}"))?;
                }
            }
        }
    }
    Ok(())
}

/// `index`: 0 to 9, as a number or a string (Meta's examples use both).
fn check_button_index(obj: &super::field_checks::Obj, path: &str) -> Result<(), CommandError> {
    let ok = match required(obj, "index", path)? {
        Value::Number(n) => n
            .as_f64()
            .is_some_and(|x| x.fract() == 0.0 && (0.0..=BUTTON_INDEX_MAX as f64).contains(&x)),
        Value::String(s) => s.len() == 1 && s.as_bytes()[0].is_ascii_digit(),
        _ => false,
    };
    if !ok {
        return Err(invalid(
            &format!("{path}.index"),
            "must be a button position from 0 to 9",
        ));
    }
    Ok(())
}
