//! What the simulated customers and internal systems send. This is the
//! "true" side of the run: the checks compare the store with it, never the
//! store with itself.

use graph_simulator::faults::Rng;
use serde_json::{json, Value};

use crate::automation::message_webhook;

/// Which shipped rule (`config/automation.yaml`) a customer message triggers.
/// Every message triggers exactly one reply, whatever the time of day, so
/// that "one auto-reply per message" can be counted without the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    OpeningHours,
    OrderStatus,
    Photo,
}

impl Trigger {
    pub fn rule(self) -> &'static str {
        match self {
            Self::OpeningHours => "opening-hours",
            Self::OrderStatus => "order-status",
            Self::Photo => "photo-received",
        }
    }
}

pub struct Inbound {
    pub wamid: String,
    pub from: String,
    pub trigger: Trigger,
    pub body: Vec<u8>,
    /// A photo's file as Meta holds it: its media id and size.
    pub photo: Option<Photo>,
}

/// A file the simulator serves under `media_id` (seeded before the run).
#[derive(Debug, Clone)]
pub struct Photo {
    pub media_id: String,
    pub bytes: usize,
}

/// The bytes of the `i`th message's photo: distinct per message, a few KB.
pub fn photo_bytes(i: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend(format!("chaos photo {i} ").repeat(200).into_bytes());
    bytes
}

/// What the sender must do with a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Send,
    Reject,
}

pub struct Command {
    pub key: String,
    pub body: String,
    pub expect: Expect,
}

pub struct Load {
    pub customers: Vec<String>,
    pub inbound: Vec<Inbound>,
    pub commands: Vec<Command>,
    /// Command bodies in the order they go on the queue, repeats included.
    pub enqueued: Vec<String>,
}

pub struct Sizes {
    pub messages: usize,
    pub customers: usize,
    pub commands: usize,
}

pub fn customer(i: usize) -> String {
    format!("4477009{i:05}")
}

/// The load of a run. `seed_photo(i, bytes)` gives Meta the `i`th message's
/// photo and answers what Meta's upload answers (`id`, `sha256`, `mime_type`).
pub fn generate(
    sizes: &Sizes,
    seed: u64,
    now_secs: i64,
    seed_photo: impl Fn(Vec<u8>) -> Value,
) -> Load {
    let mut rng = Rng::new(seed ^ 0x10ad);
    let customers: Vec<String> = (0..sizes.customers).map(customer).collect();
    let inbound = (0..sizes.messages)
        .map(|i| {
            let from = customers[i % customers.len()].clone();
            let wamid = format!("wamid.chaos{seed}x{i:07}");
            // Distinct, increasing timestamps: a customer's messages have an order.
            let ts = now_secs - (sizes.messages - i) as i64;
            let mut photo = None;
            let (trigger, content) = match rng.below(5) {
                0 | 1 => (
                    Trigger::OpeningHours,
                    json!({"type": "text", "text": {"body": "What are your opening hours?"}}),
                ),
                2 | 3 => (
                    Trigger::OrderStatus,
                    json!({"type": "text", "text": {"body": format!("Where is my order #{}?", 1000 + i)}}),
                ),
                _ => {
                    let bytes = photo_bytes(i);
                    let size = bytes.len();
                    let seeded = seed_photo(bytes);
                    photo = Some(Photo {
                        media_id: seeded["id"].as_str().expect("a media id").to_owned(),
                        bytes: size,
                    });
                    (
                        Trigger::Photo,
                        json!({"type": "image", "image": {"id": seeded["id"],
                            "mime_type": seeded["mime_type"], "sha256": seeded["sha256"],
                            "caption": "it broke"}}),
                    )
                }
            };
            Inbound {
                body: message_webhook(&from, &wamid, ts, content),
                wamid,
                from,
                trigger,
                photo,
            }
        })
        .collect();
    let commands: Vec<Command> = (0..sizes.commands)
        .map(|i| {
            let to = customers[rng.below(customers.len())].clone();
            let key = format!("chaos-{seed}-{i}");
            let (expect, message, category) = match rng.below(20) {
                // A text over Meta's 4096 characters: refused before any call.
                0 => (
                    Expect::Reject,
                    json!({"type": "text", "text": {"body": "x".repeat(5000)}}),
                    "service",
                ),
                1..=9 => (
                    Expect::Send,
                    json!({"type": "text", "text": {"body": format!("Your order {i} is on its way")}}),
                    "service",
                ),
                _ => (
                    Expect::Send,
                    json!({"type": "template", "template": {"name": "order_shipped", "language": {"code": "en_US"}}}),
                    "utility",
                ),
            };
            let body = json!({"idempotency_key": key, "to": format!("+{to}"),
                "category": category, "message": message})
            .to_string();
            Command {
                key,
                body,
                expect,
            }
        })
        .collect();
    let mut enqueued = Vec::new();
    for (i, c) in commands.iter().enumerate() {
        enqueued.push(c.body.clone());
        // Every tenth command is put on the queue again with the same key.
        if i % 10 == 3 {
            enqueued.push(c.body.clone());
        }
    }
    shuffle(&mut enqueued, &mut rng);
    Load {
        customers,
        inbound,
        commands,
        enqueued,
    }
}

/// Fisher–Yates with the run's seeded RNG.
pub fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// Every body once, 20 % twice, in a shuffled order: Meta retries and does
/// not promise order.
pub fn with_repeats(bodies: Vec<Vec<u8>>, seed: u64) -> (Vec<Vec<u8>>, usize) {
    let mut rng = Rng::new(seed ^ 0xd0b1e);
    let mut out = Vec::with_capacity(bodies.len() * 6 / 5);
    let mut repeats = 0;
    for b in bodies {
        if rng.below(5) == 0 {
            out.push(b.clone());
            repeats += 1;
        }
        out.push(b);
    }
    shuffle(&mut out, &mut rng);
    (out, repeats)
}
