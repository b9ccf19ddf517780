//! The adapters a deployed sender uses: DynamoDB, SQS, Meta's Graph API with
//! the token and the hashing key from Secrets Manager. `main.rs` builds them
//! from its config and runs; the integration tests use the same bundle on
//! moto and the Graph API simulator.

use std::sync::Arc;

use lambda_runtime::Error;
use shared::adapters::graph::GraphClient;
use shared::adapters::{
    dynamo::{DynamoStore, KeyedConsent},
    hashing::SecretHasher,
    s3_outbound::S3OutboundFiles,
    secrets_manager::SecretsManagerFetcher,
    sqs::SqsRedelivery,
};
use shared::ports::contacts::HashingAuditor;
use shared::ports::SystemClock;
use shared::secrets::CachedSecrets;

use crate::config::Config;
use crate::{Sender, SenderPorts};

/// The deployed adapters of each port.
pub enum Aws {}

impl SenderPorts for Aws {
    type Events = shared::adapters::eventbridge::EventBus;
    type Ledger = DynamoStore;
    type Recipients = DynamoStore;
    type Throttle = DynamoStore;
    // One client (one connection pool, one token cache) for sends and uploads.
    type Graph = Arc<GraphClient<CachedSecrets<SecretsManagerFetcher>>>;
    type Redelivery = SqsRedelivery;
    type Clock = SystemClock;
    type Consent = KeyedConsent<Arc<SecretHasher<SecretsManagerFetcher>>>;
    type Audit = HashingAuditor<Arc<SecretHasher<SecretsManagerFetcher>>, DynamoStore>;
    type Files = S3OutboundFiles;
    type Uploads = Arc<GraphClient<CachedSecrets<SecretsManagerFetcher>>>;
    type UploadCache = DynamoStore;
    type Templates = DynamoStore;
    type Numbers = DynamoStore;
}

/// The sender on the AWS clients of `sdk`, as `config` names its table,
/// queues, secrets and Graph API. Fails only if the HTTP client cannot be
/// built.
pub fn sender(sdk: &aws_config::SdkConfig, config: Config) -> Result<Sender<Aws>, Error> {
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name);
    let secrets_manager = aws_sdk_secretsmanager::Client::new(sdk);
    // Nothing is fetched here: the hashing key is read on the first send
    // that needs consent or an audit, and then shared by both.
    let hasher = Arc::new(SecretHasher::new(
        SecretsManagerFetcher::new(secrets_manager.clone(), &config.hashing_secret_id),
        config.secret_refresh,
    ));
    let audit = HashingAuditor {
        hasher: hasher.clone(),
        log: store.clone(),
        days: config.audit_days,
    };
    let secrets = CachedSecrets::new(
        SecretsManagerFetcher::new(secrets_manager, &config.secret_id),
        config.secret_refresh,
    );
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let consent = KeyedConsent {
        store: store.clone(),
        hasher,
    };
    let graph = Arc::new(GraphClient::new(
        &config.graph_base_url,
        &config.graph_version,
        secrets,
    )?);
    Ok(Sender {
        events: shared::adapters::eventbridge::EventBus::from_config(sdk, &config.events),
        ledger: store.clone(),
        recipients: store.clone(),
        throttle: store.clone(),
        graph: graph.clone(),
        redelivery: SqsRedelivery::new(sqs, &config.outbound_queue_url),
        clock: SystemClock,
        consent,
        settings: config.settings,
        audit,
        // No S3 client yet: it is made on the first file a command names.
        files: S3OutboundFiles::new(sdk),
        uploads: graph,
        upload_cache: store.clone(),
        uploading: Default::default(),
        templates: store.clone(),
        template_cache: Default::default(),
        numbers: store,
        pace_cache: Default::default(),
        sweep_marks: Default::default(),
    })
}
