//! A fresh world: its own stack in moto and the real handlers wired to it.
//! The queues are played as Lambda does in `queues.rs`, the table read in
//! `table.rs`, the sender wired in `outbound.rs`, the contacts API in
//! `contacts.rs`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lambda_http::{Body, Response};
use processor::{Processor, ProcessorPorts};
use shared::adapters::dynamo::{DynamoStore, KeyedConsent};
use shared::adapters::hashing::SecretHasher;
use shared::adapters::secrets_manager::SecretsManagerFetcher;
use shared::adapters::sqs::SqsQueue;
use shared::domain::retention::Retention;
use shared::ports::SystemClock;
use shared::secrets::CachedSecrets;
use shared::signature::sign;
use webhook::{Limits, Webhook};

use crate::events::{api_gateway_request, ApiRequest};

/// What `stack.py bootstrap` seeds into the local secret.
pub const APP_SECRET: &str = "dev-app-secret";
pub const VERIFY_TOKEN: &str = "dev-verify-token";

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
    type Events = shared::adapters::eventbridge::EventBus;
    type Commands = SqsQueue;
    type Automation = DynamoStore;
    type Consent = LocalConsent;
    type Media = SqsQueue;
    type Health = DynamoStore;
    type Templates = DynamoStore;
    type Numbers = DynamoStore;
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
    /// The event bus (its name); its default rule delivers to `events_url`.
    pub event_bus: String,
    /// The media queue (processor -> media function) and its DLQ.
    pub media_url: String,
    pub media_dlq_url: String,
    /// The media bucket (customers' files).
    pub bucket: String,
    pub secret_id: String,
    pub ddb: aws_sdk_dynamodb::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub s3: aws_sdk_s3::Client,
    /// The SDK configuration the functions get (the media function's bundle is built from it).
    pub sdk: aws_config::SdkConfig,
}

pub(crate) fn endpoint() -> String {
    std::env::var("JUM_TEST_ENDPOINT_URL")
        .expect("JUM_TEST_ENDPOINT_URL is not set: run the integration tests through `make test`, which starts moto")
}

/// `stack.py bootstrap` of `stack_name` in moto, with parameter overrides.
async fn bootstrap(stack_name: &str, parameters: &[(&str, &str)]) -> serde_json::Value {
    let command =
        std::env::var("JUM_STACK_PY").expect("JUM_STACK_PY is not set: run through `make test`");
    let mut parts = command.split_whitespace();
    let overrides = parameters
        .iter()
        .flat_map(|(k, v)| ["--parameter".to_owned(), format!("{k}={v}")]);
    let output = tokio::process::Command::new(parts.next().expect("a program"))
        .args(parts)
        .args([
            "bootstrap",
            "--endpoint-url",
            &endpoint(),
            "--stack-name",
            stack_name,
            "--json",
        ])
        .args(overrides)
        .output()
        .await
        .expect("stack.py runs");
    assert!(
        output.status.success(),
        "bootstrap failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("bootstrap prints JSON")
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
        let info = bootstrap(&stack_name, &[]).await;
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
            event_bus: get("EventBus"),
            media_url: get("MediaQueue"),
            media_dlq_url: get("MediaDeadLetterQueue"),
            bucket: get("MediaBucket"),
            secret_id: get("WhatsAppSecret"),
            stack_name,
            ddb: aws_sdk_dynamodb::Client::new(&sdk),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            secrets: aws_sdk_secretsmanager::Client::new(&sdk),
            s3: shared::adapters::s3::client(&sdk),
            sdk,
        }
    }

    /// Deploys the stack again with `parameters` (`Name=value`), as
    /// `sam deploy --parameter-overrides` would: what a parameter's
    /// condition adds (a subscription's rule and DLQ) is created; the rest
    /// is left as it is. Returns the bootstrap's resources (logical id →
    /// name or URL).
    pub async fn redeploy(&self, parameters: &[(&str, &str)]) -> serde_json::Value {
        bootstrap(&self.stack_name, parameters).await["resources"].clone()
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
            event_bus: self.event_bus.clone(),
            media_url: self.media_url.clone(),
            media_dlq_url: self.media_dlq_url.clone(),
            bucket: self.bucket.clone(),
            secret_id: self.secret_id.clone(),
            ddb: aws_sdk_dynamodb::Client::new(sdk),
            sqs: aws_sdk_sqs::Client::new(sdk),
            secrets: aws_sdk_secretsmanager::Client::new(sdk),
            s3: shared::adapters::s3::client(sdk),
            sdk: sdk.clone(),
        }
    }

    /// The event bus as the functions publish to it (the stack's default
    /// `EventSource`); its rule delivers each event to `events_url`.
    pub fn event_sink(&self) -> shared::adapters::eventbridge::EventBus {
        shared::adapters::eventbridge::EventBus::from_config(&self.sdk, &self.event_bus_config())
    }

    pub fn event_bus_config(&self) -> shared::config::EventBusConfig {
        shared::config::EventBusConfig {
            bus_name: self.event_bus.clone(),
            source: shared::config::DEFAULT_EVENT_SOURCE.to_owned(),
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
            health: store.clone(),
            templates: store.clone(),
            numbers: store.clone(),
            automation_store: store,
            clock: TestClock(fixed_now_secs),
            retention: Retention::DEFAULT,
            events: self.event_sink(),
            commands: SqsQueue::new(self.sqs.clone(), &self.outbound_url),
            automation: rules.map(|r| {
                std::sync::Arc::new(shared::domain::automation::load(r).expect("valid rules"))
            }),
            consent: self.keyed_consent(),
            suppression_retention: Default::default(),
            media: SqsQueue::new(self.sqs.clone(), &self.media_url),
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
