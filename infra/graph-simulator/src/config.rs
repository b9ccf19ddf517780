//! Configuration: fixed identity settings plus a `Behaviour` that can be
//! changed while the simulator runs (`POST /_sim/config`, `RunningSimulator::update`).

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::media::fault::MediaFault;
// The limits live with the buckets that apply them; `/_sim/config` shows them here.
pub use crate::rate::{PairLimit, RateLimits, ThroughputLimit};

/// Everything needed to start a simulator. `Default` suits in-process tests:
/// random port on loopback, no webhook URL, limits on, no faults.
#[derive(Clone)]
pub struct SimulatorConfig {
    pub listen: SocketAddr,
    /// Expected in `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Key of the `X-Hub-Signature-256` HMAC on webhooks we post.
    pub app_secret: String,
    /// `entry[].id` of webhooks.
    pub waba_id: String,
    /// `metadata.display_phone_number` of webhooks.
    pub display_phone_number: String,
    /// `metadata.phone_number_id` of injected inbound messages when the
    /// request does not name one.
    pub default_phone_number_id: String,
    /// Seeds fault decisions and fbtrace ids, so a fault run can be replayed.
    pub seed: u64,
    pub behaviour: Behaviour,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            access_token: "sim-access-token".into(),
            app_secret: "sim-app-secret".into(),
            // Ids from Meta's own webhook examples, so fixtures and simulator agree.
            waba_id: "102290129340398".into(),
            display_phone_number: "15550783881".into(),
            default_phone_number_id: "106540352242922".into(),
            seed: 1,
            behaviour: Behaviour::default(),
        }
    }
}

// Hand-written so that `{:?}` in a log line can never leak the token or secret.
impl fmt::Debug for SimulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulatorConfig")
            .field("listen", &self.listen)
            .field("access_token", &"<redacted>")
            .field("app_secret", &"<redacted>")
            .field("waba_id", &self.waba_id)
            .field("display_phone_number", &self.display_phone_number)
            .field("default_phone_number_id", &self.default_phone_number_id)
            .field("seed", &self.seed)
            .field("behaviour", &self.behaviour)
            .finish()
    }
}

/// The run-time adjustable part. Serialized form is what `GET /_sim/config`
/// shows and what `POST /_sim/config` merge-patches (RFC 7386).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Behaviour {
    /// Where status and inbound webhooks go; `None` turns the loop off.
    pub webhook_url: Option<String>,
    /// Phone number ids that exist; empty accepts any.
    pub phone_number_ids: Vec<String>,
    /// Approved template names; empty accepts any (otherwise 132001).
    pub known_templates: Vec<String>,
    pub rate_limits: RateLimits,
    pub faults: Faults,
    pub recipients: Recipients,
    pub webhooks: WebhookBehaviour,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Share (0.0–1.0) of requests answered with a random server error.
    pub server_error_rate: f64,
    /// Codes drawn from for those server errors.
    pub server_error_codes: Vec<u32>,
    /// Share (0.0–1.0) of requests held for `timeout_ms` before being answered.
    pub timeout_rate: f64,
    pub timeout_ms: u64,
    /// Consumed front to back: each entry answers `count` requests with `code`.
    pub force_next: Vec<ForcedError>,
    /// Recipient (any phone format) → code answered for every send to it.
    pub recipient_errors: BTreeMap<String, u32>,
    /// Media id → what its metadata or download does wrong.
    pub media: BTreeMap<String, MediaFault>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            server_error_rate: 0.0,
            server_error_codes: vec![1, 2, 131000, 131016],
            timeout_rate: 0.0,
            timeout_ms: 10_000,
            force_next: Vec::new(),
            recipient_errors: BTreeMap::new(),
            media: BTreeMap::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForcedError {
    pub code: u32,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Recipients {
    /// Numbers without WhatsApp: error 131026, sync or as a failed status.
    pub not_on_whatsapp: Vec<String>,
    pub undeliverable: Undeliverable,
    /// Numbers whose 24 h customer service window is closed: non-template
    /// sends get 131047. An injected inbound message from one reopens it.
    pub window_closed: Vec<String>,
    /// Recipient → code of a `failed` status webhook sent instead of
    /// sent/delivered/read (the send itself succeeds).
    pub failed_status: BTreeMap<String, u32>,
}

/// How 131026 surfaces. Meta usually accepts the send and reports a failed
/// status later, so that is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Undeliverable {
    Sync,
    #[default]
    Async,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookBehaviour {
    pub status_delays_ms: StatusDelays,
    /// Last status posted for a successful send.
    pub final_status: FinalStatus,
    /// Attempts per webhook POST, the first one included.
    pub max_attempts: u32,
    /// First retry is immediate, then this doubles each time (Meta retries
    /// "immediately, then with decreasing frequency").
    pub retry_backoff_ms: u64,
    pub request_timeout_ms: u64,
    /// Meta signs a body whose non-ASCII characters are `\uXXXX`-escaped;
    /// doing the same catches receivers that re-serialize before verifying.
    pub escape_non_ascii: bool,
    /// `pricing.category` for template sends (the simulator cannot know the
    /// real template category).
    pub template_category: String,
}

impl Default for WebhookBehaviour {
    fn default() -> Self {
        Self {
            status_delays_ms: StatusDelays::default(),
            final_status: FinalStatus::Read,
            max_attempts: 5,
            retry_backoff_ms: 500,
            request_timeout_ms: 5_000,
            escape_non_ascii: true,
            template_category: "utility".into(),
        }
    }
}

/// Each delay counts from the previous step: `sent` from acceptance,
/// `delivered` from `sent`, `read` from `delivered`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusDelays {
    pub sent: u64,
    pub delivered: u64,
    pub read: u64,
}

