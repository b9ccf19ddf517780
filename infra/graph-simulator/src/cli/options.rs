//! The option table: the parser reads it, `--help` prints it.

use std::fmt::Write as _;

pub const ENV_PREFIX: &str = "GRAPH_SIM_";

pub struct Opt {
    pub name: &'static str,
    /// `None` for switches.
    pub value: Option<&'static str>,
    pub help: &'static str,
    pub repeatable: bool,
}

const fn opt(name: &'static str, value: &'static str, help: &'static str) -> Opt {
    Opt {
        name,
        value: Some(value),
        help,
        repeatable: false,
    }
}

const fn many(name: &'static str, value: &'static str, help: &'static str) -> Opt {
    Opt {
        name,
        value: Some(value),
        help,
        repeatable: true,
    }
}

const fn switch(name: &'static str, help: &'static str) -> Opt {
    Opt {
        name,
        value: None,
        help,
        repeatable: false,
    }
}

pub const SERVE_OPTIONS: &[Opt] = &[
    opt(
        "listen",
        "ADDR",
        "Address to listen on [default: 127.0.0.1:9090]",
    ),
    opt(
        "access-token",
        "TOKEN",
        "Expected Bearer token [default: sim-access-token]",
    ),
    opt(
        "app-secret",
        "SECRET",
        "HMAC key for X-Hub-Signature-256 on webhooks [default: sim-app-secret]",
    ),
    opt(
        "webhook-url",
        "URL",
        "Where to post status and inbound webhooks [default: none, loop off]",
    ),
    opt(
        "waba-id",
        "ID",
        "entry[].id of webhooks [default: 102290129340398]",
    ),
    opt(
        "display-phone-number",
        "NUMBER",
        "metadata.display_phone_number [default: 15550783881]",
    ),
    opt(
        "phone-number-id",
        "ID",
        "phone_number_id of injected inbound messages [default: 106540352242922]",
    ),
    opt(
        "phone-number-ids",
        "LIST",
        "Comma-separated ids that exist; others get 100/33 [default: any]",
    ),
    opt(
        "known-templates",
        "LIST",
        "Comma-separated approved template names; others get 132001 [default: any]",
    ),
    opt(
        "mps",
        "N",
        "Messages per second per phone_number_id before 130429 [default: 80]",
    ),
    switch("no-mps", "Disable the throughput limit"),
    opt(
        "pair-rate-burst",
        "N",
        "Messages to one recipient in a burst before 131056 [default: 45]",
    ),
    opt(
        "pair-rate-interval-ms",
        "MS",
        "One more message per recipient every MS [default: 6000]",
    ),
    switch("no-pair-rate", "Disable the pair rate limit"),
    opt(
        "error-rate",
        "SHARE",
        "Share 0.0-1.0 of requests answered with a server error [default: 0]",
    ),
    opt(
        "error-codes",
        "LIST",
        "Codes drawn for those errors [default: 1,2,131000,131016]",
    ),
    opt(
        "timeout-rate",
        "SHARE",
        "Share 0.0-1.0 of requests held before answering [default: 0]",
    ),
    opt(
        "timeout-ms",
        "MS",
        "How long a held request is held [default: 10000]",
    ),
    many(
        "force-next",
        "CODE[:COUNT]",
        "Answer the next COUNT (default 1) requests with CODE; repeatable",
    ),
    many(
        "recipient-error",
        "NUMBER=CODE",
        "Always answer sends to NUMBER with CODE; repeatable",
    ),
    opt(
        "not-on-whatsapp",
        "LIST",
        "Comma-separated numbers that get 131026",
    ),
    opt(
        "undeliverable",
        "sync|async",
        "131026 as the HTTP answer or as a failed status [default: async]",
    ),
    opt(
        "window-closed",
        "LIST",
        "Comma-separated numbers whose 24 h window is closed (131047)",
    ),
    many(
        "fail-status",
        "NUMBER=CODE",
        "Accept sends to NUMBER but post a failed status with CODE; repeatable",
    ),
    opt(
        "status-delays-ms",
        "S,D,R",
        "Delays before sent, delivered, read (each after the previous) [default: 200,500,1000]",
    ),
    opt(
        "final-status",
        "none|sent|delivered|read",
        "Last status posted for a send [default: read]",
    ),
    opt(
        "webhook-attempts",
        "N",
        "Attempts per webhook until HTTP 200 [default: 5]",
    ),
    opt(
        "webhook-backoff-ms",
        "MS",
        "Retry pause after the immediate retry, doubling [default: 500]",
    ),
    opt(
        "webhook-timeout-ms",
        "MS",
        "Timeout of one webhook POST [default: 5000]",
    ),
    switch(
        "raw-unicode",
        "Send non-ASCII as UTF-8 instead of Meta's \\uXXXX escapes",
    ),
    opt(
        "seed",
        "N",
        "Seed of fault decisions, for reproducible runs [default: 1]",
    ),
    opt(
        "log-format",
        "text|json",
        "Log format on stderr; level via RUST_LOG [default: text]",
    ),
];

