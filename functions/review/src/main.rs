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
        move |event: LambdaEvent<serde_json::Value>| async move {
            // The sync's schedule sends {"job": "template_sync"}; the daily review sends nothing.
            if event.payload["job"] == review::sync::TEMPLATE_SYNC_JOB {
                return Ok::<_, Error>(serde_json::to_value(reviewer.sync_templates().await)?);
            }
            let counts = reviewer.handle().await?;
            Ok::<_, Error>(serde_json::to_value(counts)?)
        },
    ))
    .await
}
