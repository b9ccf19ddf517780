use shared::config::{parsed_or, required, ConfigError};
use shared::domain::records::Retention;

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub retention: Retention,
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
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            retention: Retention { days },
        })
    }
}
