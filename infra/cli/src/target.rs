//! Which stack `jum` talks to: the local one `make dev` runs (moto, the
//! default) or a deployed one (`--stack NAME`, its CloudFormation outputs).
//! Both come down to the same names, so every subcommand is written once.

use aws_config::BehaviorVersion;

use crate::error::CliError;

/// The resources of one stack that the subcommands use.
#[derive(Debug, Clone)]
pub struct Stack {
    pub name: String,
    pub local: bool,
    pub outbound_url: String,
    pub inbound_url: String,
    pub media_url: String,
    pub events_url: String,
    pub event_bus: String,
    pub table: String,
    pub bucket: String,
    /// Where Meta posts, and the contacts API (`jum stack` shows them).
    pub webhook_url: Option<String>,
    pub contacts_url: Option<String>,
    /// The WhatsApp credentials' and the hashing key's secret names.
    pub secrets: Vec<String>,
    /// The scheduled review (deployed only: its environment is doctor's).
    pub review_function: Option<String>,
    /// `AuditRetentionDays`: how long an audit record jum writes is kept.
    pub audit_retention_days: u32,
    /// Each dead-letter queue, by the name `jum dlq --queue` takes, with
    /// its source queue (what a redrive moves back to).
    pub dead_letters: Vec<DeadLetters>,
}

#[derive(Debug, Clone)]
pub struct DeadLetters {
    pub name: &'static str,
    pub url: String,
    pub source_url: Option<String>,
}

/// How to reach AWS: `--endpoint-url` (moto) or the SDK's own resolution.
pub struct Where<'a> {
    pub stack: Option<&'a str>,
    pub local_stack: &'a str,
    pub endpoint_url: Option<&'a str>,
}

/// template.yaml's `AuditRetentionDays` default (the local stack's value).
const AUDIT_RETENTION_DAYS: u32 = 30;

/// The local stack's endpoint when none is given (`make dev`'s moto).
pub const LOCAL_ENDPOINT: &str = "http://127.0.0.1:5000";

pub async fn sdk(w: &Where<'_>) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    let local = w.stack.is_none();
    if let Some(url) = w.endpoint_url.or(local.then_some(LOCAL_ENDPOINT)) {
        loader = loader.endpoint_url(url);
    }
    if local {
        // moto takes any credentials; a machine without AWS set up still works.
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            loader = loader.credentials_provider(aws_sdk_sqs::config::Credentials::new(
                "testing",
                "testing",
                None,
                None,
                "jum-local",
            ));
        }
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            loader = loader.region(aws_config::Region::new("us-east-1"));
        }
    }
    loader.load().await
}

pub async fn resolve(w: &Where<'_>, sdk: &aws_config::SdkConfig) -> Result<Stack, CliError> {
    match w.stack {
        Some(name) => deployed(name, sdk).await,
        None => local(w.local_stack, sdk).await,
    }
}

/// The local stack: its names follow template.yaml's (`${AWS::StackName}-outbound`, …).
async fn local(name: &str, sdk: &aws_config::SdkConfig) -> Result<Stack, CliError> {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let url = |suffix: &'static str| {
        let sqs = sqs.clone();
        let queue = format!("{name}-{suffix}");
        async move {
            match sqs.get_queue_url().queue_name(&queue).send().await {
                Ok(out) => Ok(out.queue_url.unwrap_or_default()),
                Err(e) if e.as_service_error().is_some_and(|s| s.is_queue_does_not_exist()) => {
                    Err(CliError::not_found(
                        format!("the local stack {name:?} has no queue {queue}"),
                        "start it with `make dev`, or name a deployed one with --stack NAME",
                    ))
                }
                Err(e) => Err(CliError::Aws {
                    message: format!("the local stack is not reachable: {}", aws_sdk_sqs::error::DisplayErrorContext(e)),
                    hint: Some("start it with `make dev` (or pass --endpoint-url), or name a deployed stack with --stack NAME".into()),
                }),
            }
        }
    };
    let (inbound, outbound, media) = (
        url("inbound").await?,
        url("outbound").await?,
        url("media").await?,
    );
    Ok(Stack {
        name: name.into(),
        local: true,
        dead_letters: dead_letters(
            [
                url("inbound-dlq").await?,
                url("outbound-dlq").await?,
                url("media-dlq").await?,
                url("events-delivery-dlq").await?,
            ],
            [&inbound, &outbound, &media],
        ),
        inbound_url: inbound,
        outbound_url: outbound,
        media_url: media,
        events_url: url("events").await?,
        event_bus: format!("{name}-events"),
        table: format!("{name}-data"),
        bucket: format!("{name}-mediabucket"),
        // dev.sh's ports (JUM_LAMBDA_PORT, JUM_CONTACTS_PORT) and names.
        webhook_url: Some(local_url("JUM_LAMBDA_PORT", 9000, "/lambda-url/webhook/")),
        contacts_url: Some(local_url("JUM_CONTACTS_PORT", 9001, "/contacts")),
        secrets: vec![format!("{name}/whatsapp"), format!("{name}/hashing")],
        review_function: None,
        audit_retention_days: AUDIT_RETENTION_DAYS,
    })
}

/// A service `make dev` runs on loopback, on the port dev.sh reads from `env`.
pub fn local_url(env: &str, default_port: u16, path: &str) -> String {
    let port = std::env::var(env)
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(default_port);
    format!("http://127.0.0.1:{port}{path}")
}

