//! The stack's facts outside the table: each DLQ's depth (SQS) and who the
//! alarm topic notifies (SNS). SNS has no SDK crate here (the workspace
//! allows DynamoDB, SQS, Secrets Manager, S3, EventBridge), and one call
//! a day does not justify one: `ListSubscriptionsByTopic` is signed with
//! SigV4 (the SDK's own signer) and sent over the reqwest client.

use std::time::SystemTime;

use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_sqs::types::QueueAttributeName;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use super::graph_account::form_encode;
use crate::domain::review::AlarmFacts;
use crate::ports::review::{AlarmSubscribers, FactError, QueueDepth};
use crate::ports::Retry;

fn error(source_name: &'static str, message: impl Into<String>, retry: Retry) -> FactError {
    FactError {
        source_name,
        message: message.into(),
        retry,
    }
}

#[derive(Clone)]
pub struct SqsDepth(pub aws_sdk_sqs::Client);

impl QueueDepth for SqsDepth {
    async fn depth(&self, queue_url: &str) -> Result<u64, FactError> {
        let out = self
            .0
            .get_queue_attributes()
            .queue_url(queue_url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await
            .map_err(|e| {
                error(
                    "sqs",
                    aws_sdk_sqs::error::DisplayErrorContext(e).to_string(),
                    Retry::Retryable,
                )
            })?;
        out.attributes
            .and_then(|a| {
                a.get(&QueueAttributeName::ApproximateNumberOfMessages)
                    .cloned()
            })
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                error(
                    "sqs",
                    "no ApproximateNumberOfMessages in the answer",
                    Retry::Permanent,
                )
            })
    }
}

/// SNS's query API, signed with the SDK configuration's credentials.
pub struct SnsSubscribers {
    http: reqwest::Client,
    sdk: aws_config::SdkConfig,
}

impl SnsSubscribers {
    pub fn new(sdk: aws_config::SdkConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()?;
        Ok(Self { http, sdk })
    }

    fn endpoint(&self, region: &str) -> String {
        self.sdk
            .endpoint_url()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("https://sns.{region}.amazonaws.com/"))
    }
}

/// Counts `SubscriptionArn`s in SNS's XML answer: `PendingConfirmation`
/// (and `Deleted`) are not subscribers yet.
pub fn count_subscriptions(xml: &str) -> (usize, usize) {
    let (mut confirmed, mut pending) = (0, 0);
    for part in xml.split("<SubscriptionArn>").skip(1) {
        let arn = part
            .split("</SubscriptionArn>")
            .next()
            .unwrap_or_default()
            .trim();
        if arn.starts_with("arn:") {
            confirmed += 1;
        } else {
            pending += 1;
        }
    }
    (confirmed, pending)
}

impl AlarmSubscribers for SnsSubscribers {
    async fn subscribers(&self, topic_arn: &str) -> Result<AlarmFacts, FactError> {
        let region = self
            .sdk
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".into());
        let provider = self
            .sdk
            .credentials_provider()
            .ok_or_else(|| error("sns", "no AWS credentials configured", Retry::Permanent))?;
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| error("sns", format!("credentials: {e}"), Retry::Retryable))?;
        let identity = credentials.into();
        let url = self.endpoint(&region);
        let body = format!(
            "Action=ListSubscriptionsByTopic&Version=2010-03-31&TopicArn={}",
            form_encode(topic_arn)
        );
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name("sns")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| error("sns", format!("signing: {e}"), Retry::Permanent))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            &url,
            [("content-type", content_type)].into_iter(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| error("sns", format!("signing: {e}"), Retry::Permanent))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| error("sns", format!("signing: {e}"), Retry::Permanent))?
            .into_parts();
        let mut request = self.http.post(&url).header("content-type", content_type);
        for (name, value) in instructions.headers() {
            request = request.header(name, value);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| error("sns", super::graph::without_url(&e), Retry::Retryable))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|e| error("sns", super::graph::without_url(&e), Retry::Retryable))?;
        if !(200..300).contains(&status) {
            let code = text
                .split("<Code>")
                .nth(1)
                .and_then(|c| c.split("</Code>").next())
                .unwrap_or("no error code");
            return Err(error(
                "sns",
                format!("SNS answered {status}: {code}"),
                Retry::Permanent,
            ));
        }
        let (confirmed, pending) = count_subscriptions(&text);
        Ok(AlarmFacts::Topic { confirmed, pending })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_confirmations_are_not_subscribers() {
        let xml = "<Subscriptions><member><SubscriptionArn>arn:aws:sns:us-east-1:1:t:abc</SubscriptionArn></member>\
                   <member><SubscriptionArn>PendingConfirmation</SubscriptionArn></member></Subscriptions>";
        assert_eq!(count_subscriptions(xml), (1, 1));
        assert_eq!(count_subscriptions("<Subscriptions/>"), (0, 0));
    }

    #[test]
    fn topic_arns_are_form_encoded() {
        assert_eq!(
            form_encode("arn:aws:sns:us-east-1:1:t"),
            "arn%3Aaws%3Asns%3Aus-east-1%3A1%3At"
        );
    }
}
