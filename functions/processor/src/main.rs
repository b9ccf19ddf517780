use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use processor::{config::Config, Processor};
use shared::adapters::{aws, dynamo::DynamoStore};
use shared::ports::SystemClock;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = aws::load_config().await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), &config.table_name);
    let processor = Processor {
        messages: store.clone(),
        contacts: store.clone(),
        diagnostics: store,
        clock: SystemClock,
        retention: config.retention,
    };
    let processor = &processor;
    run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        processor.handle(event.payload).await
    }))
    .await
}
