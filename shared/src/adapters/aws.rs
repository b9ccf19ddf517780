//! Shared AWS SDK configuration, loaded once per cold start. The SDK reads
//! `AWS_ENDPOINT_URL`, which is how the local stack points it at moto.

pub async fn load_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await
}
