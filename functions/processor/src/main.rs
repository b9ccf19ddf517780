// Deeply nested async futures (stream of writes inside the handler) need more
// than the default type-layout depth.
#![recursion_limit = "256"]

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use processor::{aws, config::Config};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = shared::adapters::aws::load_config().await;
    let processor = aws::processor(&sdk, config);
    let processor = &processor;
    run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        processor.handle(event.payload).await
    }))
    .await
}
