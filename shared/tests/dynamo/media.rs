//! The media copy's record on the message item, as DynamoDB receives it.

use serde_json::json;
use shared::domain::ids::{ContactKey, WaId};
use shared::ports::media::{MediaRecord, MediaRecords, MessageAt, RecordOutcome};

use crate::recorder::{Recorder, TABLE};
use crate::{n, s};

const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA=";

fn stored() -> MediaRecord {
    MediaRecord::Stored {
        key: "c/ab/0123456789abcdef/4862369177436161".into(),
        bytes: 2048,
        sha256_ok: true,
        mime_type: "image/jpeg".into(),
        stored_at: 1_764_000_100,
    }
}

#[tokio::test]
async fn a_copy_is_recorded_only_on_an_existing_message_not_yet_stored() {
    let contact = ContactKey::Phone(WaId::parse("16505551234").unwrap());
    let at = MessageAt {
        contact: &contact,
        message_ts: 1_764_000_000,
        wamid: WAMID,
    };
    let r = Recorder::default();
    let outcome = r.store().record_media(&at, &stored()).await.unwrap();
    assert_eq!(outcome, RecordOutcome::Recorded);

    let update = r.only("UpdateItem");
    assert_eq!(update["TableName"], TABLE);
    assert_eq!(update["Key"]["pk"], s("C#16505551234"));
    assert_eq!(update["Key"]["sk"], s(&format!("M#1764000000#{WAMID}")));
    assert_eq!(
        update["ConditionExpression"],
        "attribute_exists(pk) AND attribute_exists(#m) AND (attribute_not_exists(#m.#st) OR #m.#st <> :stored)",
        "an erased message is never recreated, a stored copy never rewritten"
    );
    assert_eq!(
        update["ExpressionAttributeNames"],
        json!({"#m": "media", "#st": "state"})
    );
    let values = &update["ExpressionAttributeValues"];
    assert_eq!(values[":stored"], s("stored"));
    assert_eq!(values[":state"], s("stored"));
    assert_eq!(values[":bytes"], n(2048));
    assert_eq!(values[":ok"], json!({"BOOL": true}));
    assert!(update["UpdateExpression"]
        .as_str()
        .unwrap()
        .contains("#m.s3_key = :key"));
    assert_eq!(update["ReturnValuesOnConditionCheckFailure"], "ALL_OLD");
}

#[tokio::test]
async fn a_refused_record_tells_an_earlier_copy_from_a_message_that_is_gone() {
    let contact = ContactKey::Phone(WaId::parse("16505551234").unwrap());
    let at = MessageAt {
        contact: &contact,
        message_ts: 1_764_000_000,
        wamid: WAMID,
    };
    let r = Recorder::default();
    r.refuse_condition(json!({"pk": s("C#16505551234"), "media": {"M": {"state": s("stored")}}}));
    assert_eq!(
        r.store().record_media(&at, &stored()).await.unwrap(),
        RecordOutcome::AlreadyStored
    );
    let r = Recorder::default();
    r.refuse_condition(json!({}));
    let failed = MediaRecord::Failed {
        reason: "sha256_mismatch".into(),
        at: 1,
    };
    assert_eq!(
        r.store().record_media(&at, &failed).await.unwrap(),
        RecordOutcome::MessageGone
    );
}
