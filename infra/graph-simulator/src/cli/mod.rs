//! Command line and environment. Parsed by hand from one option table, which
//! also produces `--help`, so docs and parser cannot drift apart. Every
//! option can come from `GRAPH_SIM_<NAME>` (e.g. `--app-secret` →
//! `GRAPH_SIM_APP_SECRET`); flags on the command line win.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use crate::config::{FinalStatus, ForcedError, SimulatorConfig, StatusDelays, Undeliverable};
use crate::inbound::InboundRequest;

mod options;

pub use options::{env_name, help, Opt, ENV_PREFIX, INBOUND_OPTIONS, SERVE_OPTIONS};

#[derive(Debug)]
pub enum Command {
    Serve(ServeArgs),
    Inbound(InboundArgs),
    Help(String),
}

#[derive(Debug)]
pub struct ServeArgs {
    pub config: SimulatorConfig,
    pub json_logs: bool,
}

pub struct InboundArgs {
    pub webhook_url: String,
    pub app_secret: String,
    pub waba_id: String,
    pub display_phone_number: String,
    pub phone_number_id: String,
    pub request: InboundRequest,
    pub attempts: u32,
    pub backoff_ms: u64,
}

// Hand-written so the app secret never ends up in a log line.
impl std::fmt::Debug for InboundArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboundArgs")
            .field("webhook_url", &self.webhook_url)
            .field("app_secret", &"<redacted>")
            .field("phone_number_id", &self.phone_number_id)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

type Values = BTreeMap<&'static str, Vec<String>>;

/// `args` without the program name; `env` looks up an environment variable.
pub fn parse(args: &[String], env: impl Fn(&str) -> Option<String>) -> Result<Command, String> {
    let (sub, rest) = match args.first().map(String::as_str) {
        Some("inbound") => ("inbound", &args[1..]),
        Some("serve") => ("serve", &args[1..]),
        _ => ("serve", args),
    };
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(Command::Help(help(sub)));
    }
    if rest.iter().any(|a| a == "--version" || a == "-V") {
        return Ok(Command::Help(format!(
            "graph-simulator {}\n",
            env!("CARGO_PKG_VERSION")
        )));
    }
    match sub {
        "inbound" => inbound_args(&collect(INBOUND_OPTIONS, rest, &env)?).map(Command::Inbound),
        _ => serve_args(&collect(SERVE_OPTIONS, rest, &env)?).map(Command::Serve),
    }
}

fn collect(
    options: &[Opt],
    args: &[String],
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Values, String> {
    let mut from_args: Values = BTreeMap::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let Some(flag) = arg.strip_prefix("--") else {
            return Err(format!("unexpected argument `{arg}` (see --help)"));
        };
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (flag, None),
        };
        let opt = options
            .iter()
            .find(|o| o.name == name)
            .ok_or_else(|| format!("unknown option `--{name}` (see --help)"))?;
        let value = match (opt.value, inline) {
            (None, None) => "true".to_string(),
            (None, Some(_)) => return Err(format!("`--{name}` takes no value")),
            (Some(_), Some(value)) => value,
            (Some(_), None) => iter
                .next()
                .cloned()
                .ok_or_else(|| format!("`--{name}` needs a value"))?,
        };
        let values = from_args.entry(opt.name).or_default();
        if !opt.repeatable && !values.is_empty() {
            return Err(format!("`--{name}` given twice"));
        }
        values.push(value);
    }
    for opt in options {
        if from_args.contains_key(opt.name) {
            continue;
        }
        if let Some(value) = env(&env_name(opt.name)).filter(|v| !v.is_empty()) {
            // Repeatable options take a comma-separated list from the environment.
            let values = if opt.repeatable {
                value.split(',').map(|v| v.trim().to_string()).collect()
            } else {
                vec![value]
            };
            from_args.insert(opt.name, values);
        }
    }
    Ok(from_args)
}

