use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use review::config::Config;
use shared::adapters::aws;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = aws::load_config().await;
    let reviewer = review::aws::reviewer(&sdk, config)?;
    let reviewer = &reviewer;
    run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            let counts = reviewer.handle().await?;
            Ok::<_, Error>(serde_json::to_value(counts)?)
        },
    ))
    .await
}
