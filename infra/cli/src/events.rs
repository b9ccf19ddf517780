//! `jum events tail`: follows the bus live through a rule and a queue of its
//! own, made for the run and removed at the end (Ctrl-C included), so the
//! events queue and every subscriber keep all their events. `jum events
//! peek`: what waits on the events queue, read without hiding or taking it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use aws_sdk_eventbridge::types::{InputTransformer, Target};
use aws_sdk_sqs::types::QueueAttributeName as A;
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use crate::error::CliError;
use crate::target::Stack;

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Print events as they are published, without taking them from anyone.
    Tail(TailArgs),
    /// Print what waits on the events queue and leave it there for its
    /// consumers (nothing is hidden, nothing deleted).
    Peek(PeekArgs),
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Only this type (`message.received`), or a prefix ending in `*` (`contact.*`).
    #[arg(long = "type", value_name = "PATTERN")]
    pub kind: Option<String>,
    /// Stop after this many events.
    #[arg(long)]
    pub count: Option<usize>,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long)]
    pub seconds: Option<u64>,
}

#[derive(Debug, Args)]
pub struct PeekArgs {
    /// At most this many events.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max: u32,
    /// Only this type (`media.stored`), or a prefix ending in `*`
    /// (`contact.*`); repeat for several.
    #[arg(long = "type", value_name = "PATTERN")]
    pub kinds: Vec<String>,
}

