//! `jum stack` on a deployed stack: found by its CloudFormation outputs in
//! moto, with its endpoints, secrets' names and alarms in alarm.

mod common;

use common::{deployed_stack, jum_with, moto};
use integration_tests::World;
use serde_json::Value;

/// moto's CloudWatch query API (it routes by the credential scope's
/// service and does not check the signature).
async fn cloudwatch(form: &str) {
    let status = reqwest::Client::new()
        .post(moto())
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20261203/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(format!("{form}&Version=2010-08-01"))
        .send()
        .await
        .expect("moto answers")
        .status();
    assert!(status.is_success(), "{form}: {status}");
}

/// `--stack NAME` reads a deployed stack's CloudFormation outputs: a stack
/// in moto whose outputs name the world's resources.
#[tokio::test]
async fn a_deployed_stack_is_found_by_its_cloudformation_outputs() {
    let world = World::new().await;
    let outputs = [
        ("InboundQueueUrl", world.inbound_url.clone()),
        ("OutboundQueueUrl", world.outbound_url.clone()),
        ("MediaQueueUrl", world.media_url.clone()),
        ("InboundDeadLetterQueueUrl", world.dlq_url.clone()),
        ("OutboundDeadLetterQueueUrl", world.outbound_dlq_url.clone()),
        ("MediaDeadLetterQueueUrl", world.media_dlq_url.clone()),
        ("EventsDeliveryDeadLetterQueueUrl", world.dlq_url.clone()),
        ("EventsQueueUrl", world.events_url.clone()),
        ("EventBusName", world.event_bus.clone()),
        ("DataTableName", world.table.clone()),
        ("MediaBucketName", world.bucket.clone()),
        (
            "WebhookUrl",
            "https://abc.execute-api.us-east-1.amazonaws.com/webhook".into(),
        ),
        ("SecretName", format!("{}/whatsapp", world.stack_name)),
    ];
    let outputs: Vec<(&str, &str)> = outputs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let name = deployed_stack(&world, "deployed", &outputs).await;
    // One of its alarms fires (CloudFormation names them <stack>-<LogicalId>-<suffix>);
    // another stack's does not count.
    for alarm in [
        format!("{name}-InboundDlqAlarm-X1"),
        format!("{name}x-Other-X2"),
    ] {
        for form in [
            format!("Action=PutMetricAlarm&AlarmName={alarm}&Namespace=AWS%2FSQS&MetricName=ApproximateNumberOfMessagesVisible&Statistic=Maximum&Period=60&EvaluationPeriods=1&Threshold=0&ComparisonOperator=GreaterThanThreshold"),
            format!("Action=SetAlarmState&AlarmName={alarm}&StateValue=ALARM&StateReason=parked"),
        ] {
            cloudwatch(&form).await;
        }
    }
    let ran = jum_with(
        &["--stack", &name, "--endpoint-url", &moto()],
        &["stack", "--json"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let shown: Value = serde_json::from_str(&ran.stdout).expect("JSON");
    assert_eq!(shown["outbound_queue"], world.outbound_url.as_str());
    assert_eq!(shown["table"], world.table.as_str());
    assert_eq!(shown["local"], false);
    assert_eq!(
        shown["webhook_url"],
        "https://abc.execute-api.us-east-1.amazonaws.com/webhook"
    );
    assert!(
        shown["contacts_api_url"].is_null(),
        "an output it lacks is shown as absent"
    );
    assert_eq!(
        shown["secrets"],
        serde_json::json!([format!("{}/whatsapp", world.stack_name)])
    );
    assert_eq!(
        shown["alarms_in_alarm"],
        serde_json::json!([format!("{name}-InboundDlqAlarm-X1")]),
        "{shown}"
    );
    let unknown = jum_with(
        &["--stack", "nobody-deployed-this", "--endpoint-url", &moto()],
        &["stack"],
    );
    assert_eq!(unknown.code, 3, "{}", unknown.stderr);
}

#[tokio::test]
async fn the_local_stack_shows_make_devs_endpoints_and_no_alarm() {
    let world = World::new().await;
    let ran = common::jum(&world, &["stack", "--json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let shown: Value = serde_json::from_str(&ran.stdout).expect("JSON");
    assert_eq!(shown["local"], true);
    assert!(
        shown["webhook_url"]
            .as_str()
            .unwrap()
            .ends_with("/lambda-url/webhook/"),
        "{shown}"
    );
    assert!(
        shown["contacts_api_url"]
            .as_str()
            .unwrap()
            .ends_with("/contacts"),
        "{shown}"
    );
    assert_eq!(
        shown["secrets"],
        serde_json::json!([
            format!("{}/whatsapp", world.stack_name),
            format!("{}/hashing", world.stack_name)
        ])
    );
    assert_eq!(shown["alarms_in_alarm"], serde_json::json!([]), "{shown}");
    let table = common::jum(&world, &["stack"]);
    assert!(table.stdout.contains("alarms in alarm"), "{}", table.stdout);
}
