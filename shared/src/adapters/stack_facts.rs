//! The stack's facts outside the table: each DLQ's depth (SQS) and who the
//! alarm topic notifies (SNS). SNS has no SDK crate here (the workspace
//! allows DynamoDB, SQS, Secrets Manager, S3, EventBridge), and one call
//! a day does not justify one: `ListSubscriptionsByTopic` is signed with
//! SigV4 (`sigv4::signed_headers`) and sent over the reqwest client.

use aws_sdk_sqs::types::QueueAttributeName;

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
    for arn in super::sigv4::all_tags(xml, "SubscriptionArn") {
        if arn.trim().starts_with("arn:") {
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
        let url = self.endpoint(&region);
        let body = format!(
            "Action=ListSubscriptionsByTopic&Version=2010-03-31&TopicArn={}",
            form_encode(topic_arn)
        );
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let headers =
            super::sigv4::signed_headers(&self.sdk, "sns", "POST", &url, &body, content_type)
                .await
                .map_err(|e| match e {
                    super::sigv4::SigningError::Credentials(m) => {
                        error("sns", format!("credentials: {m}"), Retry::Retryable)
                    }
                    other => error("sns", other.to_string(), Retry::Permanent),
                })?;
        let mut request = self.http.post(&url).header("content-type", content_type);
        for (name, value) in headers {
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
            let code = super::sigv4::first_tag(&text, "Code").unwrap_or("no error code");
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
