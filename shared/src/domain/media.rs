//! Media files: what customers send (copied to the stack's bucket so no
//! internal system needs the WhatsApp token, and so erasure has something to
//! erase) and what the business sends from S3. Meta's types and limits
//! (meta-api §5.1), the job that copies one file, and the answers a copy can
//! end with. docs/media.md tells the whole flow.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use super::inbound::MediaKind;

const KB: u64 = 1024;
const MB: u64 = 1024 * KB;

/// The largest file Meta handles (a document); an inbound file over it
/// arrives as webhook error 131052, never as a media id.
pub const MAX_FILE_BYTES: u64 = 100 * MB;

impl MediaKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Video => "video",
            Self::Document => "document",
            Self::Audio => "audio",
            Self::Sticker => "sticker",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "image" => Self::Image,
            "video" => Self::Video,
            "document" => Self::Document,
            "audio" => Self::Audio,
            "sticker" => Self::Sticker,
            _ => return None,
        })
    }

    /// Meta's size limit for a file of this kind: image 5 MB, audio and
    /// video 16 MB, document 100 MB, sticker 100 KB (500 KB animated).
    pub fn limit_bytes(&self, animated: bool) -> u64 {
        match self {
            Self::Image => 5 * MB,
            Self::Audio | Self::Video => 16 * MB,
            Self::Document => MAX_FILE_BYTES,
            Self::Sticker if animated => 500 * KB,
            Self::Sticker => 100 * KB,
        }
    }

    /// Whether Meta accepts a file of this MIME type as this kind when the
    /// business sends it (an upload of another type is Meta's 131053).
    /// Customers' files are never refused for their type: Meta delivered
    /// them, and the copy keeps what Meta said.
    pub fn accepts(&self, mime: &str) -> bool {
        let mime = essence(mime);
        let allowed: &[&str] = match self {
            Self::Image => &["image/jpeg", "image/png"],
            Self::Sticker => &["image/webp"],
            Self::Video => &["video/mp4", "video/3gpp"],
            Self::Audio => &[
                "audio/aac",
                "audio/amr",
                "audio/mpeg",
                "audio/mp4",
                "audio/ogg",
                "audio/opus",
            ],
            Self::Document => &[
                "text/plain",
                "application/pdf",
                "application/msword",
                "application/vnd.ms-excel",
                "application/vnd.ms-powerpoint",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ],
        };
        allowed.contains(&mime.as_str())
    }
}

/// A digest as Meta writes it, in lower-case hex: `GET /{media-id}` gives
/// hex, the webhook base64 of the same 32 bytes (meta-api §5.1). Anything
/// else is not a digest.
pub fn sha256_hex(digest: &str) -> Option<String> {
    use base64::Engine as _;
    let d = digest.trim();
    if d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(d.to_ascii_lowercase());
    }
    base64::engine::general_purpose::STANDARD
        .decode(d)
        .ok()
        .filter(|bytes| bytes.len() == 32)
        .map(hex::encode)
}

/// `audio/ogg; codecs=opus` → `audio/ogg`.
pub fn essence(mime: &str) -> String {
    mime.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The version of [`MediaJob`]'s JSON; bump it only with a reader for the
/// old one (queued jobs outlive deployments).
pub const MEDIA_JOB_VERSION: u32 = 1;

/// One file to copy to the bucket: a media item of a stored message (a
/// customer's, or an echo of one the business sent from its app). Written by
/// the processor to the media queue, read by the media function: typed on
/// both ends. Holds no URL with credentials and no token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaJob {
    pub v: u32,
    /// `ContactKey::storage_id()`: the partition the message is in.
    pub contact: String,
    pub wamid: String,
    /// The message's timestamp (seconds): with the wamid, it finds the item.
    pub message_ts: i64,
    pub media_id: String,
    /// `image`, `video`, `audio`, `document` or `sticker`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Meta's digest of the file (hex), when the webhook gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub animated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
    /// When the message (and so the copy) is deleted, Unix seconds.
    pub expires_at: i64,
}

