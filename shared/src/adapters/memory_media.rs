//! In-memory fakes of the media ports: the bucket (with the adapter's key
//! layout and its all-or-nothing put), Meta's media endpoints (files,
//! faults and a call log), the message items' media records and the media
//! queue.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;

use super::s3::layout;
use crate::domain::ids::PhoneNumberId;
use crate::domain::media::{MediaJob, MediaState};
use crate::domain::outbound::parse_graph_error;
use crate::ports::media::{
    BucketError, ByteStream, Download, MediaBucket, MediaCallError, MediaGraph, MediaInfo,
    MediaRecord, MediaRecords, MediaTarget, MessageAt, RecordOutcome, StoredObject, StreamError,
};
use crate::ports::{QueueError, Retry, StoreError};

pub const FAKE_BUCKET: &str = "media-bucket";

/// The bucket: objects by key, with the time they were written.
#[derive(Clone, Default)]
pub struct MemoryMediaBucket {
    pub objects: Arc<Mutex<BTreeMap<String, FakeObject>>>,
    /// Puts made (a redelivered job must not add one).
    pub puts: Arc<Mutex<usize>>,
    /// The time the next object is written at (Unix seconds).
    pub now: Arc<Mutex<i64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FakeObject {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub last_modified: i64,
}

impl MemoryMediaBucket {
    pub fn keys(&self) -> Vec<String> {
        self.objects.lock().unwrap().keys().cloned().collect()
    }

    fn stored(&self, key: &str, o: &FakeObject) -> StoredObject {
        StoredObject {
            bucket: FAKE_BUCKET.into(),
            key: key.to_owned(),
            bytes: o.bytes.len() as u64,
            last_modified: o.last_modified,
        }
    }
}

impl MediaBucket for MemoryMediaBucket {
    async fn find(&self, target: &MediaTarget<'_>) -> Result<Option<StoredObject>, BucketError> {
        let key = layout::object_key(target)?;
        let objects = self.objects.lock().unwrap();
        Ok(objects.get(&key).map(|o| self.stored(&key, o)))
    }

    async fn put(
        &self,
        target: &MediaTarget<'_>,
        content_type: &str,
        mut body: ByteStream,
    ) -> Result<StoredObject, BucketError> {
        let key = layout::object_key(target)?;
        let mut bytes = Vec::new();
        while let Some(chunk) = body.next().await {
            // Like the multipart abort: a stream that fails leaves nothing.
            let chunk = chunk.map_err(|e| BucketError {
                operation: "read the file",
                message: e.0,
                retry: Retry::Retryable,
            })?;
            bytes.extend_from_slice(&chunk);
        }
        let object = FakeObject {
            bytes,
            content_type: content_type.to_owned(),
            last_modified: *self.now.lock().unwrap(),
        };
        *self.puts.lock().unwrap() += 1;
        let stored = self.stored(&key, &object);
        self.objects.lock().unwrap().insert(key, object);
        Ok(stored)
    }

    async fn presign(
        &self,
        subject_hash: &str,
        key: &str,
        ttl: Duration,
    ) -> Result<String, BucketError> {
        if !layout::belongs_to(subject_hash, key) || !self.objects.lock().unwrap().contains_key(key)
        {
            return Err(BucketError {
                operation: "presign",
                message: "the key is not one of this subject's files".into(),
                retry: Retry::Permanent,
            });
        }
        Ok(format!(
            "https://{FAKE_BUCKET}.example/{key}?expires={}",
            ttl.as_secs()
        ))
    }

    async fn list(&self, subject_hash: &str) -> Result<Vec<StoredObject>, BucketError> {
        let prefix = layout::subject_prefix(subject_hash)?;
        let objects = self.objects.lock().unwrap();
        Ok(objects
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(k, o)| self.stored(k, o))
            .collect())
    }

