//! What the integration review asks of the world (domain::review checks
//! what it answers): Graph for the token and the account, AWS for the
//! stack, the table for the sweep's record and the review's own runs.

use std::future::Future;

use secrecy::ExposeSecret;

use super::{Retry, WhatsAppSecrets};
use crate::domain::review::{
    rotation_start, AlarmFacts, Counts, Finding, NumberFacts, PitrFacts, SecretFacts, TokenFacts,
    Unavailable,
};

/// A fact that could not be read. The message never holds a secret: the
/// adapters drop URLs (debug_token's carry the tokens) from what they report.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct FactError {
    pub source_name: &'static str,
    pub message: String,
    pub retry: Retry,
}

impl From<FactError> for Unavailable {
    fn from(e: FactError) -> Self {
        Unavailable(e.to_string())
    }
}

/// Meta's Graph API, as the review reads it.
pub trait AccountGraph: Send + Sync {
    /// `GET /debug_token` for the access token, with the app token.
    fn token(&self) -> impl Future<Output = Result<TokenFacts, FactError>> + Send;
    /// Whether this app is among `GET /{waba-id}/subscribed_apps`.
    fn subscribed(&self, waba_id: &str) -> impl Future<Output = Result<bool, FactError>> + Send;
    fn number(
        &self,
        phone_number_id: &str,
    ) -> impl Future<Output = Result<NumberFacts, FactError>> + Send;
}

/// Messages waiting in a queue (`ApproximateNumberOfMessages`).
pub trait QueueDepth: Send + Sync {
    fn depth(&self, queue_url: &str) -> impl Future<Output = Result<u64, FactError>> + Send;
}

/// The data table's facts, and where a review run is kept.
pub trait ReviewTable: Send + Sync {
    /// When the retention sweep last saved its state; `None`: never.
    fn last_sweep(&self) -> impl Future<Output = Result<Option<i64>, FactError>> + Send;
    fn point_in_time_recovery(&self) -> impl Future<Output = Result<PitrFacts, FactError>> + Send;
    /// Keeps the run (one per day: a second run that day replaces it).
    fn save_run(&self, run: &ReviewRun) -> impl Future<Output = Result<(), FactError>> + Send;
}

/// Who the alarm topic notifies.
pub trait AlarmSubscribers: Send + Sync {
    fn subscribers(
        &self,
        topic_arn: &str,
    ) -> impl Future<Output = Result<AlarmFacts, FactError>> + Send;
}

/// One review, as stored: no personal data (subjects are WABA ids,
/// phone_number_ids, queue and resource names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRun {
    pub ran_at: i64,
    pub expires_at: i64,
    pub counts: Counts,
    pub findings: Vec<Finding>,
}

const PLACEHOLDER: &str = "REPLACE_WITH_";

/// The secret as the review may know it: presence, placeholders, lengths.
pub fn secret_facts(s: &WhatsAppSecrets) -> SecretFacts {
    let mut missing = Vec::new();
    let mut placeholders = Vec::new();
    let mut look = |name: &'static str, value: Option<&str>| match value.map(str::trim) {
        None | Some("") => missing.push(name),
        Some(v) if v.starts_with(PLACEHOLDER) => placeholders.push(name),
        Some(_) => {}
    };
    look("app_secret", Some(s.app_secret.expose_secret()));
    look(
        "access_token",
        s.access_token.as_ref().map(|t| t.expose_secret()),
    );
    look("verify_token", Some(s.verify_token.expose_secret()));
    look("app_id", s.app_id.as_deref());
    SecretFacts {
        missing,
        placeholders,
        verify_token_chars: s.verify_token.expose_secret().chars().count(),
        previous_app_secret: s
            .previous_app_secret
            .as_ref()
            .filter(|p| !p.expose_secret().is_empty())
            .map(|_| rotation_start(s.previous_app_secret_since.as_deref())),
    }
}

/// The values no finding may show, for [`Finding::scrub`].
pub fn secret_values(s: &WhatsAppSecrets) -> Vec<String> {
    let mut out = vec![
        s.app_secret.expose_secret().to_owned(),
        s.verify_token.expose_secret().to_owned(),
    ];
    out.extend(s.access_token.iter().map(|t| t.expose_secret().to_owned()));
    out.extend(
        s.previous_app_secret
            .iter()
            .map(|t| t.expose_secret().to_owned()),
    );
    out
}
