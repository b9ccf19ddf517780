//! Why a command was refused. Every variant has a stable snake_case
//! [`CommandError::reason`] for metrics and the failure record, and a
//! `Display` with the detail for people. Details name the field and the rule
//! broken but never echo personal data (phone numbers, message text).

/// The fields a command may have; anything else is refused as a typo.
pub const COMMAND_FIELDS: [&str; 10] = [
    "idempotency_key",
    "to",
    "phone_number_id",
    "category",
    "message",
    "reply_to",
    "links",
    "not_after",
    "consent",
    "override_restriction",
];

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("the command is not a JSON object: {0}")]
    InvalidJson(String),
    #[error("required field `{0}` is missing")]
    MissingField(&'static str),
    #[error("unknown field `{0}`; a command has only idempotency_key, to, phone_number_id, category, message, reply_to, links, not_after, consent and override_restriction")]
    UnknownField(String),
    #[error("idempotency_key {0}")]
    InvalidIdempotencyKey(&'static str),
    #[error("to {0}")]
    InvalidPhoneNumber(String),
    #[error("phone_number_id {0}")]
    InvalidPhoneNumberId(&'static str),
    #[error("`to` is required for a {0} message")]
    MissingRecipient(String),
    #[error("message.text.body has {chars} characters; at most 4096 are allowed")]
    TextTooLong { chars: usize },
    #[error("message.type `{0}` is not supported; use text, template, image, video, audio, document, sticker, interactive, location, contacts, reaction, mark_read or typing_indicator")]
    UnknownMessageType(String),
    #[error("{0}")]
    InvalidMessage(String),
    /// An `s3` media reference the contract does not allow.
    #[error("{0}")]
    InvalidMediaSource(String),
    #[error("{path}: unknown template component type `{kind}`; use {allowed}")]
    UnknownTemplateComponent {
        path: String,
        kind: String,
        allowed: &'static str,
    },
    #[error("reply_to {0}")]
    InvalidReplyTo(&'static str),
    #[error("links{0}")]
    InvalidLinks(String),
    #[error("not_after {0}")]
    InvalidNotAfter(&'static str),
    #[error("category {0} is not one of service, utility, marketing, authentication")]
    InvalidCategory(String),
    #[error("consent {0}")]
    InvalidConsent(&'static str),
    #[error("override_restriction {0}")]
    InvalidOverrideRestriction(&'static str),
}

impl CommandError {
    /// A short stable label: the contract's `reason` (docs/contracts/README.md).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::InvalidJson(_) => "invalid_json",
            Self::MissingField(_) => "missing_field",
            Self::UnknownField(_) => "unknown_field",
            Self::InvalidIdempotencyKey(_) => "invalid_idempotency_key",
            Self::InvalidPhoneNumber(_) => "invalid_phone_number",
            Self::InvalidPhoneNumberId(_) => "invalid_phone_number_id",
            Self::MissingRecipient(_) => "missing_recipient",
            Self::TextTooLong { .. } => "text_too_long",
            Self::UnknownMessageType(_) => "unknown_message_type",
            Self::InvalidMessage(_) => "invalid_message",
            Self::InvalidMediaSource(_) => "invalid_media_source",
            Self::UnknownTemplateComponent { .. } => "unknown_template_component",
            Self::InvalidReplyTo(_) => "invalid_reply_to",
            Self::InvalidLinks(_) => "invalid_links",
            Self::InvalidNotAfter(_) => "invalid_not_after",
            Self::InvalidCategory(_) => "invalid_category",
            Self::InvalidConsent(_) => "invalid_consent",
            Self::InvalidOverrideRestriction(_) => "invalid_override_restriction",
        }
    }

    /// Every reason, in the order of the contract's table.
    pub const REASONS: [&'static str; 18] = [
        "invalid_json",
        "unknown_field",
        "missing_field",
        "invalid_idempotency_key",
        "unknown_message_type",
        "invalid_message",
        "text_too_long",
        "invalid_media_source",
        "unknown_template_component",
        "invalid_phone_number",
        "missing_recipient",
        "invalid_phone_number_id",
        "invalid_category",
        "invalid_reply_to",
        "invalid_links",
        "invalid_not_after",
        "invalid_consent",
        "invalid_override_restriction",
    ];
}

/// A value from the command as it may appear in an error detail: user
/// supplied names (a field, a type) are cut short and stripped of control
/// characters so a hostile command cannot flood or forge log lines.
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if s.chars().count() > MAX {
        out.push('…');
    }
    out
}
