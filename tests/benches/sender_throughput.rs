//! Sender throughput against the Graph API simulator, which enforces Meta's
//! per-number limit by the number's throughput level and answers 130429
//! past it.
//!
//!     cargo bench -p integration-tests --bench sender_throughput [-- --seconds 5 --limits 80,1000 --together 80+1000 --instances 1,4,16]
//!
//! Each *lane* is one business number: up to 80 messages a second a
//! STANDARD number, above that a HIGH one, set so in the simulator and
//! read from it by the template sync, as deployed. `--limits` runs each
//! lane alone; `--together` runs its lanes in one deployment (one queue,
//! the commands interleaved, `MessagesPerSecond` at the largest).
//!
//! Several sender instances (each handling batches of 10, as Lambda would
//! hand them out) share one pacing store, as deployed instances share the
//! DynamoDB pacing counters. Storage is in memory so that the figure is the
//! sender's and the pacing's, not moto's. Each command goes to a different
//! recipient, so Meta's pair rate is not what limits it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use graph_simulator::account::numbers::NumberHealth;
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
use shared::adapters::memory_templates::MemoryTemplates;
use shared::domain::retention::Retention;
use shared::domain::retries::RetryPolicy;
use shared::domain::templates::WabaId;
use shared::ports::contacts::HashingAuditor;
use shared::ports::templates::{TemplateSource, TemplateStore};
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
    type Templates = MemoryTemplates;
    type Numbers = MemoryTemplates;
}

struct Args {
    seconds: u32,
    limits: Vec<u32>,
    together: Vec<u32>,
    instances: Vec<usize>,
}

fn args() -> Args {
    let argv: Vec<String> = std::env::args().collect();
    let list = |flag: &str, default: &[u32]| {
        argv.windows(2)
            .find(|pair| pair[0] == flag)
            .map(|pair| {
                pair[1]
                    .split([',', '+'])
                    .filter_map(|x| x.trim().parse().ok())
                    .collect()
            })
            .unwrap_or_else(|| default.to_vec())
    };
    Args {
        seconds: list("--seconds", &[]).first().copied().unwrap_or(5),
        limits: list("--limits", &[80, 1000]),
        together: list("--together", &[80, 1000]),
        instances: list("--instances", &[1, 4, 16])
            .into_iter()
            .map(|x| x as usize)
            .collect(),
    }
}

const WABA: &str = "102290129340398";
/// Meta's STANDARD rate: a lane above it is a HIGH number.
const STANDARD_MPS: u32 = 80;

/// One business number of a run, and what it achieved.
struct Lane {
    limit: u32,
    number: String,
    commands: usize,
    sent: usize,
    /// When 95 % of its commands had been sent, and when all had.
    seconds_95: f64,
    seconds: f64,
    throttled: usize,
}

/// A command on the queue, as SQS holds it.
struct Queued {
    lane: usize,
    body: String,
    /// Seconds after the start when it may be received (again).
    visible_at: f64,
    receives: u32,
}

/// Up to 10 visible commands, oldest first; `None` once the queue is empty.
fn receive(queue: &Mutex<VecDeque<Queued>>, now: f64) -> Option<Vec<Queued>> {
    let mut q = queue.lock().expect("queue");
    if q.is_empty() {
        return None;
    }
    let mut batch = Vec::new();
    let mut i = 0;
    while i < q.len() && batch.len() < 10 {
        if q[i].visible_at <= now {
            batch.extend(q.remove(i));
        } else {
            i += 1;
        }
    }
    Some(batch)
}

/// How the lanes' commands share the queue.
#[derive(Clone, Copy, PartialEq)]
enum Mix {
    /// Each lane's commands spread over the run at its own rate.
    Steady,
    /// Taken in turn, one of each lane: the slower lane's are all near the
    /// head, a backlog in the same batches as the faster lane's.
    RoundRobin,
}

