// The copy's nested futures (stream, upload, retries of the SDK) need more
// than the default type-layout depth.
#![recursion_limit = "256"]

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use media::{aws, config::Config};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = shared::adapters::aws::load_config().await;
    let media = aws::media(&sdk, config)?;
    let media = &media;
    run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        media.handle(event.payload).await
    }))
    .await
}
