use lambda_http::{run, service_fn, Error, Request};
use shared::adapters::{aws, secrets_manager::SecretsManagerFetcher, sqs::SqsQueue};
use shared::ports::SystemClock;
use shared::secrets::CachedSecrets;
use webhook::{config::Config, Limits, Webhook};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = aws::load_config().await;
    let secrets = CachedSecrets::new(
        SecretsManagerFetcher::new(aws_sdk_secretsmanager::Client::new(&sdk), &config.secret_id),
        config.secret_refresh,
    );
    let queue = SqsQueue::new(aws_sdk_sqs::Client::new(&sdk), &config.inbound_queue_url);
    let webhook = Webhook {
        secrets,
        queue,
        clock: SystemClock,
        limits: Limits {
            max_body_bytes: config.max_body_bytes,
            ..Limits::default()
        },
    };
    let webhook = &webhook;
    run(service_fn(move |req: Request| async move {
        webhook.handle(req).await
    }))
    .await
}
