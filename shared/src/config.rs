//! Reading configuration from the environment at start-up, so a function
//! with a missing or bad setting fails its init (visible at deploy time)
//! instead of failing requests.

use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is required")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Where a function's events go (issue #17): the bus and the `Source` of
/// every event, the rules' first match.
#[derive(Debug, Clone)]
pub struct EventBusConfig {
    pub bus_name: String,
    pub source: String,
}

/// The template's `EventSource` default.
pub const DEFAULT_EVENT_SOURCE: &str = "johns-umbrella-mart";

impl EventBusConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            bus_name: required("EVENT_BUS_NAME")?,
            source: parsed_or("EVENT_SOURCE", DEFAULT_EVENT_SOURCE.to_owned())?,
        })
    }
}

pub fn required(name: &'static str) -> Result<String, ConfigError> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(ConfigError::Missing(name)),
    }
}

pub fn parsed_or<T: FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => {
            v.trim().parse().map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            })
        }
        _ => Ok(default),
    }
}