async fn run(limits: &[u32], instances: usize, seconds: u32, mix: Mix) -> Vec<Lane> {
    let mut config = SimulatorConfig {
        access_token: "bench-token".into(),
        ..SimulatorConfig::default()
    };
    config.behaviour.webhook_url = None;
    let throughput = &mut config.behaviour.rate_limits.throughput;
    for &limit in limits {
        if limit > STANDARD_MPS {
            throughput.high_mps = limit;
        } else {
            throughput.mps = limit;
        }
    }
    let sim = graph_simulator::spawn(config).await.expect("simulator");
    let mut lanes: Vec<Lane> = limits
        .iter()
        .enumerate()
        .map(|(i, &limit)| Lane {
            limit,
            number: format!("10654035224{i:04}"),
            commands: (limit * seconds) as usize,
            sent: 0,
            seconds_95: 0.0,
            seconds: 0.0,
            throttled: 0,
        })
        .collect();
    sim.update_account(|account| {
        for (i, lane) in lanes.iter().enumerate() {
            let mut health = NumberHealth::healthy(&format!("1555078{i:04}"));
            if lane.limit > STANDARD_MPS {
                health.throughput_level = "HIGH".into();
            }
            account.numbers.insert(lane.number.clone(), health);
        }
    });
    let secrets = Arc::new(
        WhatsAppSecrets::parse(
            r#"{"app_secret":"a","verify_token":"v","access_token":"bench-token"}"#,
        )
        .expect("secret"),
    );
    let graph = || {
        GraphClient::new(
            &sim.base_url(),
            "v24.0",
            StaticSecrets(Arc::clone(&secrets)),
        )
        .expect("client")
    };
    // The template sync, as the review function runs it: templates and
    // each number's level, into the store every instance reads.
    let store = MemoryTemplates::default();
    let waba = WabaId::parse(WABA).expect("WABA id");
    let templates = graph().templates(&waba).await.expect("templates");
    let numbers = graph().phone_numbers(&waba).await.expect("numbers");
    store
        .put_all(&waba, &templates, &numbers, 0)
        .await
        .expect("sync");
    // Steady: each lane's commands spread over the run at its own rate, as
    // the systems behind each number would fill the one queue (the i-th
    // command of a lane is due at i / limit seconds). Round robin: the i-th
    // of every lane is due at i.
    let mut due: Vec<(f64, usize, String)> = Vec::new();
    for (lane_index, lane) in lanes.iter().enumerate() {
        for i in 0..lane.commands {
            let at = match mix {
                Mix::Steady => i as f64 / f64::from(lane.limit),
                Mix::RoundRobin => i as f64,
            };
            due.push((at, lane_index, format!(
                r#"{{"idempotency_key":"bench-{lane_index}-{i}","to":"+1650{:07}","phone_number_id":"{}","category":"utility","message":{{"type":"template","template":{{"name":"order_shipped","language":{{"code":"en_US"}}}}}}}}"#,
                i, lane.number
            )));
        }
    }
    due.sort_by(|a, b| a.0.total_cmp(&b.0));
    let queued: VecDeque<Queued> = due
        .into_iter()
        .map(|(_, lane, body)| Queued {
            lane,
            body,
            visible_at: 0.0,
            receives: 0,
        })
        .collect();
    let queue = Arc::new(Mutex::new(queued));
    let finished_at = Arc::new(Mutex::new(vec![Vec::<f64>::new(); lanes.len()]));
    let cap = limits.iter().copied().max().unwrap_or(STANDARD_MPS);
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
            graph: graph(),
            redelivery: MemoryRedelivery::default(),
            clock: SystemClock,
            consent: MemoryConsent::default(),
            settings: Settings {
                default_phone_number_id: None,
                messages_per_second: cap,
                // Deployed delays: a command sent back waits them out.
                retry: RetryPolicy::default(),
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
            templates: store.clone(),
            template_cache: Default::default(),
            numbers: store.clone(),
            pace_cache: Default::default(),
            sweep_marks: Default::default(),
        };
        let queue = Arc::clone(&queue);
        let finished_at = Arc::clone(&finished_at);
        tasks.push(async move {
            loop {
                let Some(batch) = receive(&queue, started.elapsed().as_secs_f64()) else {
                    return;
                };
                if batch.is_empty() {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    continue;
                }
                let mut event = SqsEvent::default();
                for (i, queued) in batch.iter().enumerate() {
                    let mut m = SqsMessage::default();
                    m.message_id = Some(i.to_string());
                    m.receipt_handle = Some(i.to_string());
                    m.body = Some(queued.body.clone());
                    m.attributes.insert(
                        "ApproximateReceiveCount".into(),
                        (queued.receives + 1).to_string(),
                    );
                    event.records.push(m);
                }
                let response = sender.handle(event).await.expect("handler");
                let delays: HashMap<String, u32> = sender
                    .redelivery
                    .delays
                    .lock()
                    .expect("delays")
                    .drain(..)
                    .collect();
                let mut retried = vec![false; batch.len()];
                for f in response.batch_item_failures {
                    retried[f.item_identifier.parse::<usize>().expect("index")] = true;
                }
                let now = started.elapsed().as_secs_f64();
                let mut done = finished_at.lock().expect("times");
                // A command sent back is received again once its delay ends,
                // before newer ones (SQS: oldest first, best effort).
                let mut q = queue.lock().expect("queue");
                for (i, (mut queued, again)) in batch.into_iter().zip(retried).enumerate() {
                    if again {
                        let delay = delays.get(&i.to_string()).copied().unwrap_or(0);
                        queued.visible_at = now + f64::from(delay);
                        queued.receives += 1;
                        q.push_front(queued);
                    } else {
                        done[queued.lane].push(now);
                    }
                }
            }
        });
    }
    // One task drives every instance's futures: the work is waiting on HTTP,
    // and the simulator runs on the runtime's other threads.
    futures_util::future::join_all(tasks).await;
    let requests = sim.requests();
    let finished_at = finished_at.lock().expect("times").clone();
    for (lane, mut times) in lanes.iter_mut().zip(finished_at) {
        times.sort_by(f64::total_cmp);
        let path = format!("/{}/messages", lane.number);
        let of_lane = || requests.iter().filter(|r| r.path.ends_with(&path));
        lane.sent = of_lane().filter(|r| r.response.status == 200).count();
        lane.throttled = of_lane()
            .filter(|r| r.response.error_code == Some(130429))
            .count();
        let at = |share: f64| {
            let i = ((times.len() as f64 * share).ceil() as usize).saturating_sub(1);
            times.get(i).copied().unwrap_or(0.0)
        };
        lane.seconds_95 = at(0.95);
        lane.seconds = at(1.0);
    }
    let _ = sim.shutdown().await;
    lanes
}

