//! S3 failures as the bucket port's error: its own file, so that the
//! bucket and the upload both use it without importing each other.

use crate::ports::media::BucketError;
use crate::ports::Retry;

/// An S3 call that failed; retried, since S3 errors for a well-formed
/// request to the stack's own bucket are throttling, outages or IAM
/// (fixed by a deployment).
pub(super) fn sdk_error<E, R>(
    operation: &'static str,
    e: aws_sdk_s3::error::SdkError<E, R>,
) -> BucketError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    BucketError {
        operation,
        message: aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
        retry: Retry::Retryable,
    }
}
