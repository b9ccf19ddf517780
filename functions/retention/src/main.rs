use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use retention::{aws, config::Config};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = shared::adapters::aws::load_config().await;
    let sweeper = aws::sweeper(&sdk, config);
    let sweeper = &sweeper;
    run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            let report = sweeper.handle().await?;
            Ok::<_, Error>(serde_json::json!({"items_deleted": report.items_deleted}))
        },
    ))
    .await
}
