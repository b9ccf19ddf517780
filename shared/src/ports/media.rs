//! Ports of the media copy (the `media` function), of the contacts API's
//! media reads and erasure, and of the sender's files from S3. Object keys
//! are the bucket adapter's (docs/media.md, "Key layout"): ports name a
//! subject, a message and a media id, never a key format.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;

use super::{Retry, StoreError};
use crate::domain::ids::{ContactKey, PhoneNumberId};
use crate::domain::media::{MediaJob, MediaState};
use crate::domain::outbound::GraphError;

/// A file's bytes as they arrive. The media function wraps Meta's download
/// in a checking stream (`domain::media::Verifier`): an `Err` from it means
/// "do not keep this", and the bucket then keeps nothing of it.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, StreamError>> + Send>>;

/// Why a stream stopped: the source failed, or the bytes failed a check.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct StreamError(pub String);

/// Which file of whom. `subject_hash` is the keyed hash of the contact
/// (`SubjectHasher`), so no key or log line shows a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaTarget<'a> {
    pub subject_hash: &'a str,
    pub wamid: &'a str,
    pub media_id: &'a str,
}

/// An object in the bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub bucket: String,
    pub key: String,
    pub bytes: u64,
    /// Unix seconds.
    pub last_modified: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("{operation} failed: {message}")]
pub struct BucketError {
    pub operation: &'static str,
    pub message: String,
    pub retry: Retry,
}

/// The stack's media bucket, as the media function, the contacts API and
/// the retention sweep use it.
pub trait MediaBucket: Send + Sync {
    /// The copy already made for this target (a redelivered job finds it).
    fn find(
        &self,
        target: &MediaTarget<'_>,
    ) -> impl Future<Output = Result<Option<StoredObject>, BucketError>> + Send;

    /// Streams `body` into the target's object (multipart above one part,
    /// so memory stays at about one part whatever the size). An `Err` from
    /// the stream, or any failure, aborts the upload: nothing is left.
    fn put(
        &self,
        target: &MediaTarget<'_>,
        content_type: &str,
        body: ByteStream,
    ) -> impl Future<Output = Result<StoredObject, BucketError>> + Send;

    /// A GET link to one of this subject's objects, valid for `ttl`; a key
    /// outside the subject's prefix is refused (`Retry::Permanent`).
    fn presign(
        &self,
        subject_hash: &str,
        key: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<String, BucketError>> + Send;

    /// Every object the subject has (export).
    fn list(
        &self,
        subject_hash: &str,
    ) -> impl Future<Output = Result<Vec<StoredObject>, BucketError>> + Send;

    /// Deletes every object of the subject (erasure); how many it deleted.
    fn erase(&self, subject_hash: &str) -> impl Future<Output = Result<u64, BucketError>> + Send;

    /// Deletes one object (a copy made after its message was erased).
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), BucketError>> + Send;

    /// How many objects were last modified before `cutoff` (Unix seconds):
    /// the retention sweep's over-age count (lifecycle expiry runs late).
    fn count_older_than(
        &self,
        cutoff: i64,
    ) -> impl Future<Output = Result<u64, BucketError>> + Send;
}

/// An object a command names for the sender to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceObject {
    pub bucket: String,
    pub key: String,
    pub etag: String,
    pub bytes: u64,
    pub content_type: Option<String>,
}

/// The buckets commands may name (the stack's, and `OutboundMediaBuckets`).
pub trait OutboundFiles: Send + Sync {
    /// `None`: no such object.
    fn head(
        &self,
        bucket: &str,
        key: &str,
    ) -> impl Future<Output = Result<Option<SourceObject>, BucketError>> + Send;

    /// The object's bytes, as `head` described them (same ETag).
    fn open(
        &self,
        object: &SourceObject,
    ) -> impl Future<Output = Result<ByteStream, BucketError>> + Send;
}

/// What `GET /{media-id}` tells of a file (meta-api §5.1). `url` needs the
/// bearer token and lives 5 minutes: never logged, never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    pub url: String,
    pub mime_type: Option<String>,
    /// Hex, as this endpoint writes it.
    pub sha256: Option<String>,
    pub file_size: Option<u64>,
}

