//! Template and account webhooks (`POST /_sim/account/webhooks`): the
//! envelope Meta posts for each non-`messages` field, with values
//! defaulting to Meta's examples (payloads/field_*__meta.json), and the
//! change applied to what Graph then answers: a status update changes the
//! template the list returns, a throughput upgrade the number's level.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::numbers::NumberHealth;
use super::templates::{same_language, Template};
use super::Account;

pub const TEMPLATE_FIELDS: &[&str] = &[
    "message_template_status_update",
    "template_category_update",
    "message_template_quality_update",
    "message_template_components_update",
];
pub const ACCOUNT_FIELDS: &[&str] = &[
    "phone_number_quality_update",
    "phone_number_name_update",
    "account_update",
    "account_alerts",
    "account_review_update",
    "business_capability_update",
    "security",
];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEvent {
    pub field: String,
    /// `entry[].id`; the simulator's WABA by default.
    #[serde(default)]
    pub waba_id: Option<String>,
    /// Which template a template field is about.
    #[serde(default)]
    pub template: Option<TemplateRef>,
    /// Which number a number field is about; the default number otherwise.
    #[serde(default)]
    pub phone_number_id: Option<String>,
    /// Merged over the defaults; keys given here win.
    #[serde(default)]
    pub value: Map<String, Value>,
    /// For `message_template_components_update`: the new components, in
    /// the list API's shape; the webhook's flat fields are built from them.
    #[serde(default)]
    pub components: Option<Vec<Value>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    pub name: String,
    #[serde(default = "en_us")]
    pub language: String,
}

fn en_us() -> String {
    "en_US".into()
}

/// Fields whose example value is only a default: a given `value` replaces
/// it whole (an `account_update` ban carries no `violation_info`).
const REPLACED_BY_VALUE: &[&str] = &[
    "account_update",
    "account_alerts",
    "account_review_update",
    "business_capability_update",
];

/// The webhook body, and whether the simulator's state changed with it.
pub struct Prepared {
    pub body: Value,
    pub applied: bool,
}

pub fn prepare(
    account: &mut Account,
    event: &AccountEvent,
    waba_id: &str,
    phone_number_id: &str,
    now: u64,
) -> Result<Prepared, String> {
    let field = event.field.as_str();
    let (mut value, applied) = if TEMPLATE_FIELDS.contains(&field) {
        let reference = event
            .template
            .as_ref()
            .ok_or("template fields need `template`: {\"name\", \"language\"}")?;
        let templates = &mut account.waba_mut(waba_id).templates;
        let found = templates
            .iter_mut()
            .find(|t| t.name == reference.name && same_language(&t.language, &reference.language));
        template_value(field, found, reference, event)?
    } else if ACCOUNT_FIELDS.contains(&field) {
        let number = account
            .numbers
            .entry(phone_number_id.to_string())
            .or_default();
        account_value(field, number, &event.value)
    } else {
        // A field the simulator does not model goes out as given.
        (Map::new(), false)
    };
    if REPLACED_BY_VALUE.contains(&field) && !event.value.is_empty() {
        value = event.value.clone();
    } else {
        value.extend(event.value.clone());
    }
    let body = json!({
        "entry": [{"id": waba_id, "time": now,
                   "changes": [{"value": value, "field": field}]}],
        "object": "whatsapp_business_account",
    });
    Ok(Prepared { body, applied })
}