pub const INBOUND_OPTIONS: &[Opt] = &[
    opt(
        "webhook-url",
        "URL",
        "Webhook endpoint to post to (required)",
    ),
    opt(
        "app-secret",
        "SECRET",
        "HMAC key for X-Hub-Signature-256 [default: sim-app-secret]",
    ),
    opt("from", "NUMBER", "Customer phone number (required)"),
    opt("text", "TEXT", "Text message body"),
    opt(
        "name",
        "NAME",
        "Customer profile name [default: Simulated Customer]",
    ),
    opt(
        "type",
        "TYPE",
        "Message type when not text; needs --payload",
    ),
    opt(
        "payload",
        "JSON",
        "The object named by --type, e.g. '{\"id\":\"1\",\"mime_type\":\"image/jpeg\"}'",
    ),
    opt(
        "wamid",
        "ID",
        "Message id to use (to test duplicates) [default: fresh]",
    ),
    opt("waba-id", "ID", "entry[].id [default: 102290129340398]"),
    opt(
        "display-phone-number",
        "NUMBER",
        "metadata.display_phone_number [default: 15550783881]",
    ),
    opt(
        "phone-number-id",
        "ID",
        "metadata.phone_number_id [default: 106540352242922]",
    ),
    opt(
        "webhook-attempts",
        "N",
        "Attempts until HTTP 200 [default: 5]",
    ),
    opt(
        "webhook-backoff-ms",
        "MS",
        "Retry pause after the immediate retry, doubling [default: 500]",
    ),
];

pub fn env_name(option: &str) -> String {
    format!("{ENV_PREFIX}{}", option.to_uppercase().replace('-', "_"))
}

pub fn help(sub: &str) -> String {
    let (usage, about, options) = match sub {
        "inbound" => (
            "graph-simulator inbound --webhook-url URL --from NUMBER (--text TEXT | --type TYPE --payload JSON) [OPTIONS]",
            "Posts one signed inbound-message webhook (as Meta would) and prints its wamid.\nExit status 0 when the endpoint answered HTTP 200.",
            INBOUND_OPTIONS,
        ),
        _ => (
            "graph-simulator [serve] [OPTIONS]\n       graph-simulator inbound --help",
            "Simulates the WhatsApp Cloud API: POST /{version}/{phone_number_id}/messages,\nwith signed status webhooks, rate limits and fault injection.\nControl endpoints under /_sim (see README.md): requests, stats, config, inbound, webhooks, reset.",
            SERVE_OPTIONS,
        ),
    };
    let mut out = format!("{about}\n\nUsage: {usage}\n\nOptions:\n");
    for opt in options {
        let flag = match opt.value {
            Some(value) => format!("--{} {value}", opt.name),
            None => format!("--{}", opt.name),
        };
        if flag.len() >= 36 {
            let _ = writeln!(out, "  {flag}\n  {:<36} {}", "", opt.help);
        } else {
            let _ = writeln!(out, "  {flag:<36} {}", opt.help);
        }
        let _ = writeln!(out, "  {:<36} env: {}", "", env_name(opt.name));
    }
    out.push_str("  -h, --help                           Print this help\n");
    out
}
