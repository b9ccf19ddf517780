use shared::config::{parsed_or, required, ConfigError};

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    /// The stack's media bucket (`MediaBucket`): erasure and the over-age count.
    pub media_bucket: String,
    pub settings: crate::Settings,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let d = crate::Settings::default();
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            media_bucket: required("MEDIA_BUCKET_NAME")?,
            settings: crate::Settings {
                retention_days: parsed_or("RETENTION_DAYS", d.retention_days)?,
                audit_days: parsed_or("AUDIT_RETENTION_DAYS", d.audit_days)?,
                webhook_log_days: parsed_or("WEBHOOK_LOG_RETENTION_DAYS", d.webhook_log_days)?,
                max_partitions: parsed_or("SWEEP_MAX_PARTITIONS", d.max_partitions)?,
                ..d
            },
        })
    }
}
