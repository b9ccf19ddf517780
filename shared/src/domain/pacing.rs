//! How fast each business number sends (docs/sending.md, "Pacing"): Meta's
//! `throughput.level` for the number, read by the template sync and raised
//! by a `THROUGHPUT_UPGRADE` webhook, and `MessagesPerSecond` as a cap over
//! every number. The shared counters that hold instances to it live with
//! their adapter (`adapters/dynamo/pacing.rs`).

use serde_json::Value;

use super::ids::PhoneNumberId;

/// Meta's `throughput.level` of a business number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThroughputLevel {
    /// Every number starts here: 80 messages a second.
    Standard,
    /// After Meta's automatic upgrade: up to 1,000 a second.
    High,
}

impl ThroughputLevel {
    /// Meta's word; a level this version does not know is `None` (paced as
    /// STANDARD, the rate every number has).
    pub fn parse(level: &str) -> Option<Self> {
        match level {
            "STANDARD" => Some(Self::Standard),
            "HIGH" => Some(Self::High),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::High => "HIGH",
        }
    }

    /// Meta's limit for the level (FACTS.md, "Throughput").
    pub fn messages_per_second(self) -> u32 {
        match self {
            Self::Standard => 80,
            Self::High => 1_000,
        }
    }

    /// The level a `phone_number_quality_update` announces, when it
    /// announces one: `THROUGHPUT_UPGRADE` is the move to HIGH.
    pub fn announced_by(event: &str) -> Option<Self> {
        (event == "THROUGHPUT_UPGRADE").then_some(Self::High)
    }
}

/// The rate a number is paced at: Meta's for its level (STANDARD while the
/// level is unknown: a number never synced, a level not yet named), never
/// above `cap` (`MessagesPerSecond`, which also holds a coexistence number
/// to its 20), never below one.
pub fn pace(level: Option<ThroughputLevel>, cap: u32) -> u32 {
    level
        .unwrap_or(ThroughputLevel::Standard)
        .messages_per_second()
        .min(cap)
        .max(1)
}

/// A business number as `GET /{waba-id}/phone_numbers` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessNumber {
    pub id: PhoneNumberId,
    /// Digits only, as account webhooks name the number.
    pub display_digits: Option<String>,
    pub throughput: Option<ThroughputLevel>,
}

impl BusinessNumber {
    pub fn new(id: PhoneNumberId) -> Self {
        Self {
            id,
            display_digits: None,
            throughput: None,
        }
    }

    /// One entry of the list (`id`, `display_phone_number`, `throughput`);
    /// `None` without a usable id.
    pub fn from_graph(entry: &Value) -> Option<Self> {
        let id = PhoneNumberId::parse(entry["id"].as_str()?).ok()?;
        let display_digits = entry["display_phone_number"]
            .as_str()
            .map(|d| d.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|d| !d.is_empty());
        Some(Self {
            id,
            display_digits,
            throughput: entry["throughput"]["level"]
                .as_str()
                .and_then(ThroughputLevel::parse),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_number_is_paced_at_metas_rate_for_its_level_under_the_cap() {
        assert_eq!(pace(Some(ThroughputLevel::High), 1_000), 1_000);
        assert_eq!(pace(Some(ThroughputLevel::Standard), 1_000), 80);
        assert_eq!(pace(None, 1_000), 80, "unknown is STANDARD");
        assert_eq!(pace(Some(ThroughputLevel::High), 20), 20, "the cap holds");
        assert_eq!(pace(None, 0), 1);
    }

    #[test]
    fn only_a_throughput_upgrade_announces_a_level() {
        assert_eq!(
            ThroughputLevel::announced_by("THROUGHPUT_UPGRADE"),
            Some(ThroughputLevel::High)
        );
        assert_eq!(ThroughputLevel::announced_by("UPGRADE"), None);
        assert_eq!(ThroughputLevel::announced_by("FLAGGED"), None);
    }

    #[test]
    fn a_listed_number_is_read_with_its_display_digits_and_level() {
        let n = BusinessNumber::from_graph(&json!({"id": "106540352242922",
            "display_phone_number": "+1 555-078-3881", "throughput": {"level": "HIGH"}}))
        .unwrap();
        assert_eq!(n.id.as_str(), "106540352242922");
        assert_eq!(n.display_digits.as_deref(), Some("15550783881"));
        assert_eq!(n.throughput, Some(ThroughputLevel::High));
        let bare =
            BusinessNumber::from_graph(&json!({"id": "1", "throughput": {"level": "ULTRA"}}))
                .unwrap();
        assert_eq!((bare.display_digits, bare.throughput), (None, None));
        assert_eq!(BusinessNumber::from_graph(&json!({"id": 5})), None);
    }
}