/// `--type`: one event type (`message.received`), or a prefix ending in
/// `*` (`contact.*`). Tail gives it to the bus as a rule's pattern; peek
/// matches it itself.
enum TypePattern<'a> {
    Exact(&'a str),
    Prefix(&'a str),
}

impl<'a> TypePattern<'a> {
    fn parse(p: &'a str) -> Self {
        match p.strip_suffix('*') {
            Some(prefix) => Self::Prefix(prefix),
            None => Self::Exact(p),
        }
    }

    fn matches(&self, kind: &str) -> bool {
        match self {
            Self::Exact(k) => kind == *k,
            Self::Prefix(p) => kind.starts_with(p),
        }
    }
}

/// The rule's pattern: every event of the bus, or of one type or prefix.
pub fn pattern(kind: Option<&str>) -> Value {
    match kind.map(TypePattern::parse) {
        None => json!({"detail-type": [{"prefix": ""}]}),
        Some(TypePattern::Prefix(prefix)) => json!({"detail-type": [{"prefix": prefix}]}),
        Some(TypePattern::Exact(k)) => json!({"detail-type": [k]}),
    }
}

pub async fn run(
    sdk: &aws_config::SdkConfig,
    s: &Stack,
    cmd: EventsCommand,
    as_json: bool,
) -> Result<(), CliError> {
    let args = match cmd {
        EventsCommand::Tail(args) => args,
        EventsCommand::Peek(args) => {
            return peek(&aws_sdk_sqs::Client::new(sdk), s, &args, as_json).await
        }
    };
    let tail = Tail::create(sdk, s, &pattern(args.kind.as_deref())).await?;
    let outcome = tail.follow(&args, as_json).await;
    tail.remove().await;
    outcome
}

/// Reads the events queue with a visibility timeout of 0, so every message
/// stays visible to its consumers the whole time, and deletes nothing. The
/// price: SQS may hand the same messages out again, so a receive that
/// brings nothing new ends the peek, and a queue holding more than a few
/// tens shows a sample (the count of what waits says so).
async fn peek(
    sqs: &aws_sdk_sqs::Client,
    s: &Stack,
    args: &PeekArgs,
    as_json: bool,
) -> Result<(), CliError> {
    let patterns: Vec<TypePattern> = args.kinds.iter().map(|p| TypePattern::parse(p)).collect();
    let wanted = |kind: &str| patterns.is_empty() || patterns.iter().any(|p| p.matches(kind));
    let mut seen = HashSet::new();
    let mut shown = 0u32;
    'receiving: loop {
        let got = sqs
            .receive_message()
            .queue_url(&s.events_url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            // A long poll asks every SQS server, so a short queue is seen whole.
            .wait_time_seconds(1)
            .send()
            .await
            .map_err(|e| CliError::aws("SQS ReceiveMessage", e))?;
        let fresh: Vec<_> = got
            .messages()
            .iter()
            .filter(|m| seen.insert(m.message_id().unwrap_or_default().to_owned()))
            .collect();
        if fresh.is_empty() {
            break;
        }
        for m in fresh {
            let event = serde_json::from_str(m.body().unwrap_or_default())
                .unwrap_or_else(|_| json!({"type": "(not an event)", "event_id": m.message_id()}));
            if !wanted(event["type"].as_str().unwrap_or_default()) {
                continue;
            }
            print_event(&event, as_json);
            shown += 1;
            if shown >= args.max {
                break 'receiving;
            }
        }
    }
    if !as_json {
        let waiting = crate::dlq::depth(sqs, &s.events_url).await?;
        eprintln!(
            "{shown} event(s) shown of about {waiting} on {}, all left there",
            s.events_url
        );
    }
    Ok(())
}

/// A rule of its own on the bus and the queue it fills, for as long as a
/// command runs (`remove` at the end).
pub struct Tail {
    sqs: aws_sdk_sqs::Client,
    events: aws_sdk_eventbridge::Client,
    bus: String,
    rule: String,
    queue_url: String,
}

impl Tail {
    pub async fn create(
        sdk: &aws_config::SdkConfig,
        s: &Stack,
        pattern: &Value,
    ) -> Result<Self, CliError> {
        let sqs = aws_sdk_sqs::Client::new(sdk);
        let events = aws_sdk_eventbridge::Client::new(sdk);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let name = format!(
            "{}-tail-{}-{}",
            s.name,
            std::process::id(),
            stamp.as_millis() % 1_000_000
        );
        let queue_url = sqs
            .create_queue()
            .queue_name(&name)
            .attributes(A::MessageRetentionPeriod, "300")
            .attributes(A::SqsManagedSseEnabled, "true")
            .send()
            .await
            .map_err(|e| CliError::aws("SQS CreateQueue", e))?
            .queue_url
            .unwrap_or_default();
        let mut tail = Self {
            sqs,
            events,
            bus: s.event_bus.clone(),
            rule: name,
            queue_url,
        };
        if let Err(e) = tail.subscribe(pattern).await {
            tail.remove().await;
            return Err(e);
        }
        Ok(tail)
    }

    async fn subscribe(&mut self, pattern: &Value) -> Result<(), CliError> {
        let arn = self
            .sqs
            .get_queue_attributes()
            .queue_url(&self.queue_url)
            .attribute_names(A::QueueArn)
            .send()
            .await
            .map_err(|e| CliError::aws("SQS GetQueueAttributes", e))?
            .attributes
            .and_then(|a| a.get(&A::QueueArn).cloned())
            .unwrap_or_default();
        let rule_arn = self
            .events
            .put_rule()
            .name(&self.rule)
            .event_bus_name(&self.bus)
            .description("jum events tail: removed when it stops")
            .event_pattern(pattern.to_string())
            .send()
            .await
            .map_err(|e| CliError::aws("EventBridge PutRule", e))?
            .rule_arn
            .unwrap_or_default();
        // Only this rule may send, and only over TLS.
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}}]});
        self.sqs
            .set_queue_attributes()
            .queue_url(&self.queue_url)
            .attributes(A::Policy, policy.to_string())
            .send()
            .await
            .map_err(|e| CliError::aws("SQS SetQueueAttributes", e))?;
        // The event's JSON, as on the events queue ($.detail).
        let detail = InputTransformer::builder()
            .input_paths_map("detail", "$.detail")
            .input_template("<detail>")
            .build()
            .map_err(|e| CliError::aws("EventBridge input", e))?;
        let target = Target::builder()
            .id("jum-tail")
            .arn(arn)
            .input_transformer(detail)
            .build()
            .map_err(|e| CliError::aws("EventBridge target", e))?;
        self.events
            .put_targets()
            .rule(&self.rule)
            .event_bus_name(&self.bus)
            .targets(target)
            .send()
            .await
            .map_err(|e| CliError::aws("EventBridge PutTargets", e))?;
        Ok(())
    }

    async fn follow(&self, args: &TailArgs, as_json: bool) -> Result<(), CliError> {
        let until = args
            .seconds
            .map(|s| Instant::now() + Duration::from_secs(s));
        if !as_json {
            eprintln!("following the bus {} (Ctrl-C stops)", self.bus);
        }
        let mut seen = 0usize;
        loop {
            if until.is_some_and(|u| Instant::now() >= u) || args.count.is_some_and(|c| seen >= c) {
                return Ok(());
            }
            let got = tokio::select! {
                got = self.receive() => got?,
                _ = tokio::signal::ctrl_c() => return Ok(()),
            };
            for event in got {
                print_event(&event, as_json);
                seen += 1;
            }
        }
    }

    /// What arrived within a second (long poll), taken off the queue.
    pub async fn receive(&self) -> Result<Vec<Value>, CliError> {
        let got = self
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .map_err(|e| CliError::aws("SQS ReceiveMessage", e))?;
        let mut out = Vec::new();
        for m in got.messages() {
            out.push(serde_json::from_str(m.body().unwrap_or("null")).unwrap_or(Value::Null));
            let _ = self
                .sqs
                .delete_message()
                .queue_url(&self.queue_url)
                .receipt_handle(m.receipt_handle().unwrap_or_default())
                .send()
                .await;
        }
        Ok(out)
    }

    /// Best effort: what cannot be removed is named, for the operator.
    pub async fn remove(&self) {
        let targets = self
            .events
            .remove_targets()
            .rule(&self.rule)
            .event_bus_name(&self.bus)
            .ids("jum-tail")
            .send()
            .await;
        let rule = self
            .events
            .delete_rule()
            .name(&self.rule)
            .event_bus_name(&self.bus)
            .send()
            .await;
        let queue = self
            .sqs
            .delete_queue()
            .queue_url(&self.queue_url)
            .send()
            .await;
        if targets.is_err() || rule.is_err() || queue.is_err() {
            eprintln!(
                "jum: could not remove all of rule {} and queue {}; delete them by hand",
                self.rule, self.queue_url
            );
        }
    }
}

/// One line per event: JSON as published with --json, else a summary with
/// the number masked (an event's data may hold message content).
fn print_event(event: &Value, as_json: bool) {
    if as_json {
        println!("{event}");
        return;
    }
    let text = |k: &str| event[k].as_str().unwrap_or("-");
    let who = event["wa_id"]
        .as_str()
        .map(shared::domain::ids::mask)
        .unwrap_or_else(|| "-".into());
    println!(
        "{}  {:<32}  {}  {}",
        text("occurred_at"),
        text("type"),
        who,
        text("event_id")
    );
}