impl Default for StatusDelays {
    fn default() -> Self {
        Self {
            sent: 200,
            delivered: 500,
            read: 1_000,
        }
    }
}

impl StatusDelays {
    /// Same delay for every step; tests use `StatusDelays::all(0)`.
    pub fn all(ms: u64) -> Self {
        Self {
            sent: ms,
            delivered: ms,
            read: ms,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FinalStatus {
    None,
    Sent,
    Delivered,
    #[default]
    Read,
}

impl Behaviour {
    pub fn validate(&self) -> Result<(), String> {
        let f = &self.faults;
        for (name, rate) in [
            ("server_error_rate", f.server_error_rate),
            ("timeout_rate", f.timeout_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("faults.{name} must be between 0.0 and 1.0"));
            }
        }
        if f.server_error_rate > 0.0 && f.server_error_codes.is_empty() {
            return Err("faults.server_error_codes must not be empty".into());
        }
        let limits = &self.rate_limits;
        if limits.throughput.enabled
            && (limits.throughput.mps == 0 || limits.throughput.high_mps == 0)
        {
            return Err(
                "rate_limits.throughput.mps and high_mps must be > 0 (or disable it)".into(),
            );
        }
        if limits.pair.enabled && (limits.pair.burst == 0 || limits.pair.interval_ms == 0) {
            return Err(
                "rate_limits.pair.burst and interval_ms must be > 0 (or disable it)".into(),
            );
        }
        if self.webhooks.max_attempts == 0 {
            return Err("webhooks.max_attempts must be >= 1".into());
        }
        if let Some(url) = &self.webhook_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err("webhook_url must be an http(s) URL".into());
            }
        }
        Ok(())
    }

    /// Applies a JSON merge patch (RFC 7386): objects merge, `null` resets a
    /// field to its default, anything else replaces.
    pub fn merge_patch(&self, patch: &Value) -> Result<Behaviour, String> {
        let mut current = serde_json::to_value(self).map_err(|e| e.to_string())?;
        merge(&mut current, patch);
        let next: Behaviour = serde_json::from_value(current).map_err(|e| e.to_string())?;
        next.validate()?;
        Ok(next)
    }
}

pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Digits of a phone number as written by a caller: `+1 (650) 555-1234` and
/// `16505551234` name the same recipient.
pub fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// Whether `recipient` (digits) is in a list written in any phone format.
pub fn listed(list: &[String], recipient_digits: &str) -> bool {
    list.iter().any(|entry| digits(entry) == recipient_digits)
}

pub fn lookup<V: Copy>(map: &BTreeMap<String, V>, recipient_digits: &str) -> Option<V> {
    map.iter()
        .find(|(key, _)| digits(key) == recipient_digits)
        .map(|(_, value)| *value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_should_change_only_named_fields() {
        let base = Behaviour::default();
        let next = base
            .merge_patch(&json!({"faults": {"server_error_rate": 0.5}}))
            .unwrap();
        assert_eq!(next.faults.server_error_rate, 0.5);
        assert_eq!(
            next.faults.server_error_codes,
            base.faults.server_error_codes
        );
        assert_eq!(next.rate_limits, base.rate_limits);
    }

    #[test]
    fn merge_patch_with_null_should_reset_to_default() {
        let mut base = Behaviour {
            webhook_url: Some("http://127.0.0.1:1/".into()),
            ..Behaviour::default()
        };
        base.rate_limits.throughput.mps = 5;
        let next = base
            .merge_patch(&json!({"webhook_url": null, "rate_limits": {"throughput": null}}))
            .unwrap();
        assert_eq!(next.webhook_url, None);
        assert_eq!(next.rate_limits.throughput.mps, 80);
    }

    #[test]
    fn merge_patch_should_reject_unknown_fields_and_bad_rates() {
        let base = Behaviour::default();
        assert!(base.merge_patch(&json!({"fautls": {}})).is_err());
        assert!(base
            .merge_patch(&json!({"faults": {"timeout_rate": 1.5}}))
            .is_err());
    }

    #[test]
    fn recipients_should_match_in_any_phone_format() {
        let list = vec!["+1 (650) 555-1234".to_string()];
        assert!(listed(&list, "16505551234"));
        assert!(!listed(&list, "16505551235"));
    }
}