    async fn erase(&self, subject_hash: &str) -> Result<u64, BucketError> {
        let prefix = layout::subject_prefix(subject_hash)?;
        let mut objects = self.objects.lock().unwrap();
        let before = objects.len();
        objects.retain(|k, _| !k.starts_with(&prefix));
        Ok((before - objects.len()) as u64)
    }

    async fn delete(&self, key: &str) -> Result<(), BucketError> {
        self.objects.lock().unwrap().remove(key);
        Ok(())
    }

    async fn count_older_than(&self, cutoff: i64) -> Result<u64, BucketError> {
        let objects = self.objects.lock().unwrap();
        Ok(objects
            .iter()
            .filter(|(k, o)| k.starts_with(layout::CUSTOMER_FILES) && o.last_modified < cutoff)
            .count() as u64)
    }
}

/// What Meta does with one media id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeMediaFault {
    NotFound,
    TokenRefused,
    ServerError,
    /// The last byte changed: Meta's sha256 no longer matches.
    Corrupt,
    /// The download breaks off half-way.
    Broken,
}

#[derive(Debug, Clone)]
pub struct FakeFile {
    pub bytes: Vec<u8>,
    pub mime_type: String,
    /// What the lookup declares; the real size unless a test says otherwise.
    pub declared_size: Option<u64>,
}

/// Meta's media endpoints: files by media id, faults by media id.
#[derive(Clone, Default)]
pub struct MemoryMediaGraph {
    pub files: Arc<Mutex<BTreeMap<String, FakeFile>>>,
    pub faults: Arc<Mutex<BTreeMap<String, FakeMediaFault>>>,
    /// `lookup <id>` and `download <id>`, in order.
    pub calls: Arc<Mutex<Vec<String>>>,
}

impl MemoryMediaGraph {
    pub fn add(&self, media_id: &str, bytes: &[u8], mime_type: &str) {
        self.files.lock().unwrap().insert(
            media_id.to_owned(),
            FakeFile {
                bytes: bytes.to_vec(),
                mime_type: mime_type.to_owned(),
                declared_size: Some(bytes.len() as u64),
            },
        );
    }

    pub fn fail(&self, media_id: &str, fault: FakeMediaFault) {
        self.faults
            .lock()
            .unwrap()
            .insert(media_id.to_owned(), fault);
    }

    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    fn fault(&self, media_id: &str) -> Option<FakeMediaFault> {
        self.faults.lock().unwrap().get(media_id).copied()
    }
}

fn token_refused() -> MediaCallError {
    MediaCallError::TokenRefused(parse_graph_error(
        401,
        br#"{"error":{"message":"Error validating access token","code":190}}"#,
    ))
}

impl MediaGraph for MemoryMediaGraph {
    async fn lookup(
        &self,
        media_id: &str,
        _: Option<&PhoneNumberId>,
    ) -> Result<MediaInfo, MediaCallError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("lookup {media_id}"));
        match self.fault(media_id) {
            Some(FakeMediaFault::NotFound) => return Err(MediaCallError::NotFound),
            Some(FakeMediaFault::TokenRefused) => return Err(token_refused()),
            Some(FakeMediaFault::ServerError) => {
                return Err(MediaCallError::Transient("500 from Meta".into()))
            }
            _ => {}
        }
        let files = self.files.lock().unwrap();
        let file = files.get(media_id).ok_or(MediaCallError::NotFound)?;
        Ok(MediaInfo {
            url: format!(
                "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid={media_id}"
            ),
            mime_type: Some(file.mime_type.clone()),
            sha256: Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
                &file.bytes,
            ))),
            file_size: file.declared_size,
        })
    }

    async fn download(&self, url: &str) -> Result<Download, MediaCallError> {
        let media_id = url.rsplit("mid=").next().unwrap_or_default().to_owned();
        self.calls
            .lock()
            .unwrap()
            .push(format!("download {media_id}"));
        let mut bytes = self
            .files
            .lock()
            .unwrap()
            .get(&media_id)
            .ok_or(MediaCallError::NotFound)?
            .bytes
            .clone();
        let fault = self.fault(&media_id);
        if fault == Some(FakeMediaFault::Corrupt) {
            if let Some(last) = bytes.last_mut() {
                *last ^= 0xff;
            }
        }
        let declared = Some(bytes.len() as u64);
        let mut chunks: Vec<Result<Bytes, StreamError>> = bytes
            .chunks(64 * 1024)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        if fault == Some(FakeMediaFault::Broken) {
            chunks.truncate(chunks.len() / 2);
            chunks.push(Err(StreamError("connection reset".into())));
        }
        Ok(Download {
            declared,
            body: Box::pin(futures_util::stream::iter(chunks)),
        })
    }
}

