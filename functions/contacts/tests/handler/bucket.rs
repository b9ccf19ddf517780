//! A media bucket in memory, for these tests only: objects by key under a
//! layout of its own (`c/<subject hash>/<wamid>/<media id>`; the handler
//! never spells a key, it takes what `find` and `list` give), links that
//! name the key and their lifetime, and the subjects erased.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared::ports::media::{BucketError, ByteStream, MediaBucket, MediaTarget, StoredObject};
use shared::ports::Retry;

pub const BUCKET: &str = "jum-media-test";

#[derive(Clone, Default)]
pub struct FakeBucket {
    /// Key → (bytes, last modified).
    pub objects: Arc<Mutex<BTreeMap<String, (u64, i64)>>>,
    /// The subjects `erase` was called for, in order.
    pub erased: Arc<Mutex<Vec<String>>>,
    /// Every call fails (retryable), as during an S3 outage.
    pub unavailable: Arc<Mutex<bool>>,
}

pub fn key(subject: &str, wamid: &str, media_id: &str) -> String {
    format!("c/{subject}/{wamid}/{media_id}")
}

impl FakeBucket {
    pub fn seed(&self, subject: &str, wamid: &str, media_id: &str, bytes: u64, at: i64) {
        self.objects
            .lock()
            .unwrap()
            .insert(key(subject, wamid, media_id), (bytes, at));
    }

    pub fn keys(&self) -> Vec<String> {
        self.objects.lock().unwrap().keys().cloned().collect()
    }

    fn up(&self, operation: &'static str) -> Result<(), BucketError> {
        if *self.unavailable.lock().unwrap() {
            return Err(BucketError {
                operation,
                message: "bucket unavailable".into(),
                retry: Retry::Retryable,
            });
        }
        Ok(())
    }

    fn object(key: &str, (bytes, at): (u64, i64)) -> StoredObject {
        StoredObject {
            bucket: BUCKET.into(),
            key: key.to_owned(),
            bytes,
            last_modified: at,
        }
    }
}

impl MediaBucket for FakeBucket {
    async fn find(&self, t: &MediaTarget<'_>) -> Result<Option<StoredObject>, BucketError> {
        self.up("find")?;
        let k = key(t.subject_hash, t.wamid, t.media_id);
        let found = self.objects.lock().unwrap().get(&k).copied();
        Ok(found.map(|o| Self::object(&k, o)))
    }

    async fn put(
        &self,
        _: &MediaTarget<'_>,
        _: &str,
        _: ByteStream,
    ) -> Result<StoredObject, BucketError> {
        Err(BucketError {
            operation: "put",
            message: "the contacts API never writes files".into(),
            retry: Retry::Permanent,
        })
    }

    async fn presign(
        &self,
        subject: &str,
        key: &str,
        ttl: Duration,
    ) -> Result<String, BucketError> {
        self.up("presign")?;
        if !key.starts_with(&format!("c/{subject}/")) {
            return Err(BucketError {
                operation: "presign",
                message: "key outside the subject's prefix".into(),
                retry: Retry::Permanent,
            });
        }
        Ok(format!(
            "https://{BUCKET}.s3.amazonaws.com/{key}?X-Amz-Expires={}&X-Amz-Signature=f00d",
            ttl.as_secs()
        ))
    }

    async fn list(&self, subject: &str) -> Result<Vec<StoredObject>, BucketError> {
        self.up("list")?;
        let prefix = format!("c/{subject}/");
        Ok(self
            .objects
            .lock()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(k, o)| Self::object(k, *o))
            .collect())
    }

    async fn erase(&self, subject: &str) -> Result<u64, BucketError> {
        self.up("erase")?;
        self.erased.lock().unwrap().push(subject.to_owned());
        let prefix = format!("c/{subject}/");
        let mut objects = self.objects.lock().unwrap();
        let before = objects.len();
        objects.retain(|k, _| !k.starts_with(&prefix));
        Ok((before - objects.len()) as u64)
    }

    async fn delete(&self, key: &str) -> Result<(), BucketError> {
        self.up("delete")?;
        self.objects.lock().unwrap().remove(key);
        Ok(())
    }

    async fn count_older_than(&self, cutoff: i64) -> Result<u64, BucketError> {
        self.up("count")?;
        let objects = self.objects.lock().unwrap();
        Ok(objects.values().filter(|(_, at)| *at < cutoff).count() as u64)
    }
}
