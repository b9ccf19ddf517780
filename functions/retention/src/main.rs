use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use retention::{config::Config, Sweeper};
use shared::adapters::{aws, dynamo::DynamoStore};
use shared::ports::SystemClock;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = aws::load_config().await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), &config.table_name);
    let sweeper = Sweeper {
        sweep: store.clone(),
        receipts: store.clone(),
        eraser: store,
        clock: SystemClock,
        settings: config.settings,
    };
    let sweeper = &sweeper;
    run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            let report = sweeper.handle().await?;
            Ok::<_, Error>(serde_json::json!({"items_deleted": report.items_deleted}))
        },
    ))
    .await
}
