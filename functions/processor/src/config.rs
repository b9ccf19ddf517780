use shared::config::{parsed_or, required, ConfigError};
use shared::domain::automation::{load, Automation};
use shared::domain::consent::SuppressionRetention;
use shared::domain::retention::Retention;

/// The rules shipped with the function (`config/automation.yaml`), so a
/// deployment answers as the repository says; `AUTOMATION_RULES_PATH` points
/// at another file, `AUTOMATION_ENABLED=false` turns automation off.
pub const BUNDLED_RULES: &str = include_str!("../../../config/automation.yaml");

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub retention: Retention,
    /// Where events go: the bus (issue #17).
    pub events: shared::config::EventBusConfig,
    pub outbound_queue_url: String,
    /// The media queue: one job per stored file (docs/media.md).
    pub media_queue_url: String,
    pub automation: Option<Automation>,
    /// `<stack>/hashing`: names people on the suppression list; fetched on
    /// the first STOP / START, not at start.
    pub hashing_secret_id: String,
    pub suppression_retention: SuppressionRetention,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let days: u32 = parsed_or("RETENTION_DAYS", Retention::DEFAULT.days)?;
        if days == 0 {
            return Err(ConfigError::Invalid {
                name: "RETENTION_DAYS",
                reason: "must be at least 1".into(),
            });
        }
        let automation = if parsed_or("AUTOMATION_ENABLED", true)? {
            let text = match std::env::var("AUTOMATION_RULES_PATH") {
                Ok(path) if !path.is_empty() => {
                    std::fs::read_to_string(&path).map_err(|e| ConfigError::Invalid {
                        name: "AUTOMATION_RULES_PATH",
                        reason: format!("{path}: {e}"),
                    })?
                }
                _ => BUNDLED_RULES.to_owned(),
            };
            Some(load(&text).map_err(|e| ConfigError::Invalid {
                name: "AUTOMATION_RULES_PATH",
                reason: e.to_string(),
            })?)
        } else {
            None
        };
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            retention: Retention { days },
            events: shared::config::EventBusConfig::from_env()?,
            outbound_queue_url: required("OUTBOUND_QUEUE_URL")?,
            media_queue_url: required("MEDIA_QUEUE_URL")?,
            automation,
            hashing_secret_id: required("HASHING_SECRET_ID")?,
            suppression_retention: SuppressionRetention::from_days(parsed_or(
                "SUPPRESSION_RETENTION_DAYS",
                0,
            )?),
        })
    }
}