fn template_value(
    field: &str,
    found: Option<&mut Template>,
    reference: &TemplateRef,
    event: &AccountEvent,
) -> Result<(Map<String, Value>, bool), String> {
    let given = |key: &str| {
        event
            .value
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // Meta writes `en-US` in these webhooks, except in the components update.
    let language = if field == "message_template_components_update" {
        reference.language.replace('-', "_")
    } else {
        reference.language.replace('_', "-")
    };
    let mut value = Map::new();
    let Some(template) = found else {
        // An unknown template: sent as asked, nothing to change.
        value.insert("message_template_id".into(), json!(0));
        value.insert("message_template_name".into(), json!(reference.name));
        value.insert("message_template_language".into(), json!(language));
        return Ok((value, false));
    };
    let id: Value = template
        .id
        .parse::<u64>()
        .map(Value::from)
        .unwrap_or(json!(template.id));
    value.insert("message_template_id".into(), id);
    value.insert("message_template_name".into(), json!(template.name));
    value.insert("message_template_language".into(), json!(language));
    match field {
        "message_template_status_update" => {
            let status = given("event").ok_or("a status update needs value.event")?;
            value.insert("reason".into(), json!("NONE"));
            value.insert("message_template_category".into(), json!(template.category));
            match status.as_str() {
                "REINSTATED" | "UNPAUSED" => template.status = "APPROVED".into(),
                // FLAGGED warns of a pause to come; the template stays usable.
                "FLAGGED" => template.quality_score = "RED".into(),
                other => template.status = other.to_string(),
            }
        }
        "message_template_quality_update" => {
            let score = given("new_quality_score")
                .ok_or("a quality update needs value.new_quality_score")?;
            value.insert(
                "previous_quality_score".into(),
                json!(template.quality_score),
            );
            template.quality_score = score;
        }
        "template_category_update" => {
            if event.value.contains_key("correct_category") {
                // Announced only: the category changes at the timestamp.
                value.insert("new_category".into(), json!(template.category));
                return Ok((value, false));
            }
            let new = given("new_category")
                .ok_or("a category update needs value.new_category (or correct_category)")?;
            value.insert("previous_category".into(), json!(template.category));
            template.previous_category = Some(std::mem::replace(&mut template.category, new));
        }
        _ => {
            let Some(components) = &event.components else {
                return Ok((value, false));
            };
            value.extend(flat_components(components));
            template.components = components.clone();
        }
    }
    Ok((value, true))
}

/// The components update's flat fields from list-API components.
fn flat_components(components: &[Value]) -> Map<String, Value> {
    let mut out = Map::new();
    for component in components {
        let text = component.get("text").cloned().unwrap_or(Value::Null);
        match component.get("type").and_then(Value::as_str).unwrap_or("") {
            "HEADER" => _ = out.insert("message_template_title".into(), text),
            "BODY" => _ = out.insert("message_template_element".into(), text),
            "FOOTER" => _ = out.insert("message_template_footer".into(), text),
            "BUTTONS" => {
                let buttons: Vec<Value> = component["buttons"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|b| {
                        let mut flat = Map::new();
                        flat.insert("message_template_button_type".into(), b["type"].clone());
                        flat.insert("message_template_button_text".into(), b["text"].clone());
                        for (key, name) in [("url", "url"), ("phone_number", "phone_number")] {
                            if let Some(v) = b.get(key) {
                                flat.insert(format!("message_template_button_{name}"), v.clone());
                            }
                        }
                        Value::Object(flat)
                    })
                    .collect();
                out.insert("message_template_buttons".into(), json!(buttons));
            }
            _ => {}
        }
    }
    out
}

fn account_value(
    field: &str,
    number: &mut NumberHealth,
    given: &Map<String, Value>,
) -> (Map<String, Value>, bool) {
    let text = |key: &str, default: &str| {
        given
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_string()
    };
    let display = number.display_digits();
    let (value, applied) = match field {
        "phone_number_quality_update" => {
            let event = text("event", "THROUGHPUT_UPGRADE");
            let limit = text("current_limit", "TIER_UNLIMITED");
            match event.as_str() {
                "THROUGHPUT_UPGRADE" => number.throughput_level = "HIGH".into(),
                "FLAGGED" => number.status = "FLAGGED".into(),
                "UNFLAGGED" => number.status = "CONNECTED".into(),
                _ => {}
            }
            if limit.starts_with("TIER_") && limit != "TIER_UNLIMITED" {
                number.messaging_limit_tier = limit.clone();
                number.whatsapp_business_manager_messaging_limit = limit.clone();
            }
            (
                json!({"display_phone_number": display, "event": event, "current_limit": limit}),
                true,
            )
        }
        "phone_number_name_update" => {
            let decision = text("decision", "APPROVED");
            let name = text("requested_verified_name", &number.verified_name);
            if decision == "APPROVED" {
                number.name_status = "APPROVED".into();
                number.verified_name = name.clone();
            } else {
                number.name_status = "DECLINED".into();
            }
            (
                json!({"display_phone_number": display, "decision": decision,
                    "requested_verified_name": name, "rejection_reason": null}),
                true,
            )
        }
        "account_update" => (
            json!({"event": "ACCOUNT_VIOLATION",
                                    "violation_info": {"violation_type": "ADULT"}}),
            false,
        ),
        "account_alerts" => (
            json!({"entity_type": "BUSINESS", "entity_id": "506914307656634",
            "alert_info": {"alert_severity": "WARNING", "alert_status": "ACTIVE",
                "alert_type": "INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED",
                "alert_description": "Limits cannot be increased for your business. Use WhatsApp Business platform actively for several days and follow our messaging policies."}}),
            false,
        ),
        "account_review_update" => (json!({"decision": "APPROVED"}), false),
        "business_capability_update" => (
            json!({"max_daily_conversations_per_business": 2000,
                                                "max_phone_numbers_per_waba": 25}),
            false,
        ),
        _ => (
            json!({"display_phone_number": display, "event": "PIN_RESET_REQUEST",
                     "requester": "61555822107539"}),
            false,
        ),
    };
    (value.as_object().cloned().unwrap_or_default(), applied)
}

#[cfg(test)]
#[path = "webhooks_tests.rs"]
mod tests;
