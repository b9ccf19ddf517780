use std::time::Duration;

use shared::adapters::graph::{DEFAULT_BASE_URL, DEFAULT_VERSION};
use shared::config::{parsed_or, required, ConfigError};

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub bucket_name: String,
    /// Where events go: the bus (issue #17).
    pub events: shared::config::EventBusConfig,
    /// The WhatsApp credentials (`access_token`): downloads need it.
    pub secret_id: String,
    /// `<stack>/hashing`: the subject hash that names each object's prefix.
    pub hashing_secret_id: String,
    pub secret_refresh: Duration,
    pub graph_base_url: String,
    pub graph_version: String,
    /// The media queue's `maxReceiveCount`: on that receive a failing job
    /// is recorded as failed before SQS moves it to the DLQ.
    pub max_receives: u32,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let max_receives: u32 = parsed_or("MEDIA_MAX_RECEIVES", 5)?;
        if max_receives == 0 {
            return Err(ConfigError::Invalid {
                name: "MEDIA_MAX_RECEIVES",
                reason: "must be at least 1 (the queue's maxReceiveCount)".into(),
            });
        }
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            bucket_name: required("MEDIA_BUCKET_NAME")?,
            events: shared::config::EventBusConfig::from_env()?,
            secret_id: required("SECRET_ID")?,
            hashing_secret_id: required("HASHING_SECRET_ID")?,
            secret_refresh: Duration::from_secs(parsed_or("SECRET_REFRESH_SECONDS", 300)?),
            graph_base_url: parsed_or("GRAPH_API_BASE_URL", DEFAULT_BASE_URL.to_owned())?,
            graph_version: parsed_or("GRAPH_API_VERSION", DEFAULT_VERSION.to_owned())?,
            max_receives,
        })
    }
}
