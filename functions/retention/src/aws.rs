//! The adapters a deployed retention sweep uses: the table, and the media
//! bucket. `main.rs` builds them from its config and runs.

use shared::adapters::dynamo::DynamoStore;
use shared::ports::media::{BucketError, ByteStream, MediaBucket, MediaTarget, StoredObject};
use shared::ports::{Retry, SystemClock};

use crate::config::Config;
use crate::Sweeper;

// MERGE(#15): `shared::adapters::s3::S3MediaBucket` (the media copy's
// adapter, not on this branch yet) replaces `UnwiredBucket` here and in
// `sweeper()` below, and `UnwiredBucket` is deleted.
pub type Deployed = Sweeper<DynamoStore, DynamoStore, DynamoStore, SystemClock, UnwiredBucket>;

/// The sweep on the AWS clients of `sdk`, as `config` names its table and
/// bucket. Nothing is fetched here.
pub fn sweeper(sdk: &aws_config::SdkConfig, config: Config) -> Deployed {
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name);
    Sweeper {
        sweep: store.clone(),
        receipts: store.clone(),
        eraser: store,
        clock: SystemClock,
        media: UnwiredBucket {
            bucket: config.media_bucket,
        },
        settings: config.settings,
    }
}

/// The stand-in for the S3 adapter until it is merged: every call fails
/// (`Retry::Permanent`), so erasures stay pending and `MediaBucketErrors`
/// counts the failures rather than the sweep pretending the bucket is empty.
pub struct UnwiredBucket {
    pub bucket: String,
}

impl UnwiredBucket {
    fn refuse<T>(&self, operation: &'static str) -> Result<T, BucketError> {
        Err(BucketError {
            operation,
            message: format!("no S3 adapter for bucket {} in this build", self.bucket),
            retry: Retry::Permanent,
        })
    }
}

impl MediaBucket for UnwiredBucket {
    async fn find(&self, _: &MediaTarget<'_>) -> Result<Option<StoredObject>, BucketError> {
        self.refuse("find media object")
    }
    async fn put(
        &self,
        _: &MediaTarget<'_>,
        _: &str,
        _: ByteStream,
    ) -> Result<StoredObject, BucketError> {
        self.refuse("put media object")
    }
    async fn presign(
        &self,
        _: &str,
        _: &str,
        _: std::time::Duration,
    ) -> Result<String, BucketError> {
        self.refuse("presign media object")
    }
    async fn list(&self, _: &str) -> Result<Vec<StoredObject>, BucketError> {
        self.refuse("list media objects")
    }
    async fn erase(&self, _: &str) -> Result<u64, BucketError> {
        self.refuse("erase media objects")
    }
    async fn delete(&self, _: &str) -> Result<(), BucketError> {
        self.refuse("delete media object")
    }
    async fn count_older_than(&self, _: i64) -> Result<u64, BucketError> {
        self.refuse("count media objects")
    }
}