/// A download under way: Meta's `Content-Length`, if it sent one.
pub struct Download {
    pub declared: Option<u64>,
    pub body: ByteStream,
}

#[derive(Debug, thiserror::Error)]
pub enum MediaCallError {
    /// 404, or an id Meta no longer knows: final.
    #[error("media not found at Meta")]
    NotFound,
    /// 401 / code 190: the token alarm's business; retried.
    #[error("access token refused")]
    TokenRefused(GraphError),
    /// Any other error object from Meta.
    #[error("Meta refused: code {}", .0.code.unwrap_or_default())]
    Api(GraphError),
    /// 5xx, timeouts, resets: retried with backoff.
    #[error("transient: {0}")]
    Transient(String),
}

impl MediaCallError {
    pub fn retry(&self) -> Retry {
        match self {
            Self::NotFound => Retry::Permanent,
            Self::TokenRefused(_) | Self::Transient(_) => Retry::Retryable,
            Self::Api(e) if crate::domain::outbound::classify(e).is_retryable() => Retry::Retryable,
            Self::Api(_) => Retry::Permanent,
        }
    }
}

/// Meta's media endpoints, for the media function's copies.
pub trait MediaGraph: Send + Sync {
    fn lookup(
        &self,
        media_id: &str,
        number: Option<&PhoneNumberId>,
    ) -> impl Future<Output = Result<MediaInfo, MediaCallError>> + Send;

    fn download(&self, url: &str) -> impl Future<Output = Result<Download, MediaCallError>> + Send;
}

/// Meta's upload endpoint, for the sender's files from S3.
pub trait MediaUploads: Send + Sync {
    /// `POST /{phone-number-id}/media`; Meta's media id.
    fn upload(
        &self,
        number: &PhoneNumberId,
        mime_type: &str,
        filename: &str,
        bytes: u64,
        body: ByteStream,
    ) -> impl Future<Output = Result<String, MediaCallError>> + Send;
}

/// Which message a copy belongs to: its item is found by these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAt<'a> {
    pub contact: &'a ContactKey,
    pub message_ts: i64,
    pub wamid: &'a str,
}

/// What a copy ended with, recorded in the message item's `media` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaRecord {
    Stored {
        key: String,
        bytes: u64,
        sha256_ok: bool,
        mime_type: String,
        stored_at: i64,
    },
    Unavailable {
        reason: String,
        at: i64,
    },
    Failed {
        reason: String,
        at: i64,
    },
}

/// How recording went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOutcome {
    Recorded,
    /// Already stored by an earlier attempt: nothing changed.
    AlreadyStored,
    /// The message is gone (erased or expired): keep nothing of its file.
    MessageGone,
}

/// The message items' media attributes (DynamoDB).
pub trait MediaRecords: Send + Sync {
    /// The copy's state; `None` when the message item is gone (erased,
    /// expired), so the job must keep nothing.
    fn media_state(
        &self,
        at: &MessageAt<'_>,
    ) -> impl Future<Output = Result<Option<MediaState>, StoreError>> + Send;

    /// Records the outcome only while the message exists and no earlier
    /// attempt stored it.
    fn record_media(
        &self,
        at: &MessageAt<'_>,
        record: &MediaRecord,
    ) -> impl Future<Output = Result<RecordOutcome, StoreError>> + Send;
}

/// Which upload a media id stands for: the same object (same ETag) sent
/// from the same number reuses it (meta-api §5.1: uploaded ids live 30
/// days; the cache keeps them 29).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadKey<'a> {
    pub phone_number_id: &'a PhoneNumberId,
    pub bucket: &'a str,
    pub key: &'a str,
    pub etag: &'a str,
}

pub trait UploadCache: Send + Sync {
    fn cached(
        &self,
        key: &UploadKey<'_>,
        now: i64,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    fn remember(
        &self,
        key: &UploadKey<'_>,
        media_id: &str,
        expires_at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The media queue the processor fills: one job per media item.
pub trait MediaJobs: Send + Sync {
    fn enqueue(
        &self,
        jobs: &[MediaJob],
    ) -> impl Future<Output = Result<(), super::QueueError>> + Send;
}
