//! The adapters a deployed review (and `make doctor`) uses: Graph over
//! reqwest with the secret from Secrets Manager, SQS for the DLQs, the data
//! table, SNS (signed) for the alarm topic, the event bus.

use std::time::Duration;

use lambda_runtime::Error;
use shared::adapters::dynamo::DynamoStore;
use shared::adapters::graph::GraphClient;
use shared::adapters::secrets_manager::SecretsManagerFetcher;
use shared::adapters::stack_facts::{SnsSubscribers, SqsDepth};
use shared::ports::SystemClock;
use shared::secrets::CachedSecrets;

use crate::config::Config;
use crate::{ReviewPorts, Reviewer};

pub enum Aws {}

type Secrets = CachedSecrets<SecretsManagerFetcher>;

impl ReviewPorts for Aws {
    type Graph = GraphClient<Secrets>;
    type Queues = SqsDepth;
    type Table = DynamoStore;
    type Alarms = SnsSubscribers;
    type Secrets = Secrets;
    type Events = shared::adapters::eventbridge::EventBus;
    type Clock = SystemClock;
    type Templates = DynamoStore;
    type TemplateSource = GraphClient<Secrets>;
}

/// The review on the AWS clients of `sdk`, as `config` names its resources.
/// Fails only if an HTTP client cannot be built.
pub fn reviewer(sdk: &aws_config::SdkConfig, config: Config) -> Result<Reviewer<Aws>, Error> {
    let secrets_manager = aws_sdk_secretsmanager::Client::new(sdk);
    // One run a day: the secret is read fresh each run.
    let secrets = || {
        CachedSecrets::new(
            SecretsManagerFetcher::new(secrets_manager.clone(), &config.secret_id),
            Duration::from_secs(60),
        )
    };
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name);
    Ok(Reviewer {
        graph: GraphClient::new(&config.graph_base_url, &config.graph_version, secrets())?,
        queues: SqsDepth(sqs.clone()),
        table: store.clone(),
        templates: store,
        template_source: GraphClient::new(
            &config.graph_base_url,
            &config.graph_version,
            secrets(),
        )?,
        alarms: SnsSubscribers::new(sdk.clone())?,
        secrets: secrets(),
        events: shared::adapters::eventbridge::EventBus::from_config(sdk, &config.events),
        clock: SystemClock,
        config,
    })
}
