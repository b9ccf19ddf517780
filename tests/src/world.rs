use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, MessageSystemAttributeName};
use lambda_http::{Body, Response};
use processor::{Processor, ProcessorPorts};
use shared::adapters::dynamo::{DynamoStore, KeyedConsent};
use shared::adapters::hashing::SecretHasher;
use shared::adapters::secrets_manager::SecretsManagerFetcher;
use shared::adapters::sqs::SqsQueue;
use shared::domain::records::Retention;
use shared::ports::SystemClock;
use shared::secrets::CachedSecrets;
use shared::signature::sign;
use webhook::{Limits, Webhook};

use crate::events::{api_gateway_request, ApiRequest};

/// What `stack.py bootstrap` seeds into the local secret.
pub const APP_SECRET: &str = "dev-app-secret";
pub const VERIFY_TOKEN: &str = "dev-verify-token";

pub type Item = HashMap<String, AttributeValue>;
pub type LocalWebhook = Webhook<CachedSecrets<SecretsManagerFetcher>, SqsQueue, SystemClock>;
pub type LocalConsent = KeyedConsent<SecretHasher<SecretsManagerFetcher>>;
pub type LocalProcessor = Processor<LocalPorts>;

/// The processor's ports on moto, as deployed but for the clock.
pub enum LocalPorts {}

impl ProcessorPorts for LocalPorts {
    type Messages = DynamoStore;
    type Contacts = DynamoStore;
    type Diagnostics = DynamoStore;
    type Clock = TestClock;
    type Events = SqsQueue;
    type Commands = SqsQueue;
    type Automation = DynamoStore;
    type Consent = LocalConsent;
}

/// The system clock, or a fixed instant for tests about time of day.
#[derive(Debug, Clone, Copy, Default)]
pub struct TestClock(pub Option<i64>);

impl shared::ports::Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0
            .map_or_else(|| SystemClock.now_ms(), |secs| secs * 1000)
    }
}

