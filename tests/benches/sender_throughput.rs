//! Sender throughput against the Graph API simulator, which enforces Meta's
//! per-number limit and answers 130429 past it.
//!
//!     cargo bench -p integration-tests --bench sender_throughput [-- --seconds 5 --limits 80,1000 --instances 1,4,16]
//!
//! Several sender instances (each handling batches of 10, as Lambda would
//! hand them out) share one pacing store, as deployed instances share the
//! DynamoDB pacing counters. Storage is in memory so that the figure is the
//! sender's and the pacing's, not moto's. Each command goes to a different
//! recipient, so Meta's pair rate is not what limits it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use graph_simulator::SimulatorConfig;
use sender::{Sender, SenderPorts, Settings};
use shared::adapters::graph::GraphClient;
use shared::adapters::memory::MemoryQueue;
use shared::adapters::memory_consent::MemoryConsent;
use shared::adapters::memory_contacts::{FixedKeyHasher, MemoryReceipts};
use shared::adapters::memory_outbound_media::{
    MemoryOutboundFiles, MemoryUploadCache, MemoryUploads,
};
use shared::adapters::memory_sending::{
    MemoryLedger, MemoryRecipients, MemoryRedelivery, MemoryThrottle,
};
use shared::domain::ids::PhoneNumberId;
use shared::domain::retention::Retention;
use shared::domain::retries::RetryPolicy;
use shared::ports::contacts::HashingAuditor;
use shared::ports::SystemClock;
use shared::secrets::{StaticSecrets, WhatsAppSecrets};

/// Storage in memory, Meta's API the simulator over HTTP.
enum BenchPorts {}

impl SenderPorts for BenchPorts {
    type Events = MemoryQueue;
    type Ledger = MemoryLedger;
    type Recipients = MemoryRecipients;
    type Throttle = MemoryThrottle;
    type Graph = GraphClient<StaticSecrets>;
    type Redelivery = MemoryRedelivery;
    type Clock = SystemClock;
    type Consent = MemoryConsent;
    type Audit = HashingAuditor<FixedKeyHasher, MemoryReceipts>;
    type Files = MemoryOutboundFiles;
    type Uploads = MemoryUploads;
    type UploadCache = MemoryUploadCache;
    type Templates = shared::adapters::memory_templates::MemoryTemplates;
}

struct Args {
    seconds: u32,
    limits: Vec<u32>,
    instances: Vec<usize>,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 5,
        limits: vec![80, 1000],
        instances: vec![1, 4, 16],
    };
    let argv: Vec<String> = std::env::args().collect();
    let list = |s: &str| {
        s.split(',')
            .filter_map(|x| x.trim().parse().ok())
            .collect::<Vec<_>>()
    };
    for pair in argv.windows(2) {
        match pair[0].as_str() {
            "--seconds" => a.seconds = pair[1].parse().unwrap_or(5),
            "--limits" => a.limits = list(&pair[1]),
            "--instances" => {
                a.instances = list(&pair[1])
                    .into_iter()
                    .map(|x: u32| x as usize)
                    .collect()
            }
            _ => {}
        }
    }
    a
}

struct Run {
    commands: usize,
    seconds: f64,
    sent: usize,
    throttled: u64,
}

