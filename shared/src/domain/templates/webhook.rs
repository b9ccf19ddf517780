//! The four template webhooks (meta-api §8; payloads `field_message_template_*`,
//! `field_template_category_update_*`), read into one change of one
//! template. Meta writes languages `en-US` here and `en_US` in the list API.

use serde_json::{json, Map, Value};

use super::model::{TemplateDefinition, TemplateKey};

/// The webhook fields that change a template.
pub const TEMPLATE_FIELDS: [&str; 4] = [
    "message_template_status_update",
    "template_category_update",
    "message_template_quality_update",
    "message_template_components_update",
];

#[derive(Debug, Clone, PartialEq)]
pub enum TemplateUpdate {
    /// A new status (`event`), and the category the webhook names.
    Status {
        status: String,
        category: Option<String>,
    },
    /// `FLAGGED`: the status stays, the quality is RED (Meta pauses later).
    Flagged,
    Category(String),
    Quality(String),
    /// Title, body, footer and buttons as the list API writes components.
    Components(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TemplateChange {
    pub key: TemplateKey,
    pub id: Option<String>,
    pub update: TemplateUpdate,
}

fn upper(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_uppercase)
}

/// One webhook change (`field`, `value`) as a template change; `None` for
/// another field, or a value without a template name and language (kept
/// as a diagnostic only).
pub fn template_change(field: &str, value: &Value) -> Option<TemplateChange> {
    if !TEMPLATE_FIELDS.contains(&field) {
        return None;
    }
    let name = value["message_template_name"].as_str()?;
    let language = value["message_template_language"].as_str()?;
    let update = if let Some(quality) = upper(&value["new_quality_score"]) {
        // Meta's own example posts a quality change under the status field.
        TemplateUpdate::Quality(quality)
    } else {
        match field {
            "message_template_status_update" => match upper(&value["event"])?.as_str() {
                "FLAGGED" => TemplateUpdate::Flagged,
                "REINSTATED" | "UNPAUSED" => TemplateUpdate::Status {
                    status: "APPROVED".into(),
                    category: upper(&value["message_template_category"]),
                },
                event => TemplateUpdate::Status {
                    status: event.to_owned(),
                    category: upper(&value["message_template_category"]),
                },
            },
            // Announced (`correct_category`) or done (`previous_category`):
            // `new_category` is the category Meta applies now.
            "template_category_update" => TemplateUpdate::Category(upper(&value["new_category"])?),
            "message_template_components_update" => TemplateUpdate::Components(components(value)),
            _ => return None,
        }
    };
    Some(TemplateChange {
        key: TemplateKey::new(name, language),
        id: value["message_template_id"]
            .as_u64()
            .map(|n| n.to_string())
            .or_else(|| value["message_template_id"].as_str().map(str::to_owned)),
        update,
    })
}

/// The components webhook's flat fields as list-API components.
fn components(value: &Value) -> Value {
    let mut out = Vec::new();
    if let Some(title) = value["message_template_title"].as_str() {
        out.push(json!({"type": "HEADER", "format": "TEXT", "text": title}));
    }
    if let Some(body) = value["message_template_element"].as_str() {
        out.push(json!({"type": "BODY", "text": body}));
    }
    if let Some(footer) = value["message_template_footer"].as_str() {
        out.push(json!({"type": "FOOTER", "text": footer}));
    }
    let buttons: Vec<Value> = value["message_template_buttons"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            let mut button = Map::new();
            for (from, to) in [
                ("message_template_button_type", "type"),
                ("message_template_button_text", "text"),
                ("message_template_button_url", "url"),
                ("message_template_button_phone_number", "phone_number"),
            ] {
                if let Some(v) = b.get(from) {
                    button.insert(to.into(), v.clone());
                }
            }
            Value::Object(button)
        })
        .collect();
    if !buttons.is_empty() {
        out.push(json!({"type": "BUTTONS", "buttons": buttons}));
    }
    Value::Array(out)
}

impl TemplateDefinition {
    /// A template only a webhook has named: its status is unknown until
    /// the change says one, its components until the next sync.
    pub fn learned(change: &TemplateChange) -> Self {
        Self {
            key: change.key.clone(),
            id: change.id.clone(),
            status: "UNKNOWN".into(),
            category: None,
            components: None,
            parameter_format: "POSITIONAL".into(),
            quality: None,
        }
    }