fn one<'a>(values: &'a Values, name: &str) -> Option<&'a str> {
    values.get(name).and_then(|v| v.last()).map(String::as_str)
}

fn number<T: std::str::FromStr>(values: &Values, name: &str) -> Result<Option<T>, String> {
    one(values, name)
        .map(|v| {
            v.trim()
                .parse::<T>()
                .map_err(|_| format!("`--{name}`: `{v}` is not a valid number"))
        })
        .transpose()
}

fn switch_on(values: &Values, name: &str) -> Result<bool, String> {
    match one(values, name) {
        None => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => Err(format!("`--{name}`: `{other}` is not a boolean")),
    }
}

fn list(values: &Values, name: &str) -> Vec<String> {
    one(values, name)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn pairs(values: &Values, name: &str) -> Result<BTreeMap<String, u32>, String> {
    let mut map = BTreeMap::new();
    for entry in values.get(name).into_iter().flatten() {
        let (number, code) = entry
            .split_once('=')
            .ok_or_else(|| format!("`--{name}`: expected NUMBER=CODE, got `{entry}`"))?;
        let code = code
            .trim()
            .parse()
            .map_err(|_| format!("`--{name}`: `{code}` is not an error code"))?;
        map.insert(number.trim().to_string(), code);
    }
    Ok(map)
}

fn serve_args(values: &Values) -> Result<ServeArgs, String> {
    let mut config = SimulatorConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 9090)),
        ..SimulatorConfig::default()
    };
    if let Some(listen) = one(values, "listen") {
        config.listen = listen
            .parse()
            .map_err(|_| format!("`--listen`: `{listen}` is not an address like 127.0.0.1:9090"))?;
    }
    let text = |name: &str, target: &mut String| {
        if let Some(value) = one(values, name) {
            *target = value.to_string();
        }
    };
    text("access-token", &mut config.access_token);
    text("app-secret", &mut config.app_secret);
    text("waba-id", &mut config.waba_id);
    text("display-phone-number", &mut config.display_phone_number);
    text("phone-number-id", &mut config.default_phone_number_id);
    if let Some(seed) = number(values, "seed")? {
        config.seed = seed;
    }

    let b = &mut config.behaviour;
    b.webhook_url = one(values, "webhook-url").map(str::to_string);
    b.phone_number_ids = list(values, "phone-number-ids");
    b.known_templates = list(values, "known-templates");

    let limits = &mut b.rate_limits;
    if let Some(mps) = number(values, "mps")? {
        limits.throughput.mps = mps;
    }
    limits.throughput.enabled = !switch_on(values, "no-mps")?;
    if let Some(burst) = number(values, "pair-rate-burst")? {
        limits.pair.burst = burst;
    }
    if let Some(interval) = number(values, "pair-rate-interval-ms")? {
        limits.pair.interval_ms = interval;
    }
    limits.pair.enabled = !switch_on(values, "no-pair-rate")?;

    let faults = &mut b.faults;
    if let Some(rate) = number(values, "error-rate")? {
        faults.server_error_rate = rate;
    }
    if values.contains_key("error-codes") {
        faults.server_error_codes = list(values, "error-codes")
            .iter()
            .map(|c| {
                c.parse()
                    .map_err(|_| format!("`--error-codes`: `{c}` is not a code"))
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(rate) = number(values, "timeout-rate")? {
        faults.timeout_rate = rate;
    }
    if let Some(ms) = number(values, "timeout-ms")? {
        faults.timeout_ms = ms;
    }
    for entry in values.get("force-next").into_iter().flatten() {
        let (code, count) = entry.split_once(':').unwrap_or((entry, "1"));
        let parse = |v: &str| v.trim().parse::<u32>();
        match (parse(code), parse(count)) {
            (Ok(code), Ok(count)) => faults.force_next.push(ForcedError { code, count }),
            _ => {
                return Err(format!(
                    "`--force-next`: expected CODE[:COUNT], got `{entry}`"
                ))
            }
        }
    }
    faults.recipient_errors = pairs(values, "recipient-error")?;

    let recipients = &mut b.recipients;
    recipients.not_on_whatsapp = list(values, "not-on-whatsapp");
    recipients.window_closed = list(values, "window-closed");
    recipients.failed_status = pairs(values, "fail-status")?;
    recipients.undeliverable = match one(values, "undeliverable") {
        None | Some("async") => Undeliverable::Async,
        Some("sync") => Undeliverable::Sync,
        Some(other) => {
            return Err(format!(
                "`--undeliverable`: expected sync or async, got `{other}`"
            ))
        }
    };

    let hooks = &mut b.webhooks;
    if let Some(delays) = one(values, "status-delays-ms") {
        let ms: Vec<u64> = delays
            .split(',')
            .map(|d| d.trim().parse())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("`--status-delays-ms`: expected three numbers, got `{delays}`"))?;
        hooks.status_delays_ms = match ms.as_slice() {
            [all] => StatusDelays::all(*all),
            [sent, delivered, read] => StatusDelays {
                sent: *sent,
                delivered: *delivered,
                read: *read,
            },
            _ => {
                return Err(format!(
                    "`--status-delays-ms`: expected 1 or 3 numbers, got `{delays}`"
                ))
            }
        };
    }
    hooks.final_status = match one(values, "final-status") {
        None | Some("read") => FinalStatus::Read,
        Some("delivered") => FinalStatus::Delivered,
        Some("sent") => FinalStatus::Sent,
        Some("none") => FinalStatus::None,
        Some(other) => return Err(format!("`--final-status`: unknown status `{other}`")),
    };
    if let Some(n) = number(values, "webhook-attempts")? {
        hooks.max_attempts = n;
    }
    if let Some(ms) = number(values, "webhook-backoff-ms")? {
        hooks.retry_backoff_ms = ms;
    }
    if let Some(ms) = number(values, "webhook-timeout-ms")? {
        hooks.request_timeout_ms = ms;
    }
    hooks.escape_non_ascii = !switch_on(values, "raw-unicode")?;

    config.behaviour.validate()?;
    let json_logs = match one(values, "log-format") {
        None | Some("text") => false,
        Some("json") => true,
        Some(other) => {
            return Err(format!(
                "`--log-format`: expected text or json, got `{other}`"
            ))
        }
    };
    Ok(ServeArgs { config, json_logs })
}

fn inbound_args(values: &Values) -> Result<InboundArgs, String> {
    let defaults = SimulatorConfig::default();
    let get = |name: &str, default: &str| one(values, name).unwrap_or(default).to_string();
    let webhook_url = one(values, "webhook-url")
        .ok_or("`--webhook-url` is required")?
        .to_string();
    let from = one(values, "from")
        .ok_or("`--from` is required")?
        .to_string();
    let mut request = InboundRequest {
        from,
        name: one(values, "name").map(str::to_string),
        text: one(values, "text").map(str::to_string),
        kind: one(values, "type").map(str::to_string),
        wamid: one(values, "wamid").map(str::to_string),
        ..InboundRequest::default()
    };
    if let Some(payload) = one(values, "payload") {
        let kind = request.kind.clone().ok_or("`--payload` needs `--type`")?;
        let value = serde_json::from_str(payload).map_err(|e| format!("`--payload`: {e}"))?;
        request.payload.insert(kind, value);
    }
    Ok(InboundArgs {
        webhook_url,
        app_secret: get("app-secret", &defaults.app_secret),
        waba_id: get("waba-id", &defaults.waba_id),
        display_phone_number: get("display-phone-number", &defaults.display_phone_number),
        phone_number_id: get("phone-number-id", &defaults.default_phone_number_id),
        request,
        attempts: number(values, "webhook-attempts")?.unwrap_or(5),
        backoff_ms: number(values, "webhook-backoff-ms")?.unwrap_or(500),
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
