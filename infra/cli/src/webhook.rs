//! `jum webhook`: Meta's side of the webhook, to try a stack by hand. The
//! GET handshake Meta makes when the webhook is subscribed (`verify`), and
//! POSTs signed exactly as Meta signs them (`send`, `sample-image`): the raw
//! bytes, `Content-Type: application/json`, and `X-Hub-Signature-256:
//! sha256=<hex HMAC-SHA256(app secret, raw bytes)>`.
//!
//! Only HTTP: no queue of the stack is looked up, so the local target needs
//! the functions (`make dev`'s cargo lambda watch) but never moto. A deployed
//! stack is asked for one output, its `WebhookUrl`. This file: the flags,
//! where to and with which secret; the requests are in `webhook_http.rs`.

use std::path::{Path, PathBuf};

use clap::{error::ErrorKind, Args, Subcommand};

use crate::error::CliError;
use crate::target::{self, Where};
use crate::webhook_http::{self as http, Post};

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// The GET handshake (hub.mode=subscribe): exit 0 only if the challenge
    /// comes back.
    Verify(VerifyArgs),
    /// POST payloads signed as Meta signs them; prints each answer.
    Send(SendArgs),
    /// A customer's photo: seeds a JPEG in the Graph API simulator, then
    /// sends the image webhook naming it, dated now (the media function
    /// copies it to the bucket: `media.stored`).
    SampleImage(SampleImageArgs),
}

#[derive(Debug, Args)]
pub struct Endpoint {
    /// The webhook (default: the local one,
    /// http://127.0.0.1:$JUM_LAMBDA_PORT/lambda-url/webhook/, port 9000;
    /// with --stack, the stack's WebhookUrl output).
    #[arg(long, env = "JUM_WEBHOOK_URL", value_name = "URL")]
    url: Option<reqwest::Url>,
    /// How long to wait for each answer.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    timeout: u64,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    endpoint: Endpoint,
    /// hub.verify_token (default: dev-verify-token, the local stack's;
    /// required with --stack).
    #[arg(
        long,
        env = "JUM_VERIFY_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    verify_token: Option<String>,
    /// hub.challenge (default: a fresh number).
    #[arg(long)]
    challenge: Option<String>,
}

/// How each POST is made, for `send` and `sample-image` alike.
#[derive(Debug, Args)]
pub struct Delivery {
    #[command(flatten)]
    endpoint: Endpoint,
    /// The Meta app secret that signs (default: dev-app-secret, the local
    /// stack's; required with --stack). Never printed.
    #[arg(
        long,
        env = "JUM_APP_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    secret: Option<String>,
    /// Post each payload twice, as Meta redelivers (the second is a repeat).
    #[arg(long)]
    twice: bool,
    /// Sign with a wrong secret (the webhook answers 401).
    #[arg(long)]
    bad_signature: bool,
    /// Exit 4 unless every answer has this status (default: any answer is fine).
    #[arg(long, value_name = "STATUS", value_parser = clap::value_parser!(u16).range(100..=599))]
    expect: Option<u16>,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Webhook payloads, JSON as Meta sends it (tests/fixtures/webhooks/), or
    /// `-` for stdin; sent as their raw bytes.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Set every `timestamp` in the payload to now before signing: a
    /// fixture's messages are long past, so the 24-hour window they open is
    /// closed and the connector rightly sends them no free-form auto-reply.
    #[arg(long)]
    now: bool,
    #[command(flatten)]
    delivery: Delivery,
}

#[derive(Debug, Args)]
pub struct SampleImageArgs {
    /// A JPEG to seed (default: 2 KB the simulator makes up).
    #[arg(value_name = "PATH")]
    path: Option<PathBuf>,
    /// The Graph API simulator the stack downloads from (default:
    /// http://127.0.0.1:$JUM_SIMULATOR_PORT, port 9090, `make dev`'s).
    #[arg(long, env = "JUM_SIMULATOR_URL", value_name = "URL")]
    simulator: Option<reqwest::Url>,
    #[command(flatten)]
    delivery: Delivery,
}

/// The local stack's secrets, as `stack.py bootstrap` seeds them.
const DEV_APP_SECRET: &str = "dev-app-secret";
const DEV_VERIFY_TOKEN: &str = "dev-verify-token";