impl MediaJob {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a media job always serialises")
    }

    /// A job from the queue; one this version cannot read is refused (and
    /// goes to the DLQ, where a newer version can read it again).
    pub fn parse(body: &str) -> Result<Self, MediaJobError> {
        let job: Self =
            serde_json::from_str(body).map_err(|e| MediaJobError::Unreadable(e.to_string()))?;
        if job.v != MEDIA_JOB_VERSION {
            return Err(MediaJobError::Version(job.v));
        }
        if MediaKind::parse(&job.kind).is_none() {
            return Err(MediaJobError::Unreadable(format!(
                "unknown kind {:?}",
                job.kind
            )));
        }
        Ok(job)
    }

    pub fn media_kind(&self) -> MediaKind {
        MediaKind::parse(&self.kind).unwrap_or(MediaKind::Document)
    }

    /// Meta's limit for this file; a larger one is refused before download.
    pub fn limit_bytes(&self) -> u64 {
        self.media_kind().limit_bytes(self.animated)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaJobError {
    #[error("unreadable media job: {0}")]
    Unreadable(String),
    #[error("media job version {0} is not one this version reads")]
    Version(u32),
}

/// Where a message's media copy stands, as its item records it
/// (`media.state`) and the contacts API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaState {
    /// Queued, not copied yet.
    Pending,
    Stored,
    /// Meta no longer has it (or never had it): final, never retried.
    Unavailable,
    /// Every attempt failed; the job is in the media DLQ.
    Failed,
}

impl MediaState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Stored => "stored",
            Self::Unavailable => "unavailable",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "stored" => Self::Stored,
            "unavailable" => Self::Unavailable,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// Why a copy could not be made, each with the documented `reason`
/// (docs/media.md, the `media.unavailable` and `media.failed` events).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaFault {
    /// Meta answered 404, or its id expired (7 days after the webhook).
    #[error("meta_not_found")]
    NotFound,
    /// Larger than Meta's limit for the kind: refused before download.
    #[error("over_limit")]
    OverLimit { bytes: u64, limit: u64 },
    /// Meta sent no bytes.
    #[error("empty")]
    Empty,
    /// More (or fewer) bytes than Meta declared.
    #[error("size_mismatch")]
    SizeMismatch { declared: u64, received: u64 },
    /// The bytes are not the file Meta described: retried, then failed.
    #[error("sha256_mismatch")]
    ShaMismatch,
}

impl MediaFault {
    /// The documented reason string.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotFound => "meta_not_found",
            Self::OverLimit { .. } => "over_limit",
            Self::Empty => "empty",
            Self::SizeMismatch { .. } => "size_mismatch",
            Self::ShaMismatch => "sha256_mismatch",
        }
    }

    /// Final at once (no retry can change Meta's answer) or worth the
    /// queue's retries (a download cut short, bytes garbled on the way).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::NotFound | Self::OverLimit { .. } | Self::Empty)
    }
}

/// Checks a file as its bytes stream past: never more than the limit (nor
/// than Meta declared), and at the end the size and Meta's sha256. Fed
/// chunk by chunk, so memory stays bounded whatever the file's size.
pub struct Verifier {
    limit: u64,
    declared: Option<u64>,
    expected_sha256: Option<String>,
    received: u64,
    digest: Sha256,
}

/// A file that passed: its size and digest (hex), and whether Meta's
/// digest was there to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub bytes: u64,
    pub sha256: String,
    pub sha256_checked: bool,
}

impl Verifier {
    pub fn new(limit: u64, declared: Option<u64>, expected_sha256: Option<&str>) -> Self {
        Self {
            limit,
            declared,
            expected_sha256: expected_sha256.and_then(sha256_hex),
            received: 0,
            digest: Sha256::new(),
        }
    }

    /// Refuses a file declared over the limit before any byte is fetched.
    pub fn precheck(&self) -> Result<(), MediaFault> {
        match self.declared {
            Some(bytes) if bytes > self.limit => Err(MediaFault::OverLimit {
                bytes,
                limit: self.limit,
            }),
            _ => Ok(()),
        }
    }

    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), MediaFault> {
        self.received += chunk.len() as u64;
        if self.received > self.limit {
            return Err(MediaFault::OverLimit {
                bytes: self.received,
                limit: self.limit,
            });
        }
        if let Some(declared) = self.declared.filter(|d| self.received > *d) {
            return Err(MediaFault::SizeMismatch {
                declared,
                received: self.received,
            });
        }
        self.digest.update(chunk);
        Ok(())
    }

    pub fn finish(self) -> Result<Verified, MediaFault> {
        if self.received == 0 {
            return Err(MediaFault::Empty);
        }
        if let Some(declared) = self.declared.filter(|d| *d != self.received) {
            return Err(MediaFault::SizeMismatch {
                declared,
                received: self.received,
            });
        }
        let sha256 = hex::encode(self.digest.finalize());
        let sha256_checked = match &self.expected_sha256 {
            Some(expected) if *expected != sha256 => return Err(MediaFault::ShaMismatch),
            Some(_) => true,
            None => false,
        };
        Ok(Verified {
            bytes: self.received,
            sha256,
            sha256_checked,
        })
    }
}

#[cfg(test)]
#[path = "media_tests.rs"]
mod tests;