    /// The change applied. A components update keeps a media or location
    /// header, which that webhook does not describe.
    pub fn apply(&mut self, change: &TemplateChange) {
        if self.id.is_none() {
            self.id.clone_from(&change.id);
        }
        match &change.update {
            TemplateUpdate::Status { status, category } => {
                self.status.clone_from(status);
                if category.is_some() {
                    self.category.clone_from(category);
                }
            }
            TemplateUpdate::Flagged => self.quality = Some("RED".into()),
            TemplateUpdate::Category(c) => self.category = Some(c.clone()),
            TemplateUpdate::Quality(q) => self.quality = Some(q.clone()),
            TemplateUpdate::Components(new) => {
                let mut new = new.as_array().cloned().unwrap_or_default();
                let has_header = new.iter().any(|c| c["type"] == "HEADER");
                let old_header = self
                    .components
                    .as_ref()
                    .and_then(Value::as_array)
                    .and_then(|old| old.iter().find(|c| c["type"] == "HEADER"))
                    .filter(|h| h["format"].as_str().is_some_and(|f| f != "TEXT"));
                if let (false, Some(h)) = (has_header, old_header) {
                    new.insert(0, h.clone());
                }
                self.components = Some(Value::Array(new));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!(
            "{}/../tests/fixtures/webhooks/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn change_of(v: &Value) -> Option<TemplateChange> {
        let c = &v["entry"][0]["changes"][0];
        template_change(c["field"].as_str().unwrap(), &c["value"])
    }

    #[test]
    fn a_paused_status_update_reads_as_the_new_status_with_the_underscore_language() {
        let c = template_change(
            "message_template_status_update",
            &json!({"event": "PAUSED", "message_template_id": 7, "message_template_name": "order_shipped",
                    "message_template_language": "en-US", "reason": "LOW_QUALITY"}),
        )
        .unwrap();
        assert_eq!(c.key, TemplateKey::new("order_shipped", "en_US"));
        assert_eq!(c.id.as_deref(), Some("7"));
        assert_eq!(
            c.update,
            TemplateUpdate::Status {
                status: "PAUSED".into(),
                category: None
            }
        );
    }

    #[test]
    fn reinstated_means_approved_and_flagged_only_lowers_the_quality() {
        let v = |event: &str| json!({"event": event, "message_template_name": "a", "message_template_language": "en"});
        let reinstated = template_change("message_template_status_update", &v("REINSTATED"));
        assert!(
            matches!(reinstated.unwrap().update, TemplateUpdate::Status { status, .. } if status == "APPROVED")
        );
        let flagged = template_change("message_template_status_update", &v("FLAGGED")).unwrap();
        let mut def = TemplateDefinition::learned(&flagged);
        def.status = "APPROVED".into();
        def.apply(&flagged);
        assert_eq!(
            (def.status.as_str(), def.quality.as_deref()),
            ("APPROVED", Some("RED"))
        );
    }

    #[test]
    fn a_category_a_quality_and_a_components_update_each_change_their_field() {
        let category = template_change(
            "template_category_update",
            &json!({"message_template_name": "a", "message_template_language": "en_US",
                    "previous_category": "UTILITY", "new_category": "MARKETING"}),
        )
        .unwrap();
        assert_eq!(
            category.update,
            TemplateUpdate::Category("MARKETING".into())
        );
        let quality = template_change(
            "message_template_status_update",
            &json!({"message_template_name": "a", "message_template_language": "en_US",
                    "previous_quality_score": "GREEN", "new_quality_score": "YELLOW"}),
        )
        .unwrap();
        assert_eq!(quality.update, TemplateUpdate::Quality("YELLOW".into()));
        let components = template_change(
            "message_template_components_update",
            &json!({"message_template_name": "a", "message_template_language": "en_US",
                    "message_template_element": "Hi {{1}}", "message_template_buttons": [
                        {"message_template_button_type": "URL", "message_template_button_text": "Go",
                         "message_template_button_url": "https://x/{{1}}"}]}),
        )
        .unwrap();
        let TemplateUpdate::Components(c) = components.update else {
            panic!("not a components update")
        };
        assert_eq!(c[0], json!({"type": "BODY", "text": "Hi {{1}}"}));
        assert_eq!(c[1]["buttons"][0]["url"], "https://x/{{1}}");
    }

    #[test]
    fn a_components_update_keeps_the_media_header_it_does_not_describe() {
        let mut def = TemplateDefinition::learned(
            &template_change(
                "message_template_status_update",
                &json!({"event": "APPROVED", "message_template_name": "a", "message_template_language": "en_US"}),
            )
            .unwrap(),
        );
        def.components =
            Some(json!([{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "x"}]));
        let change = template_change(
            "message_template_components_update",
            &json!({"message_template_name": "a", "message_template_language": "en_US",
                    "message_template_element": "y"}),
        )
        .unwrap();
        def.apply(&change);
        assert_eq!(
            def.components,
            Some(json!([{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "y"}]))
        );
    }

    #[test]
    fn another_field_or_a_value_without_a_template_is_no_change() {
        assert!(template_change("account_update", &json!({})).is_none());
        assert!(template_change(
            "message_template_status_update",
            &json!({"event": "PAUSED"})
        )
        .is_none());
    }

    #[test]
    fn the_template_status_fixture_reads_as_a_change() {
        assert!(change_of(&fixture("template_status_update.json")).is_some());
    }
}