async fn run(limit: u32, instances: usize, seconds: u32) -> Run {
    let mut config = SimulatorConfig {
        access_token: "bench-token".into(),
        ..SimulatorConfig::default()
    };
    config.behaviour.webhook_url = None;
    config.behaviour.rate_limits.throughput.mps = limit;
    let sim = graph_simulator::spawn(config).await.expect("simulator");
    let secrets = Arc::new(
        WhatsAppSecrets::parse(
            r#"{"app_secret":"a","verify_token":"v","access_token":"bench-token"}"#,
        )
        .expect("secret"),
    );
    let commands = (limit * seconds) as usize;
    let queue: Arc<Mutex<VecDeque<String>>> = Arc::new(Mutex::new(
        (0..commands)
            .map(|i| {
                format!(
                    r#"{{"idempotency_key":"bench-{i}","to":"+1650{:07}","category":"utility","message":{{"type":"template","template":{{"name":"order_shipped","language":{{"code":"en_US"}}}}}}}}"#,
                    i
                )
            })
            .collect(),
    ));
    let throttle = MemoryThrottle::default();
    let ledger = MemoryLedger::default();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..instances {
        let sender = Sender::<BenchPorts> {
            events: MemoryQueue::default(),
            ledger: ledger.clone(),
            recipients: MemoryRecipients::default(),
            throttle: throttle.clone(),
            graph: GraphClient::new(
                &sim.base_url(),
                "v24.0",
                StaticSecrets(Arc::clone(&secrets)),
            )
            .expect("client"),
            redelivery: MemoryRedelivery::default(),
            clock: SystemClock,
            consent: MemoryConsent::default(),
            settings: Settings {
                default_phone_number_id: Some(PhoneNumberId::parse("106540352242922").expect("id")),
                messages_per_second: limit,
                retry: RetryPolicy {
                    scale: 0.0,
                    spam_pause_secs: 0,
                },
                lease_secs: 120,
                retention: Retention::DEFAULT,
                consent: shared::domain::consent::ConsentPolicy::default(),
                media: Default::default(),
            },
            audit: HashingAuditor {
                hasher: FixedKeyHasher("bench".into()),
                log: MemoryReceipts::default(),
                days: 30,
            },
            files: MemoryOutboundFiles::default(),
            uploads: MemoryUploads::default(),
            upload_cache: MemoryUploadCache::default(),
            uploading: Default::default(),
            templates: Default::default(),
            template_cache: Default::default(),
        };
        let queue = Arc::clone(&queue);
        tasks.push(async move {
            loop {
                let batch: Vec<String> = {
                    let mut q = queue.lock().expect("queue");
                    let n = q.len().min(10);
                    q.drain(..n).collect()
                };
                if batch.is_empty() {
                    return;
                }
                let mut event = SqsEvent::default();
                for (i, body) in batch.iter().enumerate() {
                    let mut m = SqsMessage::default();
                    m.message_id = Some(i.to_string());
                    m.body = Some(body.clone());
                    event.records.push(m);
                }
                let response = sender.handle(event).await.expect("handler");
                // Retries go back on the queue, as SQS would hand them out again.
                let mut q = queue.lock().expect("queue");
                for f in response.batch_item_failures {
                    let i: usize = f.item_identifier.parse().expect("index");
                    q.push_back(batch[i].clone());
                }
            }
        });
    }
    // One task drives every instance's futures: the work is waiting on HTTP,
    // and the simulator runs on the runtime's other threads.
    futures_util::future::join_all(tasks).await;
    let seconds = started.elapsed().as_secs_f64();
    let sent = ledger
        .entries
        .lock()
        .expect("ledger")
        .values()
        .filter(|e| e.state == "sent")
        .count();
    let throttled = sim
        .requests()
        .iter()
        .filter(|r| r.response.error_code == Some(130429))
        .count() as u64;
    let _ = sim.shutdown().await;
    Run {
        commands,
        seconds,
        sent,
        throttled,
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    println!("| limit (msg/s) | sender instances | commands | sent | seconds | achieved msg/s | % of limit | 130429 answers |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &limit in &a.limits {
        for &instances in &a.instances {
            let r = run(limit, instances, a.seconds).await;
            let mps = r.sent as f64 / r.seconds;
            println!(
                "| {limit} | {instances} | {} | {} | {:.2} | {:.1} | {:.1}% | {} |",
                r.commands,
                r.sent,
                r.seconds,
                mps,
                100.0 * mps / f64::from(limit),
                r.throttled
            );
        }
    }
}
