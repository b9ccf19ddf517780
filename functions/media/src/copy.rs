//! One job: copy one media item of one message, or give its final answer.
//!
//! The answer is published before it is recorded on the message item: a
//! retry after a failure in between finds the object (or Meta's answer)
//! again and publishes the same event (same `event_id`), while a record
//! written first would leave the retry nothing to say it with.

use std::sync::{Arc, Mutex};

use shared::domain::events::media_payloads::{MediaNotKept, MediaStored};
use shared::domain::events::Event;
use shared::domain::ids::{ContactKey, PhoneNumberId};
use shared::domain::media::{sha256_hex, MediaFault, MediaJob, MediaState, Verifier};
use shared::ports::contacts::SubjectHasher;
use shared::ports::media::{
    BucketError, MediaBucket, MediaCallError, MediaGraph, MediaRecord, MediaRecords, MediaTarget,
    MessageAt, RecordOutcome, StoredObject,
};
use shared::ports::{Clock, EventSink, QueueError, Retry, SecretsError, StoreError};

use crate::checked::{checked, Seen, Stop};
use crate::{Media, MediaPorts};

/// What a job ended with, when it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Stored,
    /// Final, recorded: `meta_not_found`, `over_limit`, `empty`.
    Unavailable(&'static str),
    /// Stored, unavailable or failed by an earlier attempt: nothing to do.
    AlreadyDone,
    /// The message is gone (erased or expired): nothing is kept.
    MessageGone,
}

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("unreadable job: {0}")]
    Poison(String),
    #[error("the file failed a check: {}", .0.reason())]
    Fault(MediaFault),
    #[error("Meta: {0}")]
    Meta(#[from] MediaCallError),
    #[error("download broke off: {0}")]
    Source(String),
    #[error(transparent)]
    Bucket(#[from] BucketError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Events(#[from] QueueError),
    #[error("hashing key: {0}")]
    Hashing(#[from] SecretsError),
}

impl CopyError {
    pub fn retry(&self) -> Retry {
        match self {
            Self::Poison(_) => Retry::Permanent,
            Self::Fault(f) if f.is_final() => Retry::Permanent,
            Self::Meta(e) => e.retry(),
            Self::Bucket(e) => e.retry,
            Self::Store(e) => e.retry,
            Self::Events(e) => e.retry,
            _ => Retry::Retryable,
        }
    }

    /// The `reason` of `media.failed` when this was the last attempt.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Fault(f) => f.reason(),
            Self::Meta(MediaCallError::TokenRefused(_)) => "token_refused",
            Self::Meta(MediaCallError::Api(_)) => "meta_refused",
            Self::Meta(_) | Self::Source(_) => "transient",
            Self::Poison(_) => "unreadable_job",
            _ => "storage",
        }
    }
}

/// A final answer Meta's file gives: no retry can change it.
fn final_fault(e: &CopyError) -> Option<MediaFault> {
    match e {
        CopyError::Fault(f) if f.is_final() => Some(f.clone()),
        CopyError::Meta(MediaCallError::NotFound) => Some(MediaFault::NotFound),
        _ => None,
    }
}

pub(crate) struct Job<'a> {
    pub job: &'a MediaJob,
    pub contact: ContactKey,
    pub number: Option<PhoneNumberId>,
}

impl<'a> Job<'a> {
    pub fn read(job: &'a MediaJob) -> Result<Self, CopyError> {
        let contact = ContactKey::parse_storage_id(&job.contact)
            .ok_or_else(|| CopyError::Poison("the job names no contact".into()))?;
        let number = match &job.phone_number_id {
            Some(n) => Some(PhoneNumberId::parse(n).map_err(|e| CopyError::Poison(e.to_string()))?),
            None => None,
        };
        Ok(Self {
            job,
            contact,
            number,
        })
    }

    fn at(&self) -> MessageAt<'_> {
        MessageAt {
            contact: &self.contact,
            message_ts: self.job.message_ts,
            wamid: &self.job.wamid,
        }
    }

    /// The event's fact: one media item of one message.
    fn fact(&self) -> String {
        format!("{}|{}", self.job.wamid, self.job.media_id)
    }
}

impl<P: MediaPorts> Media<P> {
    /// Copies the job's file, or answers finally. `Err`: the job is tried
    /// again (`last`: this was its last receive, and `media.failed` is out).
    pub(crate) async fn copy(&self, job: &Job<'_>, last: bool) -> Result<Done, CopyError> {
        match self.attempt(job).await {
            Ok(done) => Ok(done),
            Err(e) => match final_fault(&e) {
                Some(fault) => self.not_kept(job, fault.reason(), false).await,
                None => {
                    if last {
                        self.not_kept(job, e.reason(), true).await?;
                    }
                    Err(e)
                }
            },
        }
    }

