//! The integration review (issue #16, item 5): what a regular look at the
//! deployment finds about the access token, the WhatsApp account, the
//! credentials secret and the stack. The checks are pure functions over
//! facts gathered elsewhere (`ports::review`, the `review` function and
//! `make doctor`); docs/review.md lists every check, its severity and fix.
//!
//! A fact that could not be gathered is [`Unavailable`], and the check says
//! so as a warning: a review never stops at the first thing it cannot see.

mod account;
mod checks;
mod facts;
mod setup;
mod templates;

pub use account::REQUIRED_SCOPES;
pub use checks::review;
pub use facts::*;

use serde::Serialize;

const DAY: i64 = 86_400;

fn unavailable(check: &'static str, subject: &str, why: &Unavailable, fix: &str) -> Finding {
    Finding::new(
        check,
        Severity::Warning,
        subject,
        format!("could not check: {}", why.0),
        fix,
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Ok,
    Warning,
    Critical,
}

impl Severity {
    pub const ALL: [Self; 3] = [Self::Ok, Self::Warning, Self::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// One thing the review found. `subject` names what was looked at (a WABA
/// id, a phone_number_id, a queue, the secret); never a person, a secret or
/// a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub severity: Severity,
    pub subject: String,
    pub detail: String,
    /// What to do; empty when nothing is to be done.
    pub fix: String,
}

impl Finding {
    pub fn new(
        check: &'static str,
        severity: Severity,
        subject: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            check,
            severity,
            subject: subject.into(),
            detail: detail.into(),
            fix: fix.into(),
        }
    }

    /// Replaces each of `needles` (secret values) in the text fields. The
    /// checks never put a secret in a finding; this is the second lock, for
    /// text that came from elsewhere (an error message Meta or AWS wrote).
    pub fn scrub(&mut self, needles: &[&str]) {
        for needle in needles.iter().filter(|n| n.len() >= 4) {
            for text in [&mut self.subject, &mut self.detail, &mut self.fix] {
                if text.contains(needle) {
                    *text = text.replace(needle, "[redacted]");
                }
            }
        }
    }
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub ok: u64,
    pub warning: u64,
    pub critical: u64,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Self {
        let mut c = Self::default();
        for f in findings {
            match f.severity {
                Severity::Ok => c.ok += 1,
                Severity::Warning => c.warning += 1,
                Severity::Critical => c.critical += 1,
            }
        }
        c
    }

    pub fn get(&self, severity: Severity) -> u64 {
        match severity {
            Severity::Ok => self.ok,
            Severity::Warning => self.warning,
            Severity::Critical => self.critical,
        }
    }
}

/// The bounds the checks apply (docs/review.md says why each is what it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSettings {
    /// A token expiring sooner than this is a warning.
    pub token_warning_days: i64,
    /// `previous_app_secret` kept longer than this is a warning.
    pub previous_secret_max_days: i64,
    /// A shorter verify token is a warning: the deploy generates 32.
    pub verify_token_min_chars: usize,
    /// The retention sweep runs hourly; older than this, it is not running.
    pub sweep_max_age_secs: i64,
    /// `PointInTimeRecoveryPeriodDays`: what the privacy notice promises.
    pub pitr_days: u32,
    /// This stack's `WebhookUrl`, to compare with where Meta posts.
    pub webhook_url: Option<String>,
    /// `TemplateSyncMinutes`: a sync older than twice this is a warning.
    pub template_sync_minutes: i64,
    /// `RetentionDays` and `EventsArchiveDays` (0: no archive): an archive
    /// kept longer than the retention holds numbers erasure cannot reach.
    pub retention_days: u32,
    pub events_archive_days: u32,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            token_warning_days: 14,
            previous_secret_max_days: 7,
            verify_token_min_chars: 32,
            sweep_max_age_secs: 2 * 3600,
            pitr_days: 7,
            webhook_url: None,
            template_sync_minutes: 60,
            retention_days: 30,
            events_archive_days: 0,
        }
    }
}
