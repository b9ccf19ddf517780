//! The adapters a deployed processor uses: DynamoDB, SQS, the hashing key in
//! Secrets Manager. `main.rs` builds them from its config and runs.

use std::sync::Arc;
use std::time::Duration;

use shared::adapters::{
    dynamo::{DynamoStore, KeyedConsent},
    hashing::SecretHasher,
    secrets_manager::SecretsManagerFetcher,
    sqs::SqsQueue,
};
use shared::ports::SystemClock;

use crate::config::Config;
use crate::processor::{Processor, ProcessorPorts};

/// The deployed adapters of each port.
pub enum Aws {}

impl ProcessorPorts for Aws {
    type Messages = DynamoStore;
    type Contacts = DynamoStore;
    type Diagnostics = DynamoStore;
    type Clock = SystemClock;
    type Events = shared::adapters::eventbridge::EventBus;
    type Commands = SqsQueue;
    type Automation = DynamoStore;
    type Consent = KeyedConsent<SecretHasher<SecretsManagerFetcher>>;
    type Media = SqsQueue;
    type Health = DynamoStore;
    type Templates = DynamoStore;
    type Numbers = DynamoStore;
}

/// The processor on the AWS clients of `sdk`, as `config` names its table,
/// queues and secret. Nothing is fetched here.
pub fn processor(sdk: &aws_config::SdkConfig, config: Config) -> Processor<Aws> {
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name);
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    let hashing = SecretsManagerFetcher::new(secrets, &config.hashing_secret_id);
    Processor {
        messages: store.clone(),
        contacts: store.clone(),
        diagnostics: store.clone(),
        health: store.clone(),
        automation_store: store.clone(),
        templates: store.clone(),
        numbers: store.clone(),
        clock: SystemClock,
        retention: config.retention,
        events: shared::adapters::eventbridge::EventBus::from_config(sdk, &config.events),
        commands: SqsQueue::new(sqs.clone(), &config.outbound_queue_url),
        media: SqsQueue::new(sqs, &config.media_queue_url),
        automation: config.automation.map(Arc::new),
        consent: KeyedConsent {
            store,
            hasher: SecretHasher::new(hashing, Duration::from_secs(300)),
        },
        suppression_retention: config.suppression_retention,
    }
}