pub async fn run(
    w: &Where<'_>,
    sdk: &aws_config::SdkConfig,
    cmd: WebhookCommand,
    as_json: bool,
) -> Result<(), CliError> {
    match cmd {
        WebhookCommand::Verify(a) => {
            let token = secret::<VerifyArgs>(
                w,
                "verify",
                a.verify_token,
                ("--verify-token", "JUM_VERIFY_TOKEN"),
                DEV_VERIFY_TOKEN,
            );
            let url = webhook_url(w, sdk, &a.endpoint).await?;
            let client = http::client(a.endpoint.timeout)?;
            http::verify(&client, &url, &token, a.challenge, as_json).await
        }
        WebhookCommand::Send(a) => {
            let secret = secret::<SendArgs>(
                w,
                "send",
                a.delivery.secret.clone(),
                ("--secret", "JUM_APP_SECRET"),
                DEV_APP_SECRET,
            );
            // Every file read before the first POST: a typo sends nothing.
            let mut bodies = Vec::new();
            for path in &a.files {
                let raw = read(path)?;
                let raw = match a.now {
                    true => http::dated_now(raw, http::now_secs()),
                    false => raw,
                };
                bodies.push((path.display().to_string(), raw));
            }
            let url = webhook_url(w, sdk, &a.delivery.endpoint).await?;
            let client = http::client(a.delivery.endpoint.timeout)?;
            http::post_all(&client, &a.delivery.post(&url, &secret), bodies, as_json).await
        }
        WebhookCommand::SampleImage(a) => {
            let secret = secret::<SampleImageArgs>(
                w,
                "sample-image",
                a.delivery.secret.clone(),
                ("--secret", "JUM_APP_SECRET"),
                DEV_APP_SECRET,
            );
            let image = a.path.as_deref().map(read).transpose()?;
            let url = webhook_url(w, sdk, &a.delivery.endpoint).await?;
            let client = http::client(a.delivery.endpoint.timeout)?;
            let simulator = match a.simulator.clone() {
                Some(url) => url,
                None => loopback(&target::local_url("JUM_SIMULATOR_PORT", 9090, "/")),
            };
            let body = http::seeded_image_webhook(&client, &simulator, image, as_json).await?;
            let bodies = vec![("sample image".to_owned(), body)];
            http::post_all(&client, &a.delivery.post(&url, &secret), bodies, as_json).await
        }
    }
}

impl Delivery {
    fn post<'a>(&self, url: &'a reqwest::Url, secret: &'a str) -> Post<'a> {
        Post {
            url,
            secret,
            twice: self.twice,
            bad_signature: self.bad_signature,
            expect: self.expect,
        }
    }
}

/// A secret from its flag or environment; locally the dev stack's default.
/// A deployed stack's is never guessed: a usage error (exit 2), before any
/// request, and the message names the flag, never a value.
fn secret<A: Args>(
    w: &Where<'_>,
    subcommand: &str,
    given: Option<String>,
    (flag, env): (&str, &str),
    local: &str,
) -> String {
    match (given.filter(|s| !s.is_empty()), w.stack) {
        (Some(s), _) => s,
        (None, None) => local.to_owned(),
        (None, Some(stack)) => {
            A::augment_args(clap::Command::new("jum").bin_name(format!("jum webhook {subcommand}")))
                .error(
                    ErrorKind::MissingRequiredArgument,
                    format!("the stack {stack:?} has its own secret: give {flag} or set {env}"),
                )
                .exit()
        }
    }
}

/// `--url`, else the stack's `WebhookUrl` output, else the local function
/// URL (cargo lambda watch on JUM_LAMBDA_PORT, as dev.sh starts it).
async fn webhook_url(
    w: &Where<'_>,
    sdk: &aws_config::SdkConfig,
    e: &Endpoint,
) -> Result<reqwest::Url, CliError> {
    match (&e.url, w.stack) {
        (Some(url), _) => Ok(url.clone()),
        (None, Some(stack)) => {
            let url = target::deployed_output(stack, sdk, "WebhookUrl").await?;
            reqwest::Url::parse(&url).map_err(|e| {
                CliError::not_found(
                    format!("the stack {stack:?}'s WebhookUrl is not a URL ({url}): {e}"),
                    "give the webhook's URL with --url",
                )
            })
        }
        (None, None) => Ok(loopback(&target::local_url(
            "JUM_LAMBDA_PORT",
            9000,
            "/lambda-url/webhook/",
        ))),
    }
}

fn loopback(url: &str) -> reqwest::Url {
    reqwest::Url::parse(url).expect("a loopback URL")
}

/// A file's bytes, or stdin's for `-`; not there is exit 3.
fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    let read = match path == Path::new("-") {
        true => {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map(|_| buf)
        }
        false => std::fs::read(path),
    };
    read.map_err(|e| {
        CliError::not_found(
            format!("cannot read {}: {e}", path.display()),
            "give a webhook payload (tests/fixtures/webhooks/ has one of each kind), or - for stdin",
        )
    })
}
