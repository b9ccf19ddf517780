//! Streaming an object into the bucket: one `PutObject` for a file that
//! fits in one part, a multipart upload above it. At most one part is held
//! (plus the chunk that overflowed it), whatever the file's size; any
//! failure, or an `Err` from the stream (a check that failed), aborts the
//! multipart upload, so no object and no orphaned parts remain.

use aws_sdk_s3::primitives::ByteStream as S3Body;
use aws_sdk_s3::types::{ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart};
use aws_sdk_s3::Client;
use bytes::BytesMut;
use futures_util::StreamExt;

use super::error::sdk_error;
use crate::ports::media::{BucketError, ByteStream};
use crate::ports::Retry;

/// S3's parts are at least 5 MiB (but the last); 8 MiB keeps a 100 MB
/// document at 13 parts and the function's memory at about one part.
pub const PART_BYTES: usize = 8 * 1024 * 1024;

/// Streams `body` to `key`; the bytes written.
pub(super) async fn put(
    client: &Client,
    bucket: &str,
    key: &str,
    content_type: &str,
    mut body: ByteStream,
) -> Result<u64, BucketError> {
    let mut part = BytesMut::with_capacity(PART_BYTES);
    while part.len() < PART_BYTES {
        match body.next().await {
            Some(Ok(chunk)) => part.extend_from_slice(&chunk),
            Some(Err(e)) => return Err(stream_stopped(e)),
            None => return put_whole(client, bucket, key, content_type, part).await,
        }
    }
    let upload = client
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .content_type(content_type)
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .send()
        .await
        .map_err(|e| sdk_error("create multipart upload", e))?;
    let upload_id = upload.upload_id().unwrap_or_default().to_owned();
    let result = put_parts(client, bucket, key, &upload_id, part, body).await;
    if result.is_err() {
        // Nothing partial stays: the parts uploaded so far are dropped. If
        // the abort itself fails, the lifecycle rule removes them after a day.
        let abort = client
            .abort_multipart_upload()
            .bucket(bucket)
            .key(key)
            .upload_id(&upload_id)
            .send()
            .await;
        if let Err(e) = abort {
            tracing::warn!(error = %aws_sdk_s3::error::DisplayErrorContext(e), "multipart abort failed; the lifecycle rule removes the parts");
        }
    }
    result
}

async fn put_whole(
    client: &Client,
    bucket: &str,
    key: &str,
    content_type: &str,
    bytes: BytesMut,
) -> Result<u64, BucketError> {
    let len = bytes.len() as u64;
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type(content_type)
        .content_length(len as i64)
        .body(S3Body::from(bytes.freeze()))
        .send()
        .await
        .map_err(|e| sdk_error("put object", e))?;
    Ok(len)
}

async fn put_parts(
    client: &Client,
    bucket: &str,
    key: &str,
    upload_id: &str,
    mut part: BytesMut,
    mut body: ByteStream,
) -> Result<u64, BucketError> {
    let mut done = Vec::new();
    let mut total = 0u64;
    loop {
        let last = loop {
            if part.len() >= PART_BYTES {
                break false;
            }
            match body.next().await {
                Some(Ok(chunk)) => part.extend_from_slice(&chunk),
                Some(Err(e)) => return Err(stream_stopped(e)),
                None => break true,
            }
        };
        if part.is_empty() {
            break;
        }
        // The bytes past one part start the next one; the full part is
        // uploaded (and freed) before more is read.
        let overflow = part.split_off(PART_BYTES.min(part.len()));
        let bytes = std::mem::replace(&mut part, overflow).freeze();
        total += bytes.len() as u64;
        let number = i32::try_from(done.len() + 1).unwrap_or(i32::MAX);
        let out = client
            .upload_part()
            .bucket(bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(number)
            .checksum_algorithm(ChecksumAlgorithm::Crc32)
            .content_length(bytes.len() as i64)
            .body(S3Body::from(bytes))
            .send()
            .await
            .map_err(|e| sdk_error("upload part", e))?;
        done.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(out.e_tag().map(str::to_owned))
                .set_checksum_crc32(out.checksum_crc32().map(str::to_owned))
                .build(),
        );
        if last && part.is_empty() {
            break;
        }
    }
    client
        .complete_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(done))
                .build(),
        )
        .send()
        .await
        .map_err(|e| sdk_error("complete multipart upload", e))?;
    Ok(total)
}

fn stream_stopped(e: crate::ports::media::StreamError) -> BucketError {
    BucketError {
        operation: "read the file",
        message: e.0,
        retry: Retry::Retryable,
    }
}
