use std::time::Duration;

use shared::adapters::graph::{DEFAULT_BASE_URL, DEFAULT_VERSION};
use shared::config::{parsed_or, required, ConfigError};
use shared::domain::consent::ConsentPolicy;
use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::{is_bucket_name, MediaSources};
use shared::domain::retention::Retention;
use shared::domain::retries::RetryPolicy;

use crate::Settings;

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub outbound_queue_url: String,
    /// Where events go: the bus (issue #17).
    pub events: shared::config::EventBusConfig,
    pub secret_id: String,
    /// `<stack>/hashing`: names people on the suppression list and in the
    /// audit of a send that overrides a restriction. Fetched on the first
    /// send that needs it, not at start (cold start).
    pub hashing_secret_id: String,
    pub audit_days: u32,
    pub secret_refresh: Duration,
    pub graph_base_url: String,
    pub graph_version: String,
    pub settings: Settings,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let default_phone_number_id =
            match std::env::var("DEFAULT_PHONE_NUMBER_ID") {
                Ok(v) if !v.trim().is_empty() => Some(PhoneNumberId::parse(v.trim()).map_err(
                    |e| ConfigError::Invalid {
                        name: "DEFAULT_PHONE_NUMBER_ID",
                        reason: e.to_string(),
                    },
                )?),
                _ => None,
            };
        let messages_per_second: u32 = parsed_or("MESSAGES_PER_SECOND", 1000)?;
        if messages_per_second == 0 {
            return Err(ConfigError::Invalid {
                name: "MESSAGES_PER_SECOND",
                reason: "must be at least 1".into(),
            });
        }
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            outbound_queue_url: required("OUTBOUND_QUEUE_URL")?,
            events: shared::config::EventBusConfig::from_env()?,
            secret_id: required("SECRET_ID")?,
            hashing_secret_id: required("HASHING_SECRET_ID")?,
            audit_days: parsed_or("AUDIT_RETENTION_DAYS", 30)?,
            secret_refresh: Duration::from_secs(parsed_or("SECRET_REFRESH_SECONDS", 300)?),
            graph_base_url: parsed_or("GRAPH_API_BASE_URL", DEFAULT_BASE_URL.to_owned())?,
            graph_version: parsed_or("GRAPH_API_VERSION", DEFAULT_VERSION.to_owned())?,
            settings: Settings {
                default_phone_number_id,
                messages_per_second,
                retry: RetryPolicy {
                    scale: parsed_or("RETRY_DELAY_SCALE", 1.0)?,
                    spam_pause_secs: parsed_or("SPAM_PAUSE_SECONDS", 900)?,
                },
                lease_secs: parsed_or("SEND_LEASE_SECONDS", 120)?,
                retention: Retention {
                    days: parsed_or("RETENTION_DAYS", Retention::DEFAULT.days)?,
                },
                consent: ConsentPolicy {
                    marketing_requires_opt_in: parsed_or("MARKETING_REQUIRES_OPT_IN", true)?,
                },
                media: media_sources()?,
            },
        })
    }
}

/// `MEDIA_BUCKET_NAME` (the stack's `MediaBucket`, which every function
/// gets from the template's globals; empty or absent: none) and
/// `OUTBOUND_MEDIA_BUCKETS` (a comma list, `OutboundMediaBuckets`). A name
/// that is not a bucket name fails the start, not a send.
fn media_sources() -> Result<MediaSources, ConfigError> {
    let bucket = |name: &'static str, value: &str| {
        if is_bucket_name(value) {
            Ok(value.to_owned())
        } else {
            Err(ConfigError::Invalid {
                name,
                reason: format!("{value:?} is not an S3 bucket name"),
            })
        }
    };
    let stack_bucket = match std::env::var("MEDIA_BUCKET_NAME") {
        Ok(v) if !v.trim().is_empty() => Some(bucket("MEDIA_BUCKET_NAME", v.trim())?),
        _ => None,
    };
    let other_buckets = std::env::var("OUTBOUND_MEDIA_BUCKETS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| bucket("OUTBOUND_MEDIA_BUCKETS", b))
        .collect::<Result<_, _>>()?;
    Ok(MediaSources {
        stack_bucket,
        other_buckets,
    })
}
