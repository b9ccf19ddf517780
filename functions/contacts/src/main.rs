use contacts::{aws, config::Config};
use lambda_http::{run, service_fn, Error, Request};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_tracing();
    let config = Config::from_env()?;
    let sdk = shared::adapters::aws::load_config().await;
    let contacts = aws::contacts(&sdk, config);
    let contacts = &contacts;
    run(service_fn(move |req: Request| async move {
        contacts.handle(req).await
    }))
    .await
}
