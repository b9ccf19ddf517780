use std::time::Duration;

use shared::config::{parsed_or, required, ConfigError};

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub hashing_secret_id: String,
    /// Where events go: the bus (issue #17).
    pub events: shared::config::EventBusConfig,
    /// The stack's media bucket (`MediaBucket`): links, export, erasure.
    pub media_bucket: String,
    pub secret_refresh: Duration,
    pub settings: crate::Settings,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let d = crate::Settings::default();
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            hashing_secret_id: required("HASHING_SECRET_ID")?,
            events: shared::config::EventBusConfig::from_env()?,
            media_bucket: required("MEDIA_BUCKET_NAME")?,
            secret_refresh: Duration::from_secs(parsed_or("SECRET_REFRESH_SECONDS", 300)?),
            settings: crate::Settings {
                retention_days: parsed_or("RETENTION_DAYS", d.retention_days)?,
                receipt_days: parsed_or("RECEIPT_RETENTION_DAYS", d.receipt_days)?,
                audit_days: parsed_or("AUDIT_RETENTION_DAYS", d.audit_days)?,
                erase_sync_max_items: parsed_or("ERASE_SYNC_MAX_ITEMS", d.erase_sync_max_items)?,
                export_page_items: parsed_or("EXPORT_PAGE_ITEMS", d.export_page_items)?,
                backup_days: parsed_or("POINT_IN_TIME_RECOVERY_DAYS", d.backup_days)?,
                events_archive_days: parsed_or("EVENTS_ARCHIVE_DAYS", d.events_archive_days)?,
                suppression_retention: shared::domain::consent::SuppressionRetention::from_days(
                    parsed_or("SUPPRESSION_RETENTION_DAYS", 0)?,
                ),
            },
        })
    }
}
