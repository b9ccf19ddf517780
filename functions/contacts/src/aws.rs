//! The adapters a deployed contacts API uses: DynamoDB, SQS, the hashing key
//! in Secrets Manager, the media bucket. `main.rs` builds them from its
//! config and runs.

use shared::adapters::hashing::SecretHasher;
use shared::adapters::sqs::SqsQueue;
use shared::adapters::{
    dynamo::{DynamoStore, KeyedConsent},
    secrets_manager::SecretsManagerFetcher,
};
use shared::ports::media::{BucketError, ByteStream, MediaBucket, MediaTarget, StoredObject};
use shared::ports::{Retry, SystemClock};

use crate::config::Config;
use crate::{Contacts, ContactsPorts};

/// The deployed adapters of each port.
pub enum Aws {}

impl ContactsPorts for Aws {
    type Records = DynamoStore;
    type Eraser = DynamoStore;
    type Receipts = DynamoStore;
    type Audit = DynamoStore;
    type Hasher = SecretHasher<SecretsManagerFetcher>;
    type Clock = SystemClock;
    type Events = SqsQueue;
    type Consent = KeyedConsent<SecretHasher<SecretsManagerFetcher>>;
    // MERGE(#15): `shared::adapters::s3::S3MediaBucket` (the media copy's
    // adapter, not on this branch yet) replaces `UnwiredBucket` here and in
    // `contacts()` below, and `UnwiredBucket` is deleted.
    type Media = UnwiredBucket;
}

/// The stand-in for the S3 adapter until it is merged: every call fails
/// (`Retry::Permanent`), so a build of this branch answers 503 to a media
/// read, an export or an erasure rather than pretend there is nothing to
/// hand out or delete.
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

/// The contacts API on the AWS clients of `sdk`, as `config` names its
/// table, queue and secret. Nothing is fetched here.
pub fn contacts(sdk: &aws_config::SdkConfig, config: Config) -> Contacts<Aws> {
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name);
    let secrets_manager = aws_sdk_secretsmanager::Client::new(sdk);
    let hasher = || {
        SecretHasher::new(
            SecretsManagerFetcher::new(secrets_manager.clone(), &config.hashing_secret_id),
            config.secret_refresh,
        )
    };
    Contacts {
        records: store.clone(),
        eraser: store.clone(),
        receipts: store.clone(),
        audit: store.clone(),
        hasher: hasher(),
        clock: SystemClock,
        settings: config.settings,
        events: SqsQueue::new(aws_sdk_sqs::Client::new(sdk), &config.events_queue_url),
        consent: KeyedConsent {
            store,
            hasher: hasher(),
        },
        media: UnwiredBucket {
            bucket: config.media_bucket,
        },
    }
}
