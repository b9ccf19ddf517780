//! The business account as Graph shows it: message templates per WABA,
//! whether the app is subscribed to each WABA, the access token's
//! `debug_token` answer, and each business number's health fields.
//! All of it is settable through `/_sim/account…` for tests.

pub mod numbers;
pub mod templates;
pub mod webhooks;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use numbers::NumberHealth;
use templates::Template;

/// The templates shipped in the repo, loaded at start.
pub const SEED_TEMPLATES: &str = include_str!("../../seed/templates.json");

/// What `GET /debug_token` says about the access token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokenInfo {
    pub app_id: String,
    pub application: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Unix seconds; 0 means never. Past it, every Graph call answers 190.
    pub expires_at: u64,
    pub data_access_expires_at: u64,
    /// False makes every Graph call answer 190 (a revoked token).
    pub is_valid: bool,
    pub scopes: Vec<String>,
    /// `None`: one entry per scope of `scopes` naming every WABA.
    pub granular_scopes: Option<Value>,
    pub user_id: String,
}

impl Default for TokenInfo {
    fn default() -> Self {
        Self {
            app_id: "1091827364554637".into(),
            application: "John's Umbrella Mart (simulated)".into(),
            kind: "SYSTEM_USER".into(),
            expires_at: 0,
            data_access_expires_at: 0,
            is_valid: true,
            scopes: vec![
                "whatsapp_business_messaging".into(),
                "whatsapp_business_management".into(),
            ],
            granular_scopes: None,
            user_id: "122093456789012345".into(),
        }
    }
}

impl TokenInfo {
    /// Whether Graph still accepts the token at `now`.
    pub fn usable(&self, now: u64) -> bool {
        self.is_valid && (self.expires_at == 0 || now < self.expires_at)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Waba {
    pub templates: Vec<Template>,
    /// Whether our app is subscribed to this WABA's webhooks.
    pub subscribed: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Account {
    pub token: TokenInfo,
    pub wabas: BTreeMap<String, Waba>,
    pub numbers: BTreeMap<String, NumberHealth>,
}

impl Account {
    /// The shipped templates under `waba_id`, subscribed, one healthy number.
    pub fn seeded(waba_id: &str, phone_number_id: &str, display_phone_number: &str) -> Self {
        let templates = templates::parse_seed(SEED_TEMPLATES)
            .expect("seed/templates.json is valid (checked by a unit test)");
        let mut wabas = BTreeMap::new();
        wabas.insert(
            waba_id.to_string(),
            Waba {
                templates,
                subscribed: true,
            },
        );
        let mut numbers = BTreeMap::new();
        numbers.insert(
            phone_number_id.to_string(),
            NumberHealth::healthy(display_phone_number),
        );
        Self {
            token: TokenInfo::default(),
            wabas,
            numbers,
        }
    }

    /// Meta's refusal of a send naming a template it holds but would not
    /// send: 132015 paused, 132016 disabled, 132001 any other status
    /// ("does not exist in the translation or is not approved"). `None`
    /// for approved templates and for templates the simulator does not
    /// hold (those are accepted, as before the template list existed).
    pub fn template_refusal(&self, name: &str, language: &str) -> Option<(u32, String)> {
        let template = self
            .wabas
            .values()
            .flat_map(|waba| &waba.templates)
            .find(|t| t.name == name && templates::same_language(&t.language, language))?;
        let code = match template.status.as_str() {
            "APPROVED" => return None,
            "PAUSED" => 132015,
            "DISABLED" => 132016,
            _ => 132001,
        };
        Some((code, template.status.clone()))
    }

    /// The number's `throughput.level` is HIGH (Meta: up to 1000 mps).
    pub fn high_throughput(&self, phone_number_id: &str) -> bool {
        self.numbers
            .get(phone_number_id)
            .is_some_and(|n| n.throughput_level == "HIGH")
    }

    pub fn waba_mut(&mut self, waba_id: &str) -> &mut Waba {
        self.wabas.entry(waba_id.to_string()).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_should_load_and_have_unique_ids() {
        let account = Account::seeded("w", "p", "15550783881");
        let templates = &account.wabas["w"].templates;
        assert!(templates.len() >= 8);
        let mut ids: Vec<_> = templates.iter().map(|t| t.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), templates.len());
        assert!(templates
            .iter()
            .any(|t| t.name == "order_shipped" && t.status == "APPROVED"));
    }

    #[test]
    fn sends_of_held_but_unapproved_templates_should_get_metas_codes() {
        let account = Account::seeded("w", "p", "15550783881");
        assert_eq!(account.template_refusal("order_shipped", "en_US"), None);
        assert_eq!(account.template_refusal("unknown", "en_US"), None);
        let code = |name| account.template_refusal(name, "en_US").unwrap().0;
        assert_eq!(code("rainy_day_deals"), 132015);
        assert_eq!(code("old_newsletter"), 132016);
        assert_eq!(code("store_location"), 132001);
        assert_eq!(code("free_umbrella"), 132001);
    }

    #[test]
    fn an_expired_or_revoked_token_should_not_be_usable() {
        let mut token = TokenInfo::default();
        assert!(token.usable(u64::MAX));
        token.expires_at = 100;
        assert!(token.usable(99));
        assert!(!token.usable(100));
        token.expires_at = 0;
        token.is_valid = false;
        assert!(!token.usable(1));
    }
}