fn print(lanes: &[Lane], instances: usize, mix: Mix) {
    let limits: Vec<String> = lanes.iter().map(|l| l.limit.to_string()).collect();
    let together = match (lanes.len(), mix) {
        (1, _) => limits.join(""),
        (_, Mix::Steady) => format!("{}, steady", limits.join(" + ")),
        (_, Mix::RoundRobin) => format!("{}, round robin", limits.join(" + ")),
    };
    for lane in lanes {
        // The sustained rate: 95 % of the commands over the time they took.
        // The last few may have been sent back to the queue, and wait out
        // the retry delay: latency, not rate.
        let mps = 0.95 * lane.commands as f64 / lane.seconds_95;
        println!(
            "| {together} | {} | {instances} | {} | {} | {:.2} | {:.2} | {:.1} | {:.1}% | {} |",
            lane.limit,
            lane.commands,
            lane.sent,
            lane.seconds_95,
            lane.seconds,
            mps,
            100.0 * mps / f64::from(lane.limit),
            lane.throttled
        );
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    println!("| numbers in the deployment (msg/s each) | this number's limit | sender instances | commands | sent | seconds to 95 % | seconds to all | msg/s (95 %) | % of limit | 130429 answers |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut runs: Vec<(Vec<u32>, Mix)> = a.limits.iter().map(|&l| (vec![l], Mix::Steady)).collect();
    if a.together.len() > 1 {
        runs.push((a.together.clone(), Mix::Steady));
        runs.push((a.together.clone(), Mix::RoundRobin));
    }
    for (limits, mix) in &runs {
        for &instances in &a.instances {
            print(
                &run(limits, instances, a.seconds, *mix).await,
                instances,
                *mix,
            );
        }
    }
}