pub struct World {
    pub stack_name: String,
    pub table: String,
    pub inbound_url: String,
    pub dlq_url: String,
    pub outbound_url: String,
    pub outbound_dlq_url: String,
    pub events_url: String,
    pub secret_id: String,
    pub ddb: aws_sdk_dynamodb::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drain {
    pub delivered: usize,
    pub failed: usize,
}

fn endpoint() -> String {
    std::env::var("JUM_TEST_ENDPOINT_URL")
        .expect("JUM_TEST_ENDPOINT_URL is not set: run the integration tests through `make test`, which starts moto")
}

impl World {
    pub async fn new() -> Self {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let stack_name = format!(
            "t{}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .subsec_micros()
        );
        let command = std::env::var("JUM_STACK_PY")
            .expect("JUM_STACK_PY is not set: run through `make test`");
        let mut parts = command.split_whitespace();
        let output = tokio::process::Command::new(parts.next().expect("a program"))
            .args(parts)
            .args([
                "bootstrap",
                "--endpoint-url",
                &endpoint(),
                "--stack-name",
                &stack_name,
                "--json",
            ])
            .output()
            .await
            .expect("stack.py runs");
        assert!(
            output.status.success(),
            "bootstrap failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let info: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("bootstrap prints JSON");
        let r = &info["resources"];
        let get = |k: &str| {
            r[k].as_str()
                .unwrap_or_else(|| panic!("bootstrap output lacks {k}"))
                .to_owned()
        };
        let sdk = sdk_config().await;
        Self {
            table: get("DataTable"),
            inbound_url: get("InboundQueue"),
            dlq_url: get("InboundDeadLetterQueue"),
            outbound_url: get("OutboundQueue"),
            outbound_dlq_url: get("OutboundDeadLetterQueue"),
            events_url: get("EventsQueue"),
            secret_id: get("WhatsAppSecret"),
            stack_name,
            ddb: aws_sdk_dynamodb::Client::new(&sdk),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            secrets: aws_sdk_secretsmanager::Client::new(&sdk),
        }
    }

    /// The same stack seen through another endpoint: the chaos run gives
    /// the functions clients that go through its fault proxy.
    pub async fn through(&self, endpoint: &str) -> World {
        self.sharing_stack(&sdk_config_at(endpoint, None).await)
    }

    /// Like [`World::through`], with clients that name themselves `app_name`
    /// in their user agent (the cost bench points this at its counting
    /// proxy, one name per function).
    pub async fn via(&self, endpoint: &str, app_name: &str) -> World {
        self.sharing_stack(&sdk_config_at(endpoint, Some(app_name)).await)
    }

    fn sharing_stack(&self, sdk: &aws_config::SdkConfig) -> World {
        World {
            stack_name: self.stack_name.clone(),
            table: self.table.clone(),
            inbound_url: self.inbound_url.clone(),
            dlq_url: self.dlq_url.clone(),
            outbound_url: self.outbound_url.clone(),
            outbound_dlq_url: self.outbound_dlq_url.clone(),
            events_url: self.events_url.clone(),
            secret_id: self.secret_id.clone(),
            ddb: aws_sdk_dynamodb::Client::new(sdk),
            sqs: aws_sdk_sqs::Client::new(sdk),
            secrets: aws_sdk_secretsmanager::Client::new(sdk),
        }
    }

    pub fn webhook(&self) -> LocalWebhook {
        self.webhook_with_queue(&self.inbound_url.clone())
    }

    pub fn webhook_with_queue(&self, queue_url: &str) -> LocalWebhook {
        Webhook {
            secrets: CachedSecrets::new(
                SecretsManagerFetcher::new(self.secrets.clone(), &self.secret_id),
                Duration::from_secs(300),
            ),
            queue: SqsQueue::new(self.sqs.clone(), queue_url),
            clock: SystemClock,
            limits: Limits::default(),
        }
    }

    /// The processor with the repository's own rules (`config/automation.yaml`).
    pub fn processor(&self) -> LocalProcessor {
        self.processor_with(Some(processor::config::BUNDLED_RULES), None)
    }

    /// The processor with the given rules (`None`: automation off) and clock.
    pub fn processor_with(
        &self,
        rules: Option<&str>,
        fixed_now_secs: Option<i64>,
    ) -> LocalProcessor {
        let store = DynamoStore::new(self.ddb.clone(), &self.table);
        Processor {
            messages: store.clone(),
            contacts: store.clone(),
            diagnostics: store.clone(),
            automation_store: store,
            clock: TestClock(fixed_now_secs),
            retention: Retention::DEFAULT,
            events: SqsQueue::new(self.sqs.clone(), &self.events_url),
            commands: SqsQueue::new(self.sqs.clone(), &self.outbound_url),
            automation: rules.map(|r| {
                std::sync::Arc::new(shared::domain::automation::load(r).expect("valid rules"))
            }),
            consent: self.keyed_consent(),
            suppression_retention: Default::default(),
        }
    }

    /// The suppression list as the functions see it, keyed with the
    /// stack's hashing secret (stack.py seeds `dev-subject-hash-key`).
    pub fn keyed_consent(&self) -> LocalConsent {
        KeyedConsent {
            store: DynamoStore::new(self.ddb.clone(), &self.table),
            hasher: SecretHasher::new(
                SecretsManagerFetcher::new(
                    self.secrets.clone(),
                    format!("{}/hashing", self.stack_name),
                ),
                Duration::from_secs(300),
            ),
        }
    }

    /// Posts `body` signed with the app secret, as API Gateway delivers it.
    pub async fn post_signed(&self, webhook: &LocalWebhook, body: &[u8]) -> Response<Body> {
        let req = api_gateway_request(ApiRequest {
            headers: vec![("X-Hub-Signature-256", sign(APP_SECRET, body))],
            body,
            ..ApiRequest::default()
        });
        webhook.handle(req).await.expect("the handler answers")
    }

    /// Plays the SQS event-source mapping until the inbound queue is empty:
    /// batches of up to 10, successes deleted, failures made visible again at
    /// once (as if their visibility timeout had passed), so a poison record
    /// is received until SQS moves it to the DLQ.
    pub async fn drain(&self, processor: &LocalProcessor) -> Drain {
        self.drain_queue(&self.inbound_url.clone(), true, |event| {
            processor.handle(event)
        })
        .await
    }

    /// Plays the event-source mapping for `url`, handing each batch to
    /// `handle`. `reset_failed`: failed records come back at once.
    pub async fn drain_queue<F, Fut, E>(&self, url: &str, reset_failed: bool, handle: F) -> Drain
    where
        F: Fn(SqsEvent) -> Fut,
        Fut: std::future::Future<
            Output = Result<aws_lambda_events::event::sqs::SqsBatchResponse, E>,
        >,
        E: std::fmt::Debug,
    {
        let mut totals = Drain::default();
        let mut idle_rounds = 0;
        for _ in 0..400 {
            let messages = self.receive_batch(url).await;
            if messages.is_empty() {
                // Retries may be waiting out a short visibility timeout.
                if reset_failed || self.queue_depth(url).await == 0 || idle_rounds > 50 {
                    return totals;
                }
                idle_rounds += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            idle_rounds = 0;
            let response = handle(sqs_event(&messages))
                .await
                .expect("the handler answers");
            let failed: Vec<&str> = response
                .batch_item_failures
                .iter()
                .map(|f| f.item_identifier.as_str())
                .collect();
            // Successes are deleted in one request, as the event-source mapping does.
            let mut succeeded = Vec::new();
            for m in &messages {
                if failed.contains(&m.message_id.as_deref().unwrap_or_default()) {
                    totals.failed += 1;
                    if reset_failed {
                        self.sqs
                            .change_message_visibility()
                            .queue_url(url)
                            .receipt_handle(m.receipt_handle().unwrap_or_default())
                            .visibility_timeout(0)
                            .send()
                            .await
                            .expect("change visibility");
                    }
                } else {
                    totals.delivered += 1;
                    succeeded.push(m);
                }
            }
            let refused = self.delete_batch(url, succeeded).await;
            assert!(refused.is_empty(), "deletes failed: {refused:?}");
        }
        panic!("the queue did not drain");
    }

    /// Deletes received messages in one request (none: no request), and
    /// gives back the entries SQS refused.
    pub(crate) async fn delete_batch<'a>(
        &self,
        url: &str,
        messages: impl IntoIterator<Item = &'a aws_sdk_sqs::types::Message>,
    ) -> Vec<aws_sdk_sqs::types::BatchResultErrorEntry> {
        let entries: Vec<DeleteMessageBatchRequestEntry> = messages
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(m.receipt_handle().unwrap_or_default())
                    .build()
                    .expect("id and handle are set")
            })
            .collect();
        if entries.is_empty() {
            return Vec::new();
        }
        self.sqs
            .delete_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .expect("delete from moto")
            .failed
    }

