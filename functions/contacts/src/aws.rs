//! The adapters a deployed contacts API uses: DynamoDB, SQS, the hashing key
//! in Secrets Manager, the media bucket. `main.rs` builds them from its
//! config and runs.

use shared::adapters::hashing::SecretHasher;
use shared::adapters::s3::{self, S3MediaBucket};
use shared::adapters::{
    dynamo::{DynamoStore, KeyedConsent},
    secrets_manager::SecretsManagerFetcher,
};
use shared::ports::SystemClock;

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
    type Events = shared::adapters::eventbridge::EventBus;
    type Consent = KeyedConsent<SecretHasher<SecretsManagerFetcher>>;
    type Media = S3MediaBucket;
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
        events: shared::adapters::eventbridge::EventBus::from_config(sdk, &config.events),
        consent: KeyedConsent {
            store,
            hasher: hasher(),
        },
        media: S3MediaBucket::new(s3::client(sdk), &config.media_bucket),
    }
}
