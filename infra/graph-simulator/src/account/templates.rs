//! Message templates as `GET /{waba-id}/message_templates` lists them, and
//! Meta's cursor paging over them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::errors::GraphError;

/// Graph's default page size; a larger `limit` is served as this maximum.
pub const DEFAULT_LIMIT: usize = 25;
pub const MAX_LIMIT: usize = 100;

/// Fields the list can return (`fields=`); others answer code 100.
pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "language",
    "status",
    "category",
    "components",
    "parameter_format",
    "quality_score",
    "rejected_reason",
    "previous_category",
];
/// Without `fields=`, Graph answers these.
const DEFAULT_FIELDS: &[&str] = &["name", "components", "language", "status", "category", "id"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub name: String,
    /// As the list API writes it: `en_US`.
    pub language: String,
    pub status: String,
    pub category: String,
    #[serde(default)]
    pub components: Vec<Value>,
    #[serde(default = "positional")]
    pub parameter_format: String,
    /// `GREEN`, `YELLOW`, `RED` or `UNKNOWN`.
    #[serde(default = "unknown")]
    pub quality_score: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_category: Option<String>,
}

fn positional() -> String {
    "POSITIONAL".into()
}

fn unknown() -> String {
    "UNKNOWN".into()
}

impl Template {
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => json!(self.id),
            "name" => json!(self.name),
            "language" => json!(self.language),
            "status" => json!(self.status),
            "category" => json!(self.category),
            "components" => json!(self.components),
            "parameter_format" => json!(self.parameter_format),
            "quality_score" => json!({"score": self.quality_score}),
            "rejected_reason" => json!(self.rejected_reason.as_deref().unwrap_or("NONE")),
            "previous_category" => json!(self.previous_category.as_ref()?),
            _ => return None,
        })
    }

    /// The requested fields plus `id`, which Graph always adds.
    pub fn to_graph(&self, fields: &[String]) -> Value {
        let mut out = Map::new();
        for name in fields.iter().filter(|f| *f != "id") {
            if let Some(value) = self.field(name) {
                out.insert(name.clone(), value);
            }
        }
        out.insert("id".into(), json!(self.id));
        Value::Object(out)
    }
}

pub fn parse_seed(text: &str) -> Result<Vec<Template>, String> {
    serde_json::from_str::<Vec<Template>>(text).map_err(|e| e.to_string())
}

/// Webhooks write `en-US` where the list writes `en_US`; both name one language.
pub fn same_language(a: &str, b: &str) -> bool {
    a.replace('-', "_")
        .eq_ignore_ascii_case(&b.replace('-', "_"))
}

/// `count` approved utility templates `{prefix}_{n}` with one positional
/// body parameter, for paging tests; ids follow `first_id`.
pub fn generate(prefix: &str, count: usize, first_id: u64) -> Vec<Template> {
    (0..count)
        .map(|n| Template {
            id: (first_id + n as u64).to_string(),
            name: format!("{prefix}_{n:04}"),
            language: "en_US".into(),
            status: "APPROVED".into(),
            category: "UTILITY".into(),
            components: vec![json!({"type": "BODY", "text": "Update {{1}}.",
                                    "example": {"body_text": [["#1"]]}})],
            parameter_format: positional(),
            quality_score: unknown(),
            rejected_reason: None,
            previous_category: None,
        })
        .collect()
}

/// Meta's cursor style: base64 of the position, `=` written `ZD`.
pub fn cursor(position: usize) -> String {
    STANDARD.encode(position.to_string()).replace('=', "ZD")
}

pub fn position(cursor: &str) -> Option<usize> {
    let raw = STANDARD.decode(cursor.replace("ZD", "=")).ok()?;
    String::from_utf8(raw).ok()?.parse().ok()
}

pub struct PageRequest<'a> {
    pub fields: Option<Vec<String>>,
    pub limit: Option<&'a str>,
    pub after: Option<&'a str>,
    pub before: Option<&'a str>,
    /// Filters Graph offers: `name` (substring), `status`, `category`, `language`.
    pub filters: Vec<(&'static str, String)>,
}

pub struct Page {
    pub data: Vec<Value>,
    pub fields: Vec<String>,
    pub limit: usize,
    /// Cursors of the first and last item, when the page is not empty.
    pub cursors: Option<(String, String)>,
    pub has_next: bool,
    pub has_previous: bool,
}

pub fn page(all: &[Template], request: &PageRequest<'_>) -> Result<Page, GraphError> {
    let fields = match &request.fields {
        None => DEFAULT_FIELDS.iter().map(|f| f.to_string()).collect(),
        Some(fields) => {
            if let Some(bad) = fields.iter().find(|f| !FIELDS.contains(&f.as_str())) {
                return Err(GraphError::nonexisting_field(
                    bad,
                    "WhatsAppMessageTemplate",
                ));
            }
            fields.clone()
        }
    };
    let limit = match request.limit {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n > 0 => n.min(MAX_LIMIT),
            _ => {
                return Err(GraphError::invalid_parameter(format!(
                    "Invalid limit: {text}"
                )))
            }
        },
    };
    let matching: Vec<&Template> = all.iter().filter(|t| keep(t, &request.filters)).collect();
    let bad_cursor = |c: &str| GraphError::invalid_parameter(format!("Invalid cursor: {c}"));
    let (start, end) = match (request.after, request.before) {
        (Some(after), _) => {
            let at = position(after).ok_or_else(|| bad_cursor(after))?;
            let start = (at + 1).min(matching.len());
            (start, (start + limit).min(matching.len()))
        }
        (None, Some(before)) => {
            let at = position(before)
                .ok_or_else(|| bad_cursor(before))?
                .min(matching.len());
            (at.saturating_sub(limit), at)
        }
        (None, None) => (0, limit.min(matching.len())),
    };
    let data = matching[start..end]
        .iter()
        .map(|t| t.to_graph(&fields))
        .collect();
    Ok(Page {
        data,
        fields,
        limit,
        cursors: (end > start).then(|| (cursor(start), cursor(end - 1))),
        has_next: end < matching.len(),
        has_previous: start > 0,
    })
}

fn keep(template: &Template, filters: &[(&'static str, String)]) -> bool {
    filters.iter().all(|(name, wanted)| match *name {
        "name" => template.name.contains(wanted.as_str()),
        "status" => template.status.eq_ignore_ascii_case(wanted),
        "category" => template.category.eq_ignore_ascii_case(wanted),
        "language" => same_language(&template.language, wanted),
        _ => true,
    })
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
