//! `jum send`: one outbound command, built from flags, checked by the
//! sender's own parser (the same error text the sender would record), then
//! put on the outbound queue.

use clap::Args;
use serde_json::{json, Value};

use crate::error::CliError;
use crate::output;
use crate::send_image::ImageSource;
use crate::target::Stack;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("content").required(true).args(["text", "template", "image", "file"])))]
pub struct SendArgs {
    /// The recipient, in international format (+16505551234 or 16505551234).
    #[arg(long, required_unless_present = "file")]
    pub to: Option<String>,
    /// A free-form text (needs the customer's open 24-hour window).
    #[arg(long)]
    pub text: Option<String>,
    /// An approved template's name (allowed any time).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// An image: s3://BUCKET/KEY, an https:// link, or a local JPEG/PNG
    /// file (put in the stack's bucket under outbound/jum/ first). Free-form,
    /// so it needs the customer's open 24-hour window.
    #[arg(long, value_name = "SRC")]
    pub image: Option<String>,
    /// The image's caption (at most 1024 characters).
    #[arg(long, requires = "image")]
    pub caption: Option<String>,
    /// The template's language code.
    #[arg(long, default_value = "en_US")]
    pub lang: String,
    /// A body parameter of the template, in order; repeat for each.
    #[arg(long = "param", value_name = "TEXT", conflicts_with_all = ["text", "file"])]
    pub params: Vec<String>,
    /// A whole command as JSON (docs/contracts/outbound-command.schema.json).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["to", "text", "template", "image"])]
    pub file: Option<std::path::PathBuf>,
    /// The message category: utility, marketing, authentication or service.
    #[arg(long)]
    pub category: Option<String>,
    /// The idempotency key (default: a fresh one); reusing one never sends twice.
    #[arg(long)]
    pub key: Option<String>,
    /// The business number to send from (default: the stack's DEFAULT_PHONE_NUMBER_ID).
    #[arg(long, value_name = "ID")]
    pub phone_number_id: Option<String>,
    /// Follow it to its outcome: exit 0 once sent (after read, or the
    /// timeout), 4 if rejected, suppressed or failed, 3 if nothing happened.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait follows it, in seconds.
    #[arg(long, default_value_t = 120, requires = "wait", value_name = "SECONDS")]
    pub timeout: u64,
}

/// A command checked as the sender checks it, and the file it needs in
/// the stack's bucket first (`--image FILE`).
pub struct Prepared {
    pub command: Value,
    pub image: Option<ImageSource>,
}

impl SendArgs {
    /// The command as JSON, checked as the sender checks it.
    pub fn command(&self) -> Result<Prepared, CliError> {
        let image = self.image.as_deref().map(ImageSource::parse).transpose()?;
        let command = match &self.file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    CliError::not_found(
                        format!("cannot read {}: {e}", path.display()),
                        "give a JSON file",
                    )
                })?;
                serde_json::from_str(&text).map_err(|e| {
                    CliError::refused(
                        format!("{}: not JSON: {e}", path.display()),
                        "see docs/contracts/outbound-command.schema.json",
                    )
                })?
            }
            None => self.built(image.as_ref()),
        };
        shared::domain::outbound::parse_command(&command.to_string()).map_err(|e| {
            CliError::refused(
                format!("the sender would reject this command: {e}"),
                "see docs/contracts/outbound-command.schema.json and docs/sending.md",
            )
        })?;
        Ok(Prepared { command, image })
    }

    fn built(&self, image: Option<&ImageSource>) -> Value {
        let (message, category) = match (&self.text, &self.template) {
            (Some(body), _) => (json!({"type": "text", "text": {"body": body}}), "service"),
            (None, None) if image.is_some() => {
                let mut object = image.map(ImageSource::reference).unwrap_or_default();
                if let Some(c) = &self.caption {
                    object["caption"] = json!(c);
                }
                (json!({"type": "image", "image": object}), "service")
            }
            (None, Some(name)) => {
                let mut template = json!({"name": name, "language": {"code": self.lang}});
                if !self.params.is_empty() {
                    let parameters: Vec<Value> = self
                        .params
                        .iter()
                        .map(|p| json!({"type": "text", "text": p}))
                        .collect();
                    template["components"] = json!([{"type": "body", "parameters": parameters}]);
                }
                (json!({"type": "template", "template": template}), "utility")
            }
            (None, None) => unreachable!("clap requires --text, --template, --image or --file"),
        };
        let key = self.key.clone().unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            format!("jum-{}-{}", now.as_millis(), std::process::id())
        });
        let mut command = json!({
            "idempotency_key": key,
            "to": self.to,
            "category": self.category.as_deref().unwrap_or(category),
            "message": message,
        });
        if let Some(id) = &self.phone_number_id {
            command["phone_number_id"] = json!(id);
        }
        command
    }
}

pub async fn send(
    sdk: &aws_config::SdkConfig,
    s: &Stack,
    args: &SendArgs,
    prepared: Prepared,
    as_json: bool,
) -> Result<(), CliError> {
    if let Some(image) = &prepared.image {
        image.upload(sdk, s).await?;
    }
    let command = prepared.command;
    // Subscribed before the command is queued: no outcome can be missed.
    let tail = match args.wait {
        true => Some(crate::events::Tail::create(sdk, s, &crate::wait::pattern()).await?),
        false => None,
    };
    let queued = queue(&aws_sdk_sqs::Client::new(sdk), s, &command, as_json).await;
    let outcome = match (&tail, queued) {
        (Some(t), Ok(())) => {
            let key = command["idempotency_key"].as_str().unwrap_or_default();
            let timeout = std::time::Duration::from_secs(args.timeout);
            crate::wait::follow(t, key, timeout, as_json).await
        }
        (_, queued) => queued,
    };
    if let Some(t) = tail {
        t.remove().await;
    }
    outcome
}

async fn queue(
    sqs: &aws_sdk_sqs::Client,
    s: &Stack,
    command: &Value,
    as_json: bool,
) -> Result<(), CliError> {
    let sent = sqs
        .send_message()
        .queue_url(&s.outbound_url)
        .message_body(command.to_string())
        .send()
        .await
        .map_err(|e| CliError::aws("SQS SendMessage", e))?;
    let key = command["idempotency_key"].as_str().unwrap_or_default();
    let to = command["to"]
        .as_str()
        .map(shared::domain::ids::mask)
        .unwrap_or_default();
    if as_json {
        output::json(
            &json!({"queued": true, "idempotency_key": key, "to": to, "message_id": sent.message_id()}),
        );
    } else {
        println!(
            "queued {key} to {to} on {} (the sender takes it from there)",
            s.name
        );
    }
    Ok(())
}
