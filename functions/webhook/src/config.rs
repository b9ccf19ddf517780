use std::time::Duration;

use shared::config::{parsed_or, required, ConfigError};

/// Meta sends at most 3 MB; a little margin covers envelope growth.
pub const DEFAULT_MAX_BODY_BYTES: usize = 3 * 1024 * 1024 + 64 * 1024;
/// SQS's message limit, with room for the queue message's own fields.
pub const DEFAULT_MAX_QUEUE_MESSAGE_BYTES: usize = 250 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    pub inbound_queue_url: String,
    pub secret_id: String,
    pub secret_refresh: Duration,
    pub max_body_bytes: usize,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            inbound_queue_url: required("INBOUND_QUEUE_URL")?,
            secret_id: required("SECRET_ID")?,
            secret_refresh: Duration::from_secs(parsed_or("SECRET_REFRESH_SECONDS", 300)?),
            max_body_bytes: parsed_or("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)?,
        })
    }
}