    async fn attempt(&self, job: &Job<'_>) -> Result<Done, CopyError> {
        let j = job.job;
        match self.records.media_state(&job.at()).await? {
            None => return Ok(Done::MessageGone),
            Some(MediaState::Stored | MediaState::Unavailable) => return Ok(Done::AlreadyDone),
            // Pending, or failed before and redriven from the DLQ: try.
            Some(MediaState::Pending | MediaState::Failed) => {}
        }
        let subject = self.hasher.hash(&job.contact).await?;
        let target = MediaTarget {
            subject_hash: &subject,
            wamid: &j.wamid,
            media_id: &j.media_id,
        };
        let webhook_digest = j.sha256.as_deref().and_then(sha256_hex);
        // A copy made by an attempt that stopped before recording it: it
        // was checked before its upload completed, so it only needs a digest
        // to announce; without one it is made again.
        if let Some(found) = self.bucket.find(&target).await? {
            let digest = match webhook_digest.clone() {
                Some(d) => Some(d),
                None => self
                    .graph
                    .lookup(&j.media_id, job.number.as_ref())
                    .await?
                    .sha256
                    .as_deref()
                    .and_then(sha256_hex),
            };
            match digest {
                Some(digest) => {
                    let mime = j.mime_type.as_deref().unwrap_or("application/octet-stream");
                    return self.stored(job, &found, mime, &digest, true).await;
                }
                None => self.bucket.delete(&found.key).await?,
            }
        }
        let info = self.graph.lookup(&j.media_id, job.number.as_ref()).await?;
        let expected = info
            .sha256
            .as_deref()
            .and_then(sha256_hex)
            .or(webhook_digest);
        let verifier = Verifier::new(j.limit_bytes(), info.file_size, expected.as_deref());
        // Over Meta's limit: refused before a byte is fetched.
        verifier.precheck().map_err(CopyError::Fault)?;
        let download = self.graph.download(&info.url).await?;
        let verifier = match info.file_size {
            Some(_) => verifier,
            None => Verifier::new(j.limit_bytes(), download.declared, expected.as_deref()),
        };
        let mime = info
            .mime_type
            .or_else(|| j.mime_type.clone())
            .unwrap_or_else(|| "application/octet-stream".into());
        let slot = Arc::new(Mutex::new(Seen::default()));
        let body = checked(download.body, verifier, slot.clone());
        let put = self.bucket.put(&target, &mime, body).await;
        let seen = std::mem::take(&mut *slot.lock().expect("slot"));
        let object = match (put, seen.stop) {
            (Ok(object), _) => object,
            (Err(_), Some(Stop::Fault(fault))) => return Err(CopyError::Fault(fault)),
            (Err(_), Some(Stop::Source(why))) => return Err(CopyError::Source(why)),
            (Err(e), None) => return Err(e.into()),
        };
        let verified = seen
            .verified
            .ok_or_else(|| CopyError::Source("the upload ended before the file did".into()))?;
        self.stored(
            job,
            &object,
            &mime,
            &verified.sha256,
            verified.sha256_checked,
        )
        .await
    }

    async fn stored(
        &self,
        job: &Job<'_>,
        object: &StoredObject,
        mime: &str,
        sha256: &str,
        checked: bool,
    ) -> Result<Done, CopyError> {
        let j = job.job;
        let now = self.clock.now_secs();
        let payload = MediaStored {
            wamid: &j.wamid,
            media_id: &j.media_id,
            bucket: &object.bucket,
            key: &object.key,
            mime_type: mime,
            bytes: object.bytes,
            sha256,
            sha256_checked: checked,
        };
        let event = Event::new(
            &payload,
            &job.fact(),
            now,
            job.number.as_ref(),
            Some(&job.contact),
        );
        self.events.publish(&[event]).await?;
        let record = MediaRecord::Stored {
            key: object.key.clone(),
            bytes: object.bytes,
            sha256_ok: checked,
            mime_type: mime.to_owned(),
            stored_at: now,
        };
        Ok(match self.records.record_media(&job.at(), &record).await? {
            RecordOutcome::Recorded => Done::Stored,
            RecordOutcome::AlreadyStored => Done::AlreadyDone,
            // Erased while it was copied: the file goes too.
            RecordOutcome::MessageGone => {
                self.bucket.delete(&object.key).await?;
                Done::MessageGone
            }
        })
    }

    /// `media.unavailable` (final at once) or `media.failed` (the last
    /// attempt failed), then the record.
    async fn not_kept(
        &self,
        job: &Job<'_>,
        reason: &'static str,
        failed: bool,
    ) -> Result<Done, CopyError> {
        let j = job.job;
        let now = self.clock.now_secs();
        let payload = MediaNotKept {
            failed,
            wamid: &j.wamid,
            media_id: &j.media_id,
            reason,
        };
        let event = Event::new(
            &payload,
            &job.fact(),
            now,
            job.number.as_ref(),
            Some(&job.contact),
        );
        self.events.publish(&[event]).await?;
        let record = if failed {
            MediaRecord::Failed {
                reason: reason.into(),
                at: now,
            }
        } else {
            MediaRecord::Unavailable {
                reason: reason.into(),
                at: now,
            }
        };
        Ok(match self.records.record_media(&job.at(), &record).await? {
            RecordOutcome::Recorded => Done::Unavailable(reason),
            RecordOutcome::AlreadyStored => Done::AlreadyDone,
            RecordOutcome::MessageGone => Done::MessageGone,
        })
    }
}
