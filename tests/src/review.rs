//! The integration review (`make doctor`'s code, `review::aws`) on this
//! world's stack in moto and a Graph API simulator.

use graph_simulator::RunningSimulator;
use retention::{Settings, Sweeper};
use review::config::Config;
use review::Reviewer;
use shared::adapters::dynamo::DynamoStore;
use shared::domain::review::ReviewSettings;
use shared::ports::SystemClock;

use crate::world::{sdk_config_at, World};
use crate::PHONE_NUMBER_ID;

pub type LocalReviewer = Reviewer<review::aws::Aws>;

/// Moto's SNS query API, for the alarm topic the template creates when
/// AlarmEmail is set. Moto routes by the credential scope's service and
/// does not check the signature.
async fn sns(endpoint: &str, form: &str) -> String {
    reqwest::Client::new()
        .post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20261202/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(form.to_owned())
        .send()
        .await
        .expect("moto answers")
        .text()
        .await
        .expect("a body")
}

impl World {
    fn endpoint() -> String {
        std::env::var("JUM_TEST_ENDPOINT_URL").expect("run through `make test`")
    }

    /// The review as `make doctor` builds it, on this stack and `sim`,
    /// reading the stack's DLQs, table, secret and (if any) alarm topic.
    pub async fn reviewer(&self, sim: &RunningSimulator, alarm_topic_arn: &str) -> LocalReviewer {
        let sdk = sdk_config_at(&Self::endpoint(), None).await;
        let config = Config {
            table_name: self.table.clone(),
            secret_id: self.secret_id.clone(),
            events: self.event_bus_config(),
            graph_base_url: sim.base_url(),
            graph_version: "v24.0".into(),
            waba_ids: Vec::new(),
            phone_number_ids: vec![PHONE_NUMBER_ID.into()],
            dead_letter_queue_urls: vec![self.dlq_url.clone(), self.outbound_dlq_url.clone()],
            alarm_topic_arn: alarm_topic_arn.into(),
            run_retention_days: 30,
            template_sync_minutes: 60,
            settings: ReviewSettings {
                webhook_url: sim.behaviour().webhook_url,
                ..ReviewSettings::default()
            },
        };
        review::aws::reviewer(&sdk, config).expect("the review is built")
    }

    /// An alarm topic with one (moto: confirmed) e-mail subscription.
    pub async fn alarm_topic(&self) -> String {
        let endpoint = Self::endpoint();
        let name = format!("{}-alarms", self.stack_name);
        let created = sns(&endpoint, &format!("Action=CreateTopic&Name={name}")).await;
        let arn = created
            .split("<TopicArn>")
            .nth(1)
            .and_then(|t| t.split("</TopicArn>").next())
            .expect("CreateTopic answers a TopicArn")
            .to_owned();
        sns(
            &endpoint,
            &format!("Action=Subscribe&Protocol=email&Endpoint=ops%40example.com&TopicArn={arn}"),
        )
        .await;
        arn
    }

    /// Replaces fields of the stack's WhatsApp secret.
    pub async fn patch_secret(&self, patch: serde_json::Value) {
        let current = self
            .secrets
            .get_secret_value()
            .secret_id(&self.secret_id)
            .send()
            .await
            .expect("the secret")
            .secret_string
            .expect("a string secret");
        let mut value: serde_json::Value = serde_json::from_str(&current).expect("JSON");
        for (k, v) in patch.as_object().expect("an object") {
            value[k] = v.clone();
        }
        self.secrets
            .put_secret_value()
            .secret_id(&self.secret_id)
            .secret_string(value.to_string())
            .send()
            .await
            .expect("secret updated");
    }

    /// One retention run, so the sweep's state records when it ran.
    pub async fn sweep_once(&self) {
        let store = DynamoStore::new(self.ddb.clone(), &self.table);
        Sweeper {
            sweep: store.clone(),
            receipts: store.clone(),
            eraser: store,
            clock: SystemClock,
            media: self.media_bucket(),
            settings: Settings::default(),
        }
        .run()
        .await
        .expect("the sweep runs");
    }
}
