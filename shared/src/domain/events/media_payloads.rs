//! The `data` of the media copy's events (docs/media.md): where a
//! customer's file now is, or why it could not be kept. Never a URL: the
//! consumer asks the contacts API for a short-lived link.

use serde::Serialize;

use super::{EventKind, EventPayload};

/// `media.stored`: a customer's file is in the stack's bucket.
#[derive(Debug, Clone, Serialize)]
pub struct MediaStored<'a> {
    pub wamid: &'a str,
    pub media_id: &'a str,
    pub bucket: &'a str,
    pub key: &'a str,
    pub mime_type: &'a str,
    pub bytes: u64,
    /// Hex, as computed over the stored bytes.
    pub sha256: &'a str,
    /// Whether Meta gave a digest and the bytes matched it (without one
    /// there was nothing to compare).
    pub sha256_checked: bool,
}

impl EventPayload for MediaStored<'_> {
    fn kind(&self) -> EventKind {
        EventKind::MediaStored
    }
}

/// `media.unavailable` (Meta no longer has the file, or it is over Meta's
/// limit: final at once) and `media.failed` (every attempt failed; the job
/// is in the media DLQ). Only the kind differs.
#[derive(Debug, Clone, Serialize)]
pub struct MediaNotKept<'a> {
    #[serde(skip)]
    pub failed: bool,
    pub wamid: &'a str,
    pub media_id: &'a str,
    /// docs/media.md, "Failure answers".
    pub reason: &'a str,
}

impl EventPayload for MediaNotKept<'_> {
    fn kind(&self) -> EventKind {
        if self.failed {
            EventKind::MediaFailed
        } else {
            EventKind::MediaUnavailable
        }
    }
}
