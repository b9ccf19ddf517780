//! In-memory fakes of the sender's media ports: buckets of objects, Meta's
//! upload endpoint (recording each upload, with scripted refusals) and the
//! upload cache.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use crate::domain::ids::PhoneNumberId;
use crate::ports::media::{
    BucketError, ByteStream, MediaCallError, MediaUploads, OutboundFiles, SourceObject,
    UploadCache, UploadKey,
};
use crate::ports::{Retry, StoreError};

/// (bucket, key) → the object as `head` reports it, and its bytes.
type Objects = HashMap<(String, String), (SourceObject, Bytes)>;
/// `("head"|"open", bucket, key)`.
type Call = (&'static str, String, String);
/// (number, bucket, key, etag) → (media id, expires_at).
type CacheEntries = HashMap<(String, String, String, String), (String, i64)>;

/// Objects by (bucket, key); each put gets a new ETag, as S3 gives.
#[derive(Clone, Default)]
pub struct MemoryOutboundFiles {
    pub objects: Arc<Mutex<Objects>>,
    /// Every `head` and `open`, as `("head"|"open", bucket, key)`.
    pub calls: Arc<Mutex<Vec<Call>>>,
    /// The next `head` fails with this (then works again).
    pub fail_next_head: Arc<Mutex<Option<Retry>>>,
}

impl MemoryOutboundFiles {
    pub fn put(&self, bucket: &str, key: &str, content_type: Option<&str>, bytes: &[u8]) {
        let mut objects = self.objects.lock().expect("objects lock");
        let etag = format!("\"etag-{}-{}\"", objects.len(), bytes.len());
        let object = SourceObject {
            bucket: bucket.into(),
            key: key.into(),
            etag,
            bytes: bytes.len() as u64,
            content_type: content_type.map(str::to_owned),
        };
        objects.insert(
            (bucket.into(), key.into()),
            (object, Bytes::copy_from_slice(bytes)),
        );
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("calls lock").clone()
    }
}

impl OutboundFiles for MemoryOutboundFiles {
    async fn head(&self, bucket: &str, key: &str) -> Result<Option<SourceObject>, BucketError> {
        self.calls
            .lock()
            .expect("calls lock")
            .push(("head", bucket.into(), key.into()));
        if let Some(retry) = self.fail_next_head.lock().expect("fail lock").take() {
            return Err(BucketError {
                operation: "head object",
                message: "scripted failure".into(),
                retry,
            });
        }
        let objects = self.objects.lock().expect("objects lock");
        Ok(objects
            .get(&(bucket.to_owned(), key.to_owned()))
            .map(|(o, _)| o.clone()))
    }

    async fn open(&self, object: &SourceObject) -> Result<ByteStream, BucketError> {
        self.calls.lock().expect("calls lock").push((
            "open",
            object.bucket.clone(),
            object.key.clone(),
        ));
        let objects = self.objects.lock().expect("objects lock");
        match objects.get(&(object.bucket.clone(), object.key.clone())) {
            Some((now, bytes)) if now.etag == object.etag => {
                // In small chunks, as S3 streams them.
                let chunks: Vec<_> = bytes
                    .chunks(4096)
                    .map(|c| Ok(Bytes::copy_from_slice(c)))
                    .collect();
                Ok(stream::iter(chunks).boxed())
            }
            _ => Err(BucketError {
                operation: "get object",
                message: "PreconditionFailed".into(),
                retry: Retry::Retryable,
            }),
        }
    }
}

/// One upload Meta received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub number: String,
    pub mime_type: String,
    pub filename: String,
    pub declared: u64,
    pub bytes: Bytes,
    pub media_id: String,
}

/// Meta's upload endpoint: reads the whole stream, answers `media-<n>`, or
/// the next scripted refusal.
#[derive(Clone, Default)]
pub struct MemoryUploads {
    pub uploads: Arc<Mutex<Vec<Upload>>>,
    pub refusals: Arc<Mutex<VecDeque<MediaCallError>>>,
}

impl MemoryUploads {
    pub fn uploads(&self) -> Vec<Upload> {
        self.uploads.lock().expect("uploads lock").clone()
    }

    pub fn refuse_next(&self, error: MediaCallError) {
        self.refusals
            .lock()
            .expect("refusals lock")
            .push_back(error);
    }
}

impl MediaUploads for MemoryUploads {
    async fn upload(
        &self,
        number: &PhoneNumberId,
        mime_type: &str,
        filename: &str,
        bytes: u64,
        mut body: ByteStream,
    ) -> Result<String, MediaCallError> {
        if let Some(e) = self.refusals.lock().expect("refusals lock").pop_front() {
            return Err(e);
        }
        let mut received = Vec::new();
        while let Some(chunk) = body.next().await {
            // An upload takes time: let other sends of the batch run meanwhile.
            tokio::task::yield_now().await;
            let chunk = chunk.map_err(|e| MediaCallError::Transient(e.0))?;
            received.extend_from_slice(&chunk);
        }
        let mut uploads = self.uploads.lock().expect("uploads lock");
        let media_id = format!("media-{}", uploads.len() + 1);
        uploads.push(Upload {
            number: number.as_str().into(),
            mime_type: mime_type.into(),
            filename: filename.into(),
            declared: bytes,
            bytes: Bytes::from(received),
            media_id: media_id.clone(),
        });
        Ok(media_id)
    }
}

/// The upload cache: `(number, bucket, key, etag)` → (media id, expires_at).
#[derive(Clone, Default)]
pub struct MemoryUploadCache {
    pub entries: Arc<Mutex<CacheEntries>>,
}

fn id(key: &UploadKey<'_>) -> (String, String, String, String) {
    (
        key.phone_number_id.as_str().into(),
        key.bucket.into(),
        key.key.into(),
        key.etag.into(),
    )
}

impl UploadCache for MemoryUploadCache {
    async fn cached(&self, key: &UploadKey<'_>, now: i64) -> Result<Option<String>, StoreError> {
        let entries = self.entries.lock().expect("cache lock");
        Ok(entries
            .get(&id(key))
            .filter(|(_, expires_at)| *expires_at > now)
            .map(|(media_id, _)| media_id.clone()))
    }

    async fn remember(
        &self,
        key: &UploadKey<'_>,
        media_id: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.entries
            .lock()
            .expect("cache lock")
            .insert(id(key), (media_id.into(), expires_at));
        Ok(())
    }
}
