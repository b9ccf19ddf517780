use contacts::{config::Config, Contacts, ContactsPorts};
use lambda_http::{run, service_fn, Error, Request};
use shared::adapters::hashing::SecretHasher;
use shared::adapters::sqs::SqsQueue;
use shared::adapters::{
    aws,
    dynamo::{DynamoStore, KeyedConsent},
    secrets_manager::SecretsManagerFetcher,
};
use shared::ports::SystemClock;

/// The deployed adapters: DynamoDB, SQS, the hashing key in Secrets Manager.
enum Aws {}

impl ContactsPorts for Aws {
    type Records = DynamoStore;
    type Eraser = DynamoStore;
    type Receipts = DynamoStore;
    type Audit = DynamoStore;
    type Hasher = SecretHasher<SecretsManagerFetcher>;
    type Clock = SystemClock;
    type Events = SqsQueue;
    type Consent = KeyedConsent<SecretHasher<SecretsManagerFetcher>>;
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = aws::load_config().await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), &config.table_name);
    let secrets_manager = aws_sdk_secretsmanager::Client::new(&sdk);
    let hasher = || {
        SecretHasher::new(
            SecretsManagerFetcher::new(secrets_manager.clone(), &config.hashing_secret_id),
            config.secret_refresh,
        )
    };
    let contacts = Contacts::<Aws> {
        records: store.clone(),
        eraser: store.clone(),
        receipts: store.clone(),
        audit: store.clone(),
        hasher: hasher(),
        clock: SystemClock,
        settings: config.settings,
        events: SqsQueue::new(aws_sdk_sqs::Client::new(&sdk), &config.events_queue_url),
        consent: KeyedConsent {
            store,
            hasher: hasher(),
        },
    };
    let contacts = &contacts;
    run(service_fn(move |req: Request| async move {
        contacts.handle(req).await
    }))
    .await
}
