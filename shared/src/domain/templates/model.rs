//! A template definition as the store keeps it: Meta's fields, read from
//! the list API's JSON (meta-api §5 "Templates"; ACCOUNT.md "Templates").

use serde_json::Value;

use crate::domain::outbound::Category;

/// A WhatsApp Business Account id: digits, as Graph writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WabaId(String);

impl WabaId {
    /// Digits only, 1 to 32 of them: the id becomes part of a storage key.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        (!s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for WabaId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Meta writes languages `en_US` in the list API and `en-US` in webhooks;
/// commands use `en_US`. The store keys on the underscore spelling.
pub fn language_key(language: &str) -> String {
    language.trim().replace('-', "_")
}

/// `(name, language)`: what a send names and what Meta keys a template on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TemplateKey {
    pub name: String,
    /// As [`language_key`] writes it.
    pub language: String,
}

impl TemplateKey {
    pub fn new(name: &str, language: &str) -> Self {
        Self {
            name: name.trim().to_owned(),
            language: language_key(language),
        }
    }
}

/// One template in one language. Business data, not personal data: no
/// customer is named in it.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateDefinition {
    pub key: TemplateKey,
    /// Meta's id, when known.
    pub id: Option<String>,
    /// `APPROVED`, `PAUSED`, `DISABLED`, `PENDING`, `REJECTED`, … upper case.
    pub status: String,
    /// `MARKETING`, `UTILITY`, `AUTHENTICATION` (upper case, Meta's).
    pub category: Option<String>,
    /// Meta's `components` array as the list API writes it; `None` when
    /// only a webhook has named the template (learned before any sync):
    /// the parameters of such a template are not checked.
    pub components: Option<Value>,
    /// `POSITIONAL` (Meta's default) or `NAMED`.
    pub parameter_format: String,
    /// `GREEN`, `YELLOW`, `RED`, `UNKNOWN`.
    pub quality: Option<String>,
}

fn upper(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_uppercase)
}

impl TemplateDefinition {
    /// One element of the list API's `data`; `None` without a name or a
    /// language (such an entry cannot be sent, so it is not kept).
    pub fn from_graph(t: &Value) -> Option<Self> {
        let name = t["name"].as_str().filter(|s| !s.trim().is_empty())?;
        let language = t["language"].as_str().filter(|s| !s.trim().is_empty())?;
        // `quality_score` is `{"score": "GREEN"}` in the API, a plain string in some tools.
        let quality = upper(&t["quality_score"]["score"]).or_else(|| upper(&t["quality_score"]));
        Some(Self {
            key: TemplateKey::new(name, language),
            id: t["id"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| t["id"].as_u64().map(|n| n.to_string())),
            status: upper(&t["status"]).unwrap_or_else(|| "UNKNOWN".into()),
            category: upper(&t["category"]),
            components: t.get("components").filter(|c| c.is_array()).cloned(),
            parameter_format: upper(&t["parameter_format"]).unwrap_or_else(|| "POSITIONAL".into()),
            quality,
        })
    }

    /// The category consent is decided on: Meta's, when it names one we know.
    pub fn consent_category(&self) -> Option<Category> {
        self.category
            .as_deref()
            .and_then(|c| Category::parse(&c.to_ascii_lowercase()))
    }

    pub fn is_named(&self) -> bool {
        self.parameter_format == "NAMED"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_entry_reads_into_a_definition_with_the_underscore_language() {
        let d = TemplateDefinition::from_graph(&json!({"name": "spring_sale", "language": "en-US",
            "status": "APPROVED", "category": "MARKETING", "quality_score": {"score": "GREEN"},
            "components": [], "id": "14"}))
        .unwrap();
        assert_eq!(d.key, TemplateKey::new("spring_sale", "en_US"));
        assert_eq!(d.consent_category(), Some(Category::Marketing));
        assert_eq!(d.quality.as_deref(), Some("GREEN"));
        assert_eq!(d.parameter_format, "POSITIONAL");
    }

    #[test]
    fn an_entry_without_a_name_or_language_is_not_kept() {
        assert!(TemplateDefinition::from_graph(&json!({"language": "en_US"})).is_none());
        assert!(TemplateDefinition::from_graph(&json!({"name": "x"})).is_none());
    }

    #[test]
    fn a_waba_id_is_digits_only() {
        assert!(WabaId::parse("102290129340398").is_some());
        assert!(WabaId::parse("12#3").is_none());
        assert!(WabaId::parse("").is_none());
    }
}
