//! The buckets commands name files in (`OutboundFiles`), on aws-sdk-s3:
//! `HeadObject` to check an object before any upload, `GetObject` with
//! `If-Match` on the ETag it reported, streamed chunk by chunk.
//!
//! The S3 client is built on first use, from the SDK configuration the
//! function loaded anyway: a sender that never sends a file from S3 never
//! pays for it at cold start.

use std::sync::OnceLock;

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::Client;
use futures_util::stream;

use crate::ports::media::{BucketError, ByteStream, OutboundFiles, SourceObject, StreamError};
use crate::ports::Retry;

pub struct S3OutboundFiles {
    sdk: aws_config::SdkConfig,
    client: OnceLock<Client>,
}

impl S3OutboundFiles {
    /// Keeps the configuration; no client and no network until the first call.
    pub fn new(sdk: &aws_config::SdkConfig) -> Self {
        Self {
            sdk: sdk.clone(),
            client: OnceLock::new(),
        }
    }

    /// Around a client already made (tests).
    pub fn from_client(client: Client) -> Self {
        let client = OnceLock::from(client);
        Self {
            sdk: aws_config::SdkConfig::builder().build(),
            client,
        }
    }

    fn client(&self) -> &Client {
        self.client.get_or_init(|| s3_client(&self.sdk))
    }
}

/// An S3 client on `sdk`. With an endpoint override (moto, the local
/// stack) buckets are addressed by path: `bucket.localhost` has no DNS.
pub fn s3_client(sdk: &aws_config::SdkConfig) -> Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    Client::from_conf(config)
}

impl OutboundFiles for S3OutboundFiles {
    async fn head(&self, bucket: &str, key: &str) -> Result<Option<SourceObject>, BucketError> {
        match self
            .client()
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => Ok(Some(SourceObject {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
                etag: head.e_tag().unwrap_or_default().to_owned(),
                bytes: head
                    .content_length()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
                content_type: head.content_type().map(str::to_owned),
            })),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            // Without s3:ListBucket (the sender has none: listing the stack's
            // bucket would show customers' file keys) S3 answers a missing
            // key with 403, not 404. Both mean "no object this role may send".
            Err(e) if status(&e) == Some(403) => Ok(None),
            Err(e) => Err(bucket_error("head object", e)),
        }
    }

    async fn open(&self, object: &SourceObject) -> Result<ByteStream, BucketError> {
        let mut request = self
            .client()
            .get_object()
            .bucket(&object.bucket)
            .key(&object.key);
        if !object.etag.is_empty() {
            // The bytes uploaded are the object that was checked: a newer
            // version (other size, other type) fails with 412 and is
            // checked again on the next attempt.
            request = request.if_match(&object.etag);
        }
        let output = request
            .send()
            .await
            .map_err(|e| bucket_error("get object", e))?;
        let body = stream::unfold(output.body, |mut body| async move {
            match body.next().await {
                None => None,
                Some(Ok(chunk)) => Some((Ok(chunk), body)),
                Some(Err(e)) => Some((Err(StreamError(format!("reading from S3: {e}"))), body)),
            }
        });
        Ok(Box::pin(body))
    }
}

fn status<E>(e: &SdkError<E, HttpResponse>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

/// Throttling, 5xx, a changed object (412) and network errors are worth a
/// retry; access refused and the like are not.
fn bucket_error<E: ProvideErrorMetadata + std::fmt::Debug>(
    operation: &'static str,
    e: SdkError<E, HttpResponse>,
) -> BucketError {
    let code = e
        .as_service_error()
        .and_then(|s| s.code())
        .map(str::to_owned);
    let http = status(&e);
    let retry = match (http, code.as_deref()) {
        (Some(403 | 400 | 404), _) | (_, Some("AccessDenied" | "NoSuchBucket" | "NoSuchKey")) => {
            Retry::Permanent
        }
        _ => Retry::Retryable,
    };
    BucketError {
        operation,
        message: match (code, http) {
            (Some(code), _) => code,
            (None, Some(http)) => format!("HTTP {http}"),
            (None, None) => "no answer from S3".to_owned(),
        },
        retry,
    }
}
