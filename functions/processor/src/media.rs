//! The media job a stored media message owes: one per media item, so the
//! media function copies the file to the bucket (docs/media.md). Built from
//! the message alone, so a redelivered record gives the same job, and the
//! media function's state check makes the repeat a no-op.

use shared::domain::ids::PhoneNumberId;
use shared::domain::inbound::{InboundMessage, MessageContent};
use shared::domain::media::{sha256_hex, MediaJob, MEDIA_JOB_VERSION};

/// `None` for a message without a file (or whose file has no id: Meta
/// never sends one for a file over its limit, webhook error 131052).
pub(crate) fn media_job(
    m: &InboundMessage,
    number: Option<&PhoneNumberId>,
    expires_at: i64,
) -> Option<MediaJob> {
    let MessageContent::Media { kind, media } = &m.content else {
        return None;
    };
    let media_id = media.id.as_deref().filter(|id| !id.is_empty())?;
    Some(MediaJob {
        v: MEDIA_JOB_VERSION,
        contact: m.contact.storage_id(),
        wamid: m.wamid.as_str().to_owned(),
        message_ts: m.timestamp,
        media_id: media_id.to_owned(),
        kind: kind.as_str().to_owned(),
        mime_type: media.mime_type.clone(),
        // The webhook's digest is base64; the job carries hex, as the
        // lookup gives it.
        sha256: media.sha256.as_deref().and_then(sha256_hex),
        animated: media.animated.unwrap_or(false),
        phone_number_id: number.map(|n| n.as_str().to_owned()),
        expires_at,
    })
}
