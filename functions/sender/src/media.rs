//! Files a command names in S3 (docs/sending.md, "Files from S3"): each is
//! checked (bucket, existence, type, size), uploaded to Meta once per
//! (number, bucket, key, ETag), and sent by its media id.
//!
//! This runs before the ledger claim: an upload is not a send. An attempt
//! that dies while uploading (a large file, the function's timeout) leaves
//! no claim behind, so the next attempt simply tries again, where a claim
//! left in `sending` would end the command as `outcome_unknown`. The cost:
//! a redelivered command that was already sent checks its objects again
//! (a HEAD and a cache read; the upload is cached), and a command the gate
//! then refuses may have uploaded its file for nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::{
    check_object, s3_media, upload_filename, with_media_ids, FailureClass, OutboundCommand, S3Media,
};
use shared::ports::media::{MediaCallError, MediaUploads, OutboundFiles, UploadCache, UploadKey};
use shared::ports::sending::{LedgerKey, Outcome};
use shared::ports::{Clock, Retry, StoreError};

use crate::deliver::{jitter, Step};
use crate::{Sender, SenderPorts};

/// Meta keeps an uploaded id 30 days; the cache a day less, so a cached id
/// is never one Meta has just forgotten.
pub const UPLOAD_CACHE_SECS: i64 = 29 * 86_400;

/// What preparing a command's files came to.
enum Prepared {
    /// Nothing to upload: the command as it came.
    Unchanged,
    /// Every `s3` reference replaced by Meta's media id.
    Ready(OutboundCommand),
    /// A file that cannot be sent: the command ends `rejected`, this reason.
    Refused(&'static str),
    /// Worth another attempt later (S3 or Meta unavailable, token refused).
    Retry(Step),
}

/// One upload at a time per object within an instance, so commands of one
/// batch that send the same file upload it once (the second finds the
/// first's id in the cache). Instances do not coordinate: two may both
/// upload a file, which is harmless (either id sends it).
#[derive(Default)]
pub struct UploadLocks(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl UploadLocks {
    fn lock_for(&self, id: String) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // Drop locks nobody holds, so the map does not grow for ever.
        locks.retain(|_, l| Arc::strong_count(l) > 1);
        Arc::clone(locks.entry(id).or_default())
    }
}

impl<P: SenderPorts> Sender<P> {
    /// The command with its files uploaded (`Ok(None)`: it names none), or
    /// how it ended for now (rejected and recorded, or to be retried).
    pub(crate) async fn with_media(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        number: &PhoneNumberId,
        receive_count: u32,
        now: i64,
    ) -> Result<Result<Option<OutboundCommand>, Step>, StoreError> {
        Ok(
            match self.prepare_media(cmd, number, receive_count).await? {
                Prepared::Unchanged => Ok(None),
                Prepared::Ready(with_ids) => Ok(Some(with_ids)),
                Prepared::Refused(reason) => {
                    Err(self.reject_media(cmd, key, number, reason, now).await?)
                }
                Prepared::Retry(step) => Err(step),
            },
        )
    }

    async fn prepare_media(
        &self,
        cmd: &OutboundCommand,
        number: &PhoneNumberId,
        receive_count: u32,
    ) -> Result<Prepared, StoreError> {
        let now = self.clock.now_secs();
        let refs = s3_media(cmd);
        // An expired command is ended by the gate; no file is fetched for it.
        if refs.is_empty() || cmd.not_after.is_some_and(|t| t < now) {
            return Ok(Prepared::Unchanged);
        }
        // Every bucket is checked before any request: a reference outside
        // the allowed buckets or prefix costs no S3 call and no Graph call.
        let mut buckets = Vec::with_capacity(refs.len());
        for media in &refs {
            match self.settings.media.bucket_for(media) {
                Ok(bucket) => buckets.push(bucket),
                Err(refusal) => return Ok(Prepared::Refused(refusal.reason())),
            }
        }
        let mut ids = Vec::with_capacity(refs.len());
        for (media, bucket) in refs.iter().zip(&buckets) {
            match self
                .media_id(media, bucket, number, receive_count, now)
                .await?
            {
                Ok(id) => ids.push((media.pointer.clone(), id)),
                Err(ended) => return Ok(ended),
            }
        }
        Ok(Prepared::Ready(with_media_ids(cmd, &ids)))
    }

