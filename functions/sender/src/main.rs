use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use sender::{aws, config::Config};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = shared::adapters::aws::load_config().await;
    let sender = aws::sender(&sdk, config)?;
    let sender = &sender;
    run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        sender.handle(event.payload).await
    }))
    .await
}
