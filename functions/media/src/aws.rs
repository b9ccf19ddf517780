//! The adapters a deployed media function uses: S3, DynamoDB, SQS, Meta's
//! Graph API with the token and the hashing key from Secrets Manager.
//! `main.rs` builds them from its config and runs; the integration tests
//! use the same bundle on moto and the Graph API simulator.

use lambda_runtime::Error;
use shared::adapters::dynamo::DynamoStore;
use shared::adapters::graph::GraphClient;
use shared::adapters::hashing::SecretHasher;
use shared::adapters::s3::{self, S3MediaBucket};
use shared::adapters::secrets_manager::SecretsManagerFetcher;
use shared::ports::SystemClock;
use shared::secrets::CachedSecrets;

use crate::config::Config;
use crate::{Media, MediaPorts};

/// The deployed adapters of each port.
pub enum Aws {}

impl MediaPorts for Aws {
    type Bucket = S3MediaBucket;
    type Graph = GraphClient<CachedSecrets<SecretsManagerFetcher>>;
    type Records = DynamoStore;
    type Events = shared::adapters::eventbridge::EventBus;
    type Hasher = SecretHasher<SecretsManagerFetcher>;
    type Clock = SystemClock;
}

/// The media function on the AWS clients of `sdk`, as `config` names its
/// bucket, table, queue, secrets and Graph API. Nothing is fetched here;
/// fails only if the HTTP client cannot be built.
pub fn media(sdk: &aws_config::SdkConfig, config: Config) -> Result<Media<Aws>, Error> {
    let secrets_manager = aws_sdk_secretsmanager::Client::new(sdk);
    let secrets = CachedSecrets::new(
        SecretsManagerFetcher::new(secrets_manager.clone(), &config.secret_id),
        config.secret_refresh,
    );
    Ok(Media {
        bucket: S3MediaBucket::new(s3::client(sdk), &config.bucket_name),
        graph: GraphClient::new(&config.graph_base_url, &config.graph_version, secrets)?,
        records: DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name),
        events: shared::adapters::eventbridge::EventBus::from_config(sdk, &config.events),
        hasher: SecretHasher::new(
            SecretsManagerFetcher::new(secrets_manager, &config.hashing_secret_id),
            config.secret_refresh,
        ),
        clock: SystemClock,
        max_receives: config.max_receives,
    })
}
