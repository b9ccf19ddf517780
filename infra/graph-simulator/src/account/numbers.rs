//! A business number's health as `GET /{phone-number-id}?fields=…` answers
//! it (ACCOUNT.md "Phone number and account health").

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::errors::GraphError;

const NODE_TYPE: &str = "WhatsAppBusinessPhoneNumber";
/// Without `fields=`, Graph answers these.
const DEFAULT_FIELDS: &[&str] = &[
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
    "id",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NumberHealth {
    /// As Graph writes it: `+1 555-078-3881`.
    pub display_phone_number: String,
    pub verified_name: String,
    /// GREEN, YELLOW, RED, UNKNOWN (FLAGGED when a downgrade is pending).
    pub quality_rating: String,
    /// CONNECTED, PENDING, FLAGGED, RESTRICTED, BANNED, DISCONNECTED …
    pub status: String,
    /// APPROVED, AVAILABLE_WITHOUT_REVIEW, DECLINED, EXPIRED, PENDING_REVIEW, NONE.
    pub name_status: String,
    /// `throughput.level`: STANDARD (80 mps) or HIGH (up to 1000 mps).
    pub throughput_level: String,
    /// Deprecated by Meta but still answered: TIER_250, TIER_2K, TIER_10K, …
    pub messaging_limit_tier: String,
    pub whatsapp_business_manager_messaging_limit: String,
    pub code_verification_status: String,
    pub platform_type: String,
    /// `None`: `{"application": <the simulator's webhook URL>}` when one is set.
    pub webhook_configuration: Option<Value>,
    /// The WABA the number belongs to (`GET /{waba-id}/phone_numbers`);
    /// `None`: the simulator's `--waba-id`.
    pub waba_id: Option<String>,
}

impl Default for NumberHealth {
    fn default() -> Self {
        Self::healthy("15550783881")
    }
}

impl NumberHealth {
    pub fn healthy(display_digits: &str) -> Self {
        Self {
            display_phone_number: display_format(display_digits),
            verified_name: "John's Umbrella Mart".into(),
            quality_rating: "GREEN".into(),
            status: "CONNECTED".into(),
            name_status: "APPROVED".into(),
            throughput_level: "STANDARD".into(),
            messaging_limit_tier: "TIER_2K".into(),
            whatsapp_business_manager_messaging_limit: "TIER_2K".into(),
            code_verification_status: "VERIFIED".into(),
            platform_type: "CLOUD_API".into(),
            webhook_configuration: None,
            waba_id: None,
        }
    }

    /// Digits only, as webhooks write the display number.
    pub fn display_digits(&self) -> String {
        crate::config::digits(&self.display_phone_number)
    }

    /// The answer to `fields` (Graph's default set when `None`).
    pub fn to_graph(
        &self,
        id: &str,
        fields: Option<&[String]>,
        webhook_url: Option<&str>,
    ) -> Result<Value, GraphError> {
        let default: Vec<String> = DEFAULT_FIELDS.iter().map(|f| f.to_string()).collect();
        let mut out = Map::new();
        for name in fields.unwrap_or(&default) {
            let value = match name.as_str() {
                "id" => continue,
                "display_phone_number" => json!(self.display_phone_number),
                "verified_name" => json!(self.verified_name),
                "quality_rating" => json!(self.quality_rating),
                "status" => json!(self.status),
                "name_status" => json!(self.name_status),
                "throughput" => json!({"level": self.throughput_level}),
                "messaging_limit_tier" => json!(self.messaging_limit_tier),
                "whatsapp_business_manager_messaging_limit" => {
                    json!(self.whatsapp_business_manager_messaging_limit)
                }
                "code_verification_status" => json!(self.code_verification_status),
                "platform_type" => json!(self.platform_type),
                "webhook_configuration" => match (&self.webhook_configuration, webhook_url) {
                    (Some(config), _) => config.clone(),
                    (None, Some(url)) => json!({"application": url}),
                    // Graph leaves out a field that has no value.
                    (None, None) => continue,
                },
                other => return Err(GraphError::nonexisting_field(other, NODE_TYPE)),
            };
            out.insert(name.clone(), value);
        }
        out.insert("id".into(), json!(id));
        Ok(Value::Object(out))
    }
}

/// `15550783881` → `+1 555-078-3881` (North American numbers; others get
/// `+` and the digits).
pub fn display_format(digits: &str) -> String {
    let digits = crate::config::digits(digits);
    match digits.strip_prefix('1') {
        Some(rest) if rest.len() == 10 => {
            format!("+1 {}-{}-{}", &rest[..3], &rest[3..6], &rest[6..])
        }
        _ => format!("+{digits}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_fields_should_be_answered_with_id() {
        let health = NumberHealth::healthy("15550783881");
        let fields: Vec<String> = ["throughput", "quality_rating", "webhook_configuration"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let answer = health
            .to_graph("106540352242922", Some(&fields), Some("http://x/webhook"))
            .unwrap();
        assert_eq!(
            answer,
            json!({"throughput": {"level": "STANDARD"}, "quality_rating": "GREEN",
                   "webhook_configuration": {"application": "http://x/webhook"},
                   "id": "106540352242922"})
        );
        assert_eq!(health.display_phone_number, "+1 555-078-3881");
        assert_eq!(health.display_digits(), "15550783881");
    }

    #[test]
    fn an_unknown_field_should_answer_code_100() {
        let fields = vec!["colour".to_string()];
        let err = NumberHealth::default()
            .to_graph("1", Some(&fields), None)
            .unwrap_err();
        assert_eq!(err.code, 100);
        assert_eq!(
            err.message,
            "(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessPhoneNumber)"
        );
    }
}
