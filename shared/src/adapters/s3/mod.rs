//! The media bucket on S3 (docs/media.md): customers' files copied from
//! Meta, one object per media item, under the subject's prefix.
//! [`layout`] is the only place a key is spelt; [`upload`] streams a file
//! in; the rest (find, presign, list, erase, delete, the over-age count)
//! is here.

mod error;
pub mod layout;
mod upload;

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use aws_sdk_s3::Client;

use crate::ports::media::{BucketError, ByteStream, MediaBucket, MediaTarget, StoredObject};
use crate::ports::{Clock, Retry, SystemClock};

use error::sdk_error;
pub use upload::PART_BYTES;

/// An S3 client for `sdk`. Against an endpoint override (moto, in the
/// local stack and the tests) requests name the bucket in the path, since
/// `<bucket>.localhost` need not resolve.
pub fn client(sdk: &aws_config::SdkConfig) -> Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    Client::from_conf(config)
}

#[derive(Clone)]
pub struct S3MediaBucket {
    client: Client,
    bucket: String,
}

impl S3MediaBucket {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// One page (up to 1,000 objects) under `prefix`, and the token of the
    /// next one.
    async fn page(
        &self,
        prefix: &str,
        token: Option<String>,
    ) -> Result<(Vec<StoredObject>, Option<String>), BucketError> {
        let page = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| sdk_error("list objects", e))?;
        let objects = page
            .contents()
            .iter()
            .filter_map(|o| {
                Some(StoredObject {
                    bucket: self.bucket.clone(),
                    key: o.key()?.to_owned(),
                    bytes: o.size().unwrap_or(0).max(0) as u64,
                    last_modified: o.last_modified().map_or(0, |t| t.secs()),
                })
            })
            .collect();
        Ok((objects, page.next_continuation_token().map(str::to_owned)))
    }

    /// Deletes one listing page's objects (`DeleteObjects` takes 1,000
    /// keys, a page holds at most 1,000).
    async fn delete_page(&self, objects: &[StoredObject]) -> Result<(), BucketError> {
        if objects.is_empty() {
            return Ok(());
        }
        let ids = objects
            .iter()
            .map(|o| ObjectIdentifier::builder().key(&o.key).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| build_error("delete objects", e))?;
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(|e| build_error("delete objects", e))?;
        let out = self
            .client
            .delete_objects()
            .bucket(&self.bucket)
            .delete(delete)
            .send()
            .await
            .map_err(|e| sdk_error("delete objects", e))?;
        if out.errors().is_empty() {
            Ok(())
        } else {
            Err(BucketError {
                operation: "delete objects",
                message: format!("{} objects not deleted", out.errors().len()),
                retry: Retry::Retryable,
            })
        }
    }
}

impl MediaBucket for S3MediaBucket {
    async fn find(&self, target: &MediaTarget<'_>) -> Result<Option<StoredObject>, BucketError> {
        let key = layout::object_key(target)?;
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await;
        match head {
            Ok(out) => Ok(Some(StoredObject {
                bucket: self.bucket.clone(),
                key,
                bytes: out.content_length().unwrap_or(0).max(0) as u64,
                last_modified: out.last_modified().map_or(0, |t| t.secs()),
            })),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(sdk_error("head object", e)),
        }
    }

    async fn put(
        &self,
        target: &MediaTarget<'_>,
        content_type: &str,
        body: ByteStream,
    ) -> Result<StoredObject, BucketError> {
        let key = layout::object_key(target)?;
        let bytes = upload::put(&self.client, &self.bucket, &key, content_type, body).await?;
        Ok(StoredObject {
            bucket: self.bucket.clone(),
            key,
            bytes,
            last_modified: SystemClock.now_secs(),
        })
    }

    async fn presign(
        &self,
        subject_hash: &str,
        key: &str,
        ttl: Duration,
    ) -> Result<String, BucketError> {
        if !layout::belongs_to(subject_hash, key) {
            return Err(BucketError {
                operation: "presign",
                message: "the key is not one of this subject's files".into(),
                retry: Retry::Permanent,
            });
        }
        let config = PresigningConfig::expires_in(ttl).map_err(|e| BucketError {
            operation: "presign",
            message: e.to_string(),
            retry: Retry::Permanent,
        })?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| sdk_error("presign", e))?;
        Ok(request.uri().to_owned())
    }

    async fn list(&self, subject_hash: &str) -> Result<Vec<StoredObject>, BucketError> {
        let prefix = layout::subject_prefix(subject_hash)?;
        let (mut all, mut token) = self.page(&prefix, None).await?;
        while token.is_some() {
            let (more, next) = self.page(&prefix, token).await?;
            all.extend(more);
            token = next;
        }
        Ok(all)
    }

    async fn erase(&self, subject_hash: &str) -> Result<u64, BucketError> {
        let prefix = layout::subject_prefix(subject_hash)?;
        let mut deleted = 0;
        // Each page is deleted before the next is listed, so the listing
        // starts over: what is left is always the first page.
        loop {
            let (objects, _) = self.page(&prefix, None).await?;
            if objects.is_empty() {
                return Ok(deleted);
            }
            self.delete_page(&objects).await?;
            deleted += objects.len() as u64;
        }
    }

    async fn delete(&self, key: &str) -> Result<(), BucketError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map(drop)
            .map_err(|e| sdk_error("delete object", e))
    }

    async fn count_older_than(&self, cutoff: i64) -> Result<u64, BucketError> {
        let (mut count, mut token) = (0, None);
        loop {
            let (objects, next) = self.page(layout::CUSTOMER_FILES, token).await?;
            count += objects.iter().filter(|o| o.last_modified < cutoff).count() as u64;
            if next.is_none() {
                return Ok(count);
            }
            token = next;
        }
    }
}

fn build_error(operation: &'static str, e: aws_sdk_s3::error::BuildError) -> BucketError {
    BucketError {
        operation,
        message: e.to_string(),
        retry: Retry::Permanent,
    }
}