/// A message item: (contact, timestamp, wamid).
type MessageKey = (String, i64, String);

/// The message items' `media` maps, by (contact, timestamp, wamid).
#[derive(Clone, Default)]
pub struct MemoryMediaRecords {
    /// Messages that exist, and what their copy recorded (`None`: pending).
    pub messages: Arc<Mutex<BTreeMap<MessageKey, Option<MediaRecord>>>>,
}

impl MemoryMediaRecords {
    /// A stored media message, its copy pending.
    pub fn add_message(&self, at: &MessageAt<'_>) {
        self.messages.lock().unwrap().insert(Self::key(at), None);
    }

    pub fn remove_message(&self, at: &MessageAt<'_>) {
        self.messages.lock().unwrap().remove(&Self::key(at));
    }

    pub fn record(&self, at: &MessageAt<'_>) -> Option<MediaRecord> {
        self.messages
            .lock()
            .unwrap()
            .get(&Self::key(at))
            .cloned()
            .flatten()
    }

    fn key(at: &MessageAt<'_>) -> MessageKey {
        (at.contact.storage_id(), at.message_ts, at.wamid.to_owned())
    }
}

fn state_of(record: &MediaRecord) -> MediaState {
    match record {
        MediaRecord::Stored { .. } => MediaState::Stored,
        MediaRecord::Unavailable { .. } => MediaState::Unavailable,
        MediaRecord::Failed { .. } => MediaState::Failed,
    }
}

impl MediaRecords for MemoryMediaRecords {
    async fn media_state(&self, at: &MessageAt<'_>) -> Result<Option<MediaState>, StoreError> {
        let messages = self.messages.lock().unwrap();
        Ok(messages
            .get(&Self::key(at))
            .map(|r| r.as_ref().map_or(MediaState::Pending, state_of)))
    }

    async fn record_media(
        &self,
        at: &MessageAt<'_>,
        record: &MediaRecord,
    ) -> Result<RecordOutcome, StoreError> {
        let mut messages = self.messages.lock().unwrap();
        let Some(current) = messages.get_mut(&Self::key(at)) else {
            return Ok(RecordOutcome::MessageGone);
        };
        if matches!(current, Some(MediaRecord::Stored { .. })) {
            return Ok(RecordOutcome::AlreadyStored);
        }
        *current = Some(record.clone());
        Ok(RecordOutcome::Recorded)
    }
}

/// The media queue: jobs as enqueued.
#[derive(Clone, Default)]
pub struct MemoryMediaJobs {
    pub jobs: Arc<Mutex<Vec<MediaJob>>>,
    pub fail: Arc<Mutex<bool>>,
}

impl crate::ports::media::MediaJobs for MemoryMediaJobs {
    async fn enqueue(&self, jobs: &[MediaJob]) -> Result<(), QueueError> {
        if *self.fail.lock().unwrap() {
            return Err(QueueError {
                message: "media queue unavailable".into(),
                retry: Retry::Retryable,
            });
        }
        self.jobs.lock().unwrap().extend_from_slice(jobs);
        Ok(())
    }
}
