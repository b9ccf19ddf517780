use shared::config::{parsed_or, required, ConfigError};
use shared::domain::review::ReviewSettings;

/// The review's environment (template.yaml `ReviewFunction`; `make doctor`
/// gives the same variables).
#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub secret_id: String,
    /// Where events go: the bus (issue #17).
    pub events: shared::config::EventBusConfig,
    pub graph_base_url: String,
    pub graph_version: String,
    /// WABAs looked at besides those the token's granular scopes name.
    pub waba_ids: Vec<String>,
    pub phone_number_ids: Vec<String>,
    pub dead_letter_queue_urls: Vec<String>,
    /// Empty: no `AlarmEmail`, so no topic.
    pub alarm_topic_arn: String,
    /// Days a run item is kept.
    pub run_retention_days: i64,
    /// `TemplateSyncMinutes`: how often the template sync runs.
    pub template_sync_minutes: i64,
    pub settings: ReviewSettings,
}

fn list(name: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let d = ReviewSettings::default();
        let mut phone_number_ids = list("PHONE_NUMBER_IDS");
        for id in list("DEFAULT_PHONE_NUMBER_ID") {
            if !phone_number_ids.contains(&id) {
                phone_number_ids.push(id);
            }
        }
        let webhook_url = std::env::var("WEBHOOK_URL").ok().filter(|u| !u.is_empty());
        let template_sync_minutes = template_sync_minutes()?;
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            secret_id: required("SECRET_ID")?,
            events: shared::config::EventBusConfig::from_env()?,
            graph_base_url: parsed_or(
                "GRAPH_API_BASE_URL",
                shared::adapters::graph::DEFAULT_BASE_URL.to_owned(),
            )?,
            graph_version: parsed_or(
                "GRAPH_API_VERSION",
                shared::adapters::graph::DEFAULT_VERSION.to_owned(),
            )?,
            waba_ids: list("WABA_IDS"),
            phone_number_ids,
            dead_letter_queue_urls: list("DEAD_LETTER_QUEUE_URLS"),
            alarm_topic_arn: std::env::var("ALARM_TOPIC_ARN").unwrap_or_default(),
            run_retention_days: parsed_or("RETENTION_DAYS", 30)?,
            template_sync_minutes,
            settings: ReviewSettings {
                pitr_days: parsed_or("POINT_IN_TIME_RECOVERY_DAYS", d.pitr_days)?,
                retention_days: parsed_or("RETENTION_DAYS", d.retention_days)?,
                events_archive_days: parsed_or("EVENTS_ARCHIVE_DAYS", d.events_archive_days)?,
                webhook_url,
                template_sync_minutes,
                ..d
            },
        })
    }
}

/// `TEMPLATE_SYNC_MINUTES` (template.yaml `TemplateSyncMinutes`): 5 minutes to a
/// week; the review expects a sync within twice that.
fn template_sync_minutes() -> Result<i64, ConfigError> {
    let minutes: i64 = parsed_or("TEMPLATE_SYNC_MINUTES", 60)?;
    if !(5..=10_080).contains(&minutes) {
        return Err(ConfigError::Invalid {
            name: "TEMPLATE_SYNC_MINUTES",
            reason: "must be 5 to 10080 (a week)".into(),
        });
    }
    Ok(minutes)
}