    /// Meta's id for one referenced object: cached, or uploaded now.
    async fn media_id(
        &self,
        media: &S3Media,
        bucket: &str,
        number: &PhoneNumberId,
        receive_count: u32,
        now: i64,
    ) -> Result<Result<String, Prepared>, StoreError> {
        let object = match self.files.head(bucket, &media.key).await {
            Ok(Some(object)) => object,
            Ok(None) => return Ok(Err(Prepared::Refused("media_not_found"))),
            Err(e) => return Ok(Err(self.bucket_failed(&e, receive_count))),
        };
        let mime = match check_object(
            media.kind,
            object.content_type.as_deref(),
            &media.key,
            object.bytes,
        ) {
            Ok(mime) => mime,
            Err(refusal) => {
                tracing::warn!(reason = refusal.reason(), detail = ?refusal, "file refused before upload");
                return Ok(Err(Prepared::Refused(refusal.reason())));
            }
        };
        let key = UploadKey {
            phone_number_id: number,
            bucket,
            key: &media.key,
            etag: &object.etag,
        };
        if let Some(id) = self.upload_cache.cached(&key, now).await? {
            return Ok(Ok(id));
        }
        let lock = self.uploading.lock_for(format!(
            "{}\n{bucket}\n{}\n{}",
            number.as_str(),
            media.key,
            object.etag
        ));
        let _held = lock.lock().await;
        if let Some(id) = self.upload_cache.cached(&key, now).await? {
            return Ok(Ok(id));
        }
        let body = match self.files.open(&object).await {
            Ok(body) => body,
            Err(e) => return Ok(Err(self.bucket_failed(&e, receive_count))),
        };
        let uploaded = self
            .uploads
            .upload(
                number,
                &mime,
                upload_filename(&media.key),
                object.bytes,
                body,
            )
            .await;
        match uploaded {
            Ok(id) => {
                self.upload_cache
                    .remember(&key, &id, now + UPLOAD_CACHE_SECS)
                    .await?;
                tracing::info!(bytes = object.bytes, mime, "file uploaded to Meta");
                Ok(Ok(id))
            }
            Err(e) => Ok(Err(self.upload_failed(e, receive_count))),
        }
    }

    fn bucket_failed(&self, e: &shared::ports::media::BucketError, receive_count: u32) -> Prepared {
        tracing::warn!(error = %e, "S3 refused a file");
        match e.retry {
            Retry::Permanent => Prepared::Refused("media_not_readable"),
            Retry::Retryable => Prepared::Retry(Step::Retry {
                seconds: self.delay(FailureClass::Transient, receive_count),
                why: "media_storage",
            }),
        }
    }

    fn upload_failed(&self, e: MediaCallError, receive_count: u32) -> Prepared {
        match e {
            MediaCallError::TokenRefused(ref g) => {
                tracing::error!(code = g.code, "ACCESS TOKEN REJECTED on a media upload: fix the access_token in the secret; commands are kept and retried");
                // Counted as `token`, so the token alarm fires as for sends.
                Prepared::Retry(Step::Retry {
                    seconds: self.delay(FailureClass::Token, receive_count),
                    why: "token",
                })
            }
            e if e.retry() == Retry::Retryable => {
                tracing::warn!(error = %e, "media upload failed; will retry");
                Prepared::Retry(Step::Retry {
                    seconds: self.delay(FailureClass::Transient, receive_count),
                    why: "media_upload",
                })
            }
            e => {
                let details = match &e {
                    MediaCallError::Api(g) => g.details.clone(),
                    _ => None,
                };
                tracing::warn!(error = %e, details, "Meta refused the upload");
                Prepared::Refused("media_upload_refused")
            }
        }
    }

    fn delay(&self, class: FailureClass, receive_count: u32) -> u32 {
        self.settings.retry.delay(class, receive_count, jitter())
    }

    /// A command whose file cannot be sent ends `rejected`, recorded under
    /// its key like any other outcome, unless the key was already used.
    async fn reject_media(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        number: &PhoneNumberId,
        reason: &'static str,
        now: i64,
    ) -> Result<Step, StoreError> {
        if let Some(step) = self.claim(cmd, key, number, now).await? {
            return Ok(step);
        }
        tracing::warn!(reason, "command rejected: its file cannot be sent");
        self.finish(
            cmd,
            key,
            number,
            Outcome::Rejected {
                reason: reason.into(),
                detail: None,
            },
        )
        .await?;
        Ok(Step::Done("rejected"))
    }
}
