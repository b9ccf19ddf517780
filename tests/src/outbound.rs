//! The outbound half of a test world: the sender wired to moto and to an
//! in-process Graph API simulator, whose status webhooks reach our real
//! webhook handler through a small HTTP receiver.

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use graph_simulator::{RunningSimulator, SimulatorConfig};
use sender::aws::Aws;
use sender::{Sender, SenderPorts, Settings};
use shared::adapters::dynamo::{DynamoStore, KeyedConsent};
use shared::adapters::graph::GraphClient;
use shared::adapters::s3_outbound::S3OutboundFiles;
use shared::adapters::secrets_manager::SecretsManagerFetcher;
use shared::adapters::sqs::SqsRedelivery;
use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::MediaSources;
use shared::domain::retention::Retention;
use shared::domain::retries::RetryPolicy;
use shared::ports::contacts::HashingAuditor;
use shared::ports::Clock;
use shared::secrets::CachedSecrets;

use crate::events::{api_gateway_request, ApiRequest};
use crate::queues::Drain;
use crate::world::{TestClock, World, APP_SECRET};

pub const ACCESS_TOKEN: &str = "dev-access-token";
pub const PHONE_NUMBER_ID: &str = "106540352242922";

/// The sender with the deployed adapters (`sender::aws`), on moto and the
/// Graph API simulator, but for the clock: the system's unless a test about
/// pacing fixes it (`sender.clock = TestClock(Some(secs))`).
pub type LocalSender = Sender<LocalSenderPorts>;

pub type LocalSenderPorts = SenderPortsWith<TestClock>;

/// The deployed adapters with the clock `C` (the cost bench moves the
/// system's clock back to the day its customers wrote).
pub struct SenderPortsWith<C>(PhantomData<C>);

impl<C: Clock> SenderPorts for SenderPortsWith<C> {
    type Events = <Aws as SenderPorts>::Events;
    type Ledger = <Aws as SenderPorts>::Ledger;
    type Recipients = <Aws as SenderPorts>::Recipients;
    type Throttle = <Aws as SenderPorts>::Throttle;
    type Graph = <Aws as SenderPorts>::Graph;
    type Redelivery = <Aws as SenderPorts>::Redelivery;
    type Clock = C;
    type Consent = <Aws as SenderPorts>::Consent;
    type Audit = <Aws as SenderPorts>::Audit;
    type Files = <Aws as SenderPorts>::Files;
    type Uploads = <Aws as SenderPorts>::Uploads;
    type UploadCache = <Aws as SenderPorts>::UploadCache;
    type Templates = <Aws as SenderPorts>::Templates;
    type Numbers = <Aws as SenderPorts>::Numbers;
}

impl World {
    /// A simulator that answers like Meta and posts its status webhooks to
    /// this world's webhook handler (no delays, so tests run fast).
    pub async fn simulator(
        &self,
        configure: impl FnOnce(&mut SimulatorConfig),
    ) -> RunningSimulator {
        let receiver = self.webhook_receiver().await;
        let mut config = SimulatorConfig {
            access_token: ACCESS_TOKEN.into(),
            app_secret: APP_SECRET.into(),
            ..SimulatorConfig::default()
        };
        config.behaviour.webhook_url = Some(format!("http://{receiver}/webhook"));
        config.behaviour.webhooks.status_delays_ms = graph_simulator::StatusDelays::all(0);
        configure(&mut config);
        graph_simulator::spawn(config)
            .await
            .expect("simulator starts")
    }

    /// Serves POST /webhook on a free loopback port, handing each request to
    /// the real webhook handler exactly as API Gateway would.
    async fn webhook_receiver(&self) -> SocketAddr {
        let webhook = Arc::new(self.webhook());
        let app = axum::Router::new().route(
            "/webhook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let webhook = Arc::clone(&webhook);
                async move {
                    let signature = headers
                        .get("x-hub-signature-256")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    let req = api_gateway_request(ApiRequest {
                        headers: vec![("X-Hub-Signature-256", signature)],
                        body: &body,
                        ..ApiRequest::default()
                    });
                    let status = webhook
                        .handle(req)
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(500);
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().expect("receiver address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        addr
    }

    pub fn sender(&self, sim: &RunningSimulator, messages_per_second: u32) -> LocalSender {
        self.sender_on(sim, messages_per_second, TestClock(None))
    }

    /// [`World::sender`] on another clock.
    pub fn sender_on<C: Clock>(
        &self,
        sim: &RunningSimulator,
        messages_per_second: u32,
        clock: C,
    ) -> Sender<SenderPortsWith<C>> {
        let store = DynamoStore::new(self.ddb.clone(), &self.table);
        let secrets = CachedSecrets::new(
            SecretsManagerFetcher::new(self.secrets.clone(), &self.secret_id),
            Duration::from_secs(300),
        );
        // One hashing key cache for consent and audits, as deployed.
        let hasher = Arc::new(self.hasher());
        let graph =
            Arc::new(GraphClient::new(&sim.base_url(), "v24.0", secrets).expect("http client"));
        Sender {
            events: self.event_sink(),
            ledger: store.clone(),
            recipients: store.clone(),
            throttle: store.clone(),
            graph: graph.clone(),
            redelivery: SqsRedelivery::new(self.sqs.clone(), &self.outbound_url),
            clock,
            consent: KeyedConsent {
                store: store.clone(),
                hasher: hasher.clone(),
            },
            settings: Settings {
                default_phone_number_id: Some(PhoneNumberId::parse(PHONE_NUMBER_ID).expect("id")),
                messages_per_second,
                // Retries come back at once: the backoff itself is unit-tested.
                retry: RetryPolicy {
                    scale: 0.0,
                    spam_pause_secs: 0,
                },
                lease_secs: 120,
                retention: Retention::DEFAULT,
                consent: shared::domain::consent::ConsentPolicy::default(),
                media: MediaSources {
                    stack_bucket: Some(self.bucket.clone()),
                    other_buckets: Vec::new(),
                },
            },
            audit: HashingAuditor {
                hasher,
                log: store.clone(),
                days: 30,
            },
            files: S3OutboundFiles::from_client(self.s3.clone()),
            uploads: graph,
            upload_cache: store.clone(),
            uploading: Default::default(),
            templates: store.clone(),
            template_cache: Default::default(),
            numbers: store,
            pace_cache: Default::default(),
            sweep_marks: Default::default(),
        }
    }

    pub async fn enqueue_command(&self, body: &str) {
        self.sqs
            .send_message()
            .queue_url(&self.outbound_url)
            .message_body(body)
            .send()
            .await
            .expect("enqueue command");
    }

    /// Plays the event-source mapping for the outbound queue until it is
    /// empty. Failed records keep the visibility the sender gave them.
    /// The next batch on the outbound queue as Lambda would hand it over,
    /// left on the queue (its visibility runs out as usual).
    pub async fn outbound_batch(&self) -> aws_lambda_events::event::sqs::SqsEvent {
        let url = self.outbound_url.clone();
        crate::queues::sqs_event(&self.receive_batch(&url).await)
    }

    pub async fn drain_outbound(&self, sender: &LocalSender) -> Drain {
        self.drain_queue(&self.outbound_url.clone(), false, |event| {
            sender.handle(event)
        })
        .await
    }
}
