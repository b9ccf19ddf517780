// Deeply nested async futures (stream of writes inside the handler) need more
// than the default type-layout depth.
#![recursion_limit = "256"]

use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use processor::{config::Config, Processor, ProcessorPorts};
use shared::adapters::{
    aws,
    dynamo::{DynamoStore, KeyedConsent},
    hashing::SecretHasher,
    secrets_manager::SecretsManagerFetcher,
    sqs::SqsQueue,
};
use shared::ports::SystemClock;

/// The deployed adapters: DynamoDB, SQS, the hashing key in Secrets Manager.
enum Aws {}

impl ProcessorPorts for Aws {
    type Messages = DynamoStore;
    type Contacts = DynamoStore;
    type Diagnostics = DynamoStore;
    type Clock = SystemClock;
    type Events = SqsQueue;
    type Commands = SqsQueue;
    type Automation = DynamoStore;
    type Consent = KeyedConsent<SecretHasher<SecretsManagerFetcher>>;
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = aws::load_config().await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), &config.table_name);
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let hashing = SecretsManagerFetcher::new(secrets, &config.hashing_secret_id);
    let processor = Processor::<Aws> {
        messages: store.clone(),
        contacts: store.clone(),
        diagnostics: store.clone(),
        automation_store: store.clone(),
        clock: SystemClock,
        retention: config.retention,
        events: SqsQueue::new(sqs.clone(), &config.events_queue_url),
        commands: SqsQueue::new(sqs, &config.outbound_queue_url),
        automation: config.automation.map(Arc::new),
        consent: KeyedConsent {
            store,
            hasher: SecretHasher::new(hashing, Duration::from_secs(300)),
        },
        suppression_retention: config.suppression_retention,
    };
    let processor = &processor;
    run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        processor.handle(event.payload).await
    }))
    .await
}
