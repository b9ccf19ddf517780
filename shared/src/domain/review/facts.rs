//! What the review looks at, as gathered: plain values, never a secret
//! (the secret arrives as [`SecretFacts`], lengths and presence only).

/// Why a fact could not be gathered (Graph or AWS answered an error, or
/// answered without the data). Written by the gatherer, without secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable(pub String);

pub type Gathered<T> = Result<T, Unavailable>;

/// `GET /debug_token`'s `data` (ACCOUNT.md, "Integration settings").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenFacts {
    pub is_valid: bool,
    /// Unix seconds; 0 means the token never expires (a system-user token).
    pub expires_at: i64,
    pub scopes: Vec<String>,
    /// Meta's `error.message` when the token is not valid.
    pub error: Option<String>,
    /// The WABAs `whatsapp_business_management` is granted on
    /// (`granular_scopes[].target_ids`): the WABAs the review looks at.
    pub wabas: Vec<String>,
}

/// `GET /{phone-number-id}?fields=…`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberFacts {
    pub status: Option<String>,
    pub quality_rating: Option<String>,
    pub name_status: Option<String>,
    /// `whatsapp_business_manager_messaging_limit`, else the deprecated
    /// `messaging_limit_tier`.
    pub messaging_limit: Option<String>,
    /// `webhook_configuration`: where Meta posts this number's webhooks
    /// (the number's override, else the WABA's, else the app's). `None`
    /// when Meta does not expose it.
    pub webhook_url: Option<String>,
}

/// When `previous_app_secret_since` says the rotation began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotationStart {
    Unset,
    Unreadable,
    At(i64),
}

/// The secret, as far as the review may know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFacts {
    /// Fields absent or empty (`app_secret`, `access_token`, `app_id`…).
    pub missing: Vec<&'static str>,
    /// Fields still holding the deploy's `REPLACE_WITH_…` placeholder.
    pub placeholders: Vec<&'static str>,
    pub verify_token_chars: usize,
    /// `Some` while `previous_app_secret` is set.
    pub previous_app_secret: Option<RotationStart>,
}

/// Reads `previous_app_secret_since`: RFC 3339 (`2026-12-01T09:00:00Z`) or
/// a date (`2026-12-01`, midnight UTC).
pub fn rotation_start(text: Option<&str>) -> RotationStart {
    use time::format_description::well_known::Rfc3339;
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return RotationStart::Unset;
    };
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return RotationStart::At(t.unix_timestamp());
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(text, &date_format) {
        Ok(d) => RotationStart::At(d.midnight().assume_utc().unix_timestamp()),
        Err(_) => RotationStart::Unreadable,
    }
}

/// The table's point-in-time recovery (`DescribeContinuousBackups`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PitrFacts {
    pub enabled: bool,
    pub period_days: Option<u32>,
}

/// Who the alarms notify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmFacts {
    /// No `AlarmEmail`: the alarms have no action.
    NoTopic,
    Topic {
        confirmed: usize,
        pending: usize,
    },
}

/// Everything one review looks at.
#[derive(Debug, Clone)]
pub struct Facts {
    pub token: Gathered<TokenFacts>,
    /// Per WABA: whether this app is subscribed. Empty: no WABA known.
    pub subscriptions: Vec<(String, Gathered<bool>)>,
    /// Per phone_number_id. Empty: no business number known.
    pub numbers: Vec<(String, Gathered<NumberFacts>)>,
    pub secret: Gathered<SecretFacts>,
    /// Per dead-letter queue (its name): messages in it.
    pub dead_letters: Vec<(String, Gathered<u64>)>,
    /// When the retention sweep last finished; `None`: never.
    pub last_sweep: Gathered<Option<i64>>,
    pub alarms: Gathered<AlarmFacts>,
    pub pitr: Gathered<PitrFacts>,
    /// Each synced WABA's template sync state (docs/templates.md).
    pub template_syncs: Vec<(String, Gathered<TemplateSyncFacts>)>,
    /// Per WABA: the templates commands used in the last day.
    pub template_uses: Vec<(String, Gathered<Vec<TemplateUseFacts>>)>,
}

/// A template a command used in the last day, with its status in the store
/// now (`None`: the store no longer holds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateUseFacts {
    pub name: String,
    pub language: String,
    pub status: Option<String>,
    pub used_at: i64,
}

/// What the template store knows of one WABA's syncs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateSyncFacts {
    /// The last complete sync; `None`: never.
    pub synced_at: Option<i64>,
    /// The last failed sync and its error (no URL, no token).
    pub failed_at: Option<i64>,
    pub error: Option<String>,
}
