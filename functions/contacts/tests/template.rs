//! The receipt's promises match the stack: what template.yaml deploys is
//! what an erasure receipt says about queues, dead-letter queues and backups.

use serde_norway::Value;
use shared::domain::erasure::{DEAD_LETTER_DAYS, QUEUE_DAYS};

fn template() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml");
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `!Ref Name` as serde_norway reads it.
fn reference(v: &Value) -> Option<String> {
    match v {
        Value::Tagged(t) if t.tag == "!Ref" => t.value.as_str().map(str::to_owned),
        _ => None,
    }
}

#[test]
fn no_queue_keeps_a_message_longer_than_the_receipt_says() {
    let t = template();
    let resources = t["Resources"].as_mapping().unwrap();
    let mut seen = 0;
    for (name, res) in resources {
        if res["Type"].as_str() != Some("AWS::SQS::Queue") {
            continue;
        }
        let name = name.as_str().unwrap();
        let days = if name.contains("DeadLetter") {
            DEAD_LETTER_DAYS
        } else {
            QUEUE_DAYS
        };
        let kept = res["Properties"]["MessageRetentionPeriod"]
            .as_u64()
            .unwrap();
        assert!(
            kept <= u64::from(days) * 86_400,
            "{name} keeps {kept} s, the receipt says {days} days"
        );
        seen += 1;
    }
    assert!(seen >= 5, "{seen} queues");
}

#[test]
fn backups_reach_back_the_parameter_the_receipt_is_told() {
    let t = template();
    let param = &t["Parameters"]["PointInTimeRecoveryPeriodDays"];
    assert_eq!(
        (
            param["Default"].as_u64(),
            param["MinValue"].as_u64(),
            param["MaxValue"].as_u64()
        ),
        (Some(7), Some(1), Some(35))
    );
    let pitr = &t["Resources"]["DataTable"]["Properties"]["PointInTimeRecoverySpecification"];
    assert_eq!(pitr["PointInTimeRecoveryEnabled"].as_bool(), Some(true));
    assert_eq!(
        reference(&pitr["RecoveryPeriodInDays"]).as_deref(),
        Some("PointInTimeRecoveryPeriodDays")
    );
    let env = &t["Resources"]["ContactsFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(
        reference(&env["POINT_IN_TIME_RECOVERY_DAYS"]).as_deref(),
        Some("PointInTimeRecoveryPeriodDays")
    );
}
