//! The credentials port: what a function gets from the WhatsApp secret, and
//! how fetching it fails. The cached Secrets Manager source lives in
//! `crate::secrets`; it imports this, never the other way round.

use std::future::Future;
use std::sync::Arc;

use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("could not fetch the secret: {0}")]
    Fetch(String),
    #[error("the secret is not the expected JSON: {0}")]
    Malformed(String),
}

pub trait SecretSource: Send + Sync {
    fn secrets(&self) -> impl Future<Output = Result<Arc<WhatsAppSecrets>, SecretsError>> + Send;
}

/// `{"app_secret", "verify_token", "access_token", "app_id", "previous_app_secret"?,
/// "previous_app_secret_since"?}`. `previous_app_secret` is set only while an
/// app-secret rotation is under way, so webhooks signed with either are
/// accepted; `previous_app_secret_since` (RFC 3339 or yyyy-mm-dd) says since
/// when, so the review can tell a rotation left unfinished (docs/review.md).
/// `app_id` is not secret; it makes the app token `app_id|app_secret`.
#[derive(Deserialize)]
pub struct WhatsAppSecrets {
    pub app_secret: SecretString,
    #[serde(default)]
    pub previous_app_secret: Option<SecretString>,
    pub verify_token: SecretString,
    #[serde(default)]
    pub access_token: Option<SecretString>,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub previous_app_secret_since: Option<String>,
}

impl std::fmt::Debug for WhatsAppSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WhatsAppSecrets([redacted])")
    }
}

impl WhatsAppSecrets {
    pub fn parse(json: &str) -> Result<Self, SecretsError> {
        serde_json::from_str(json).map_err(|e| {
            // serde may quote the offending value ("invalid type: string …"),
            // which here would be a secret: keep only what names a field.
            let text = e.to_string();
            let safe = if text.starts_with("missing field") || text.starts_with("unknown field") {
                text
            } else {
                format!("invalid JSON at line {} column {}", e.line(), e.column())
            };
            SecretsError::Malformed(safe)
        })
    }
}