    /// Up to 10 messages, as the event-source mapping receives them.
    pub(crate) async fn receive_batch(&self, url: &str) -> Vec<aws_sdk_sqs::types::Message> {
        self.sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .expect("receive from moto")
            .messages
            .unwrap_or_default()
    }

    pub async fn queue_depth(&self, url: &str) -> usize {
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(
                aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
            )
            .send()
            .await
            .expect("queue attributes");
        out.attributes
            .unwrap_or_default()
            .values()
            .map(|v| v.parse::<usize>().unwrap_or(0))
            .sum()
    }

    /// Every item in the table (tests only: production code never scans).
    pub async fn items(&self) -> Vec<Item> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .ddb
                .scan()
                .table_name(&self.table)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return items;
            }
        }
    }

    pub async fn items_of_type(&self, kind: &str) -> Vec<Item> {
        self.items()
            .await
            .into_iter()
            .filter(|i| s(i, "type") == Some(kind))
            .collect()
    }

    pub async fn get(&self, pk: &str, sk: &str) -> Option<Item> {
        self.ddb
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(pk.into()))
            .key("sk", AttributeValue::S(sk.into()))
            .consistent_read(true)
            .send()
            .await
            .expect("get item")
            .item
    }
}

/// Received SQS messages as the event-source mapping hands them to Lambda.
pub(crate) fn sqs_event(messages: &[aws_sdk_sqs::types::Message]) -> SqsEvent {
    let mut event = SqsEvent::default();
    event.records = messages.iter().map(sqs_record).collect();
    event
}

fn sqs_record(m: &aws_sdk_sqs::types::Message) -> SqsMessage {
    let mut record = SqsMessage::default();
    record.message_id = m.message_id.clone();
    record.receipt_handle = m.receipt_handle.clone();
    record.body = m.body.clone();
    record.event_source = Some("aws:sqs".into());
    record.attributes = m
        .attributes
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.as_str().to_owned(), v))
        .collect();
    record
}

pub fn s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

pub fn n(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

async fn sdk_config() -> aws_config::SdkConfig {
    sdk_config_at(&endpoint(), None).await
}

/// The SDK configuration the functions get, pointed at `endpoint` (moto, or
/// a proxy in front of it), optionally naming its user in the user agent.
pub(crate) async fn sdk_config_at(endpoint: &str, app_name: Option<&str>) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing", "testing", None, None, "moto",
        ));
    if let Some(name) = app_name {
        loader =
            loader.app_name(aws_config::AppName::new(name.to_owned()).expect("a valid app name"));
    }
    loader.load().await
}