/// A deployed stack as CloudFormation describes it.
async fn describe(
    name: &str,
    sdk: &aws_config::SdkConfig,
) -> Result<aws_sdk_cloudformation::types::Stack, CliError> {
    let cfn = aws_sdk_cloudformation::Client::new(sdk);
    let described = cfn
        .describe_stacks()
        .stack_name(name)
        .send()
        .await
        .map_err(|e| {
            let missing = e.as_service_error().is_some_and(|s| {
                s.meta()
                    .message()
                    .is_some_and(|m| m.contains("does not exist"))
            });
            if missing {
                CliError::not_found(
                    format!("no stack {name:?} in this account and region"),
                    "check --stack, AWS_REGION and AWS_PROFILE",
                )
            } else {
                CliError::aws("CloudFormation DescribeStacks", e)
            }
        })?;
    described.stacks().first().cloned().ok_or_else(|| {
        CliError::not_found(
            format!("no stack {name:?} in this account and region"),
            "check --stack, AWS_REGION and AWS_PROFILE",
        )
    })
}

async fn outputs(
    name: &str,
    sdk: &aws_config::SdkConfig,
) -> Result<Vec<(String, String)>, CliError> {
    Ok(outputs_of(&describe(name, sdk).await?))
}

/// A described stack's outputs (template.yaml `Outputs`), key and value.
fn outputs_of(stack: &aws_sdk_cloudformation::types::Stack) -> Vec<(String, String)> {
    stack
        .outputs()
        .iter()
        .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
        .collect()
}

fn output(name: &str, outputs: &[(String, String)], key: &str) -> Result<String, CliError> {
    outputs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            CliError::not_found(
                format!("stack {name:?} has no output {key}"),
                "is it a John's Umbrella Mart stack, deployed from this version's template.yaml?",
            )
        })
}

/// The contacts API's base URL: `--contacts-url`, else the deployed
/// stack's `ContactsApiUrl` output, else the local gateway `make dev` runs
/// (infra/local/contacts_gateway.py on JUM_CONTACTS_PORT, default 9001).
pub async fn contacts_url(
    w: &Where<'_>,
    given: Option<&str>,
    sdk: &aws_config::SdkConfig,
) -> Result<String, CliError> {
    if let Some(url) = given {
        return Ok(url.to_owned());
    }
    match w.stack {
        Some(name) => deployed_output(name, sdk, "ContactsApiUrl").await,
        None => Ok(local_url("JUM_CONTACTS_PORT", 9001, "/contacts")),
    }
}

/// One output of a deployed stack (for a subcommand that needs one URL,
/// not the queues `resolve` looks up: webhook, contacts, doctor).
pub async fn deployed_output(
    name: &str,
    sdk: &aws_config::SdkConfig,
    key: &str,
) -> Result<String, CliError> {
    output(name, &outputs(name, sdk).await?, key)
}

/// A deployed stack: its CloudFormation outputs.
async fn deployed(name: &str, sdk: &aws_config::SdkConfig) -> Result<Stack, CliError> {
    // One DescribeStacks: its outputs and parameters are all a command needs.
    let described = describe(name, sdk).await?;
    let outputs = outputs_of(&described);
    let parameter = |key: &str| {
        described
            .parameters()
            .iter()
            .find(|p| p.parameter_key() == Some(key))
            .and_then(|p| p.parameter_value())
            .and_then(|v| v.parse().ok())
    };
    let get = |key: &str| output(name, &outputs, key);
    let inbound = get("InboundQueueUrl")?;
    let outbound = get("OutboundQueueUrl")?;
    let media = get("MediaQueueUrl")?;
    Ok(Stack {
        name: name.into(),
        local: false,
        dead_letters: dead_letters(
            [
                get("InboundDeadLetterQueueUrl")?,
                get("OutboundDeadLetterQueueUrl")?,
                get("MediaDeadLetterQueueUrl")?,
                get("EventsDeliveryDeadLetterQueueUrl")?,
            ],
            [&inbound, &outbound, &media],
        ),
        inbound_url: inbound,
        outbound_url: outbound,
        media_url: media,
        events_url: get("EventsQueueUrl")?,
        event_bus: get("EventBusName")?,
        table: get("DataTableName")?,
        bucket: get("MediaBucketName")?,
        webhook_url: get("WebhookUrl").ok(),
        contacts_url: get("ContactsApiUrl").ok(),
        review_function: get("ReviewFunctionName").ok(),
        audit_retention_days: parameter("AuditRetentionDays").unwrap_or(AUDIT_RETENTION_DAYS),
        secrets: ["SecretName", "HashingSecretName"]
            .into_iter()
            .filter_map(|k| get(k).ok())
            .collect(),
    })
}

/// The stack's dead-letter queues (inbound, outbound, media, the bus's
/// events delivery DLQ), each with the queue it parks records from; the
/// bus's has none.
fn dead_letters(urls: [String; 4], sources: [&String; 3]) -> Vec<DeadLetters> {
    let [inbound, outbound, media, events] = urls;
    let [from_inbound, from_outbound, from_media] = sources.map(|s| Some(s.clone()));
    vec![
        DeadLetters {
            name: "inbound",
            url: inbound,
            source_url: from_inbound,
        },
        DeadLetters {
            name: "outbound",
            url: outbound,
            source_url: from_outbound,
        },
        DeadLetters {
            name: "media",
            url: media,
            source_url: from_media,
        },
        DeadLetters {
            name: "events",
            url: events,
            source_url: None,
        },
    ]
}
