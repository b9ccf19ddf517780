//! The writes that carry a guarantee, as DynamoDB receives them.

use secrecy::SecretString;
use serde_json::json;
use shared::adapters::dynamo::KeyedConsent;
use shared::adapters::memory_contacts::FixedKeyHasher;
use shared::domain::consent::{ConsentCategory, ConsentSource, ConsentUpdate};
use shared::domain::ids::{ContactKey, WaId};
use shared::domain::inbound::Update;
use shared::domain::outbound::IdempotencyKey;
use shared::domain::records::{ConsentRecord, MessageRecord, Provenance, StatusRecord};
use shared::ports::consent::ConsentLedger;
use shared::ports::contacts::{ConsentEntry, ContactRecords, DatedLog, SweepStore};
use shared::ports::sending::{Claim, LedgerKey, OutboundLedger};
use shared::ports::{ContactStore, MessageStore};

use crate::recorder::{Recorder, TABLE};
use crate::{first_update, n, request, s};

const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA=";
const STATUS_WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA";

fn contact(wa_id: &str) -> ContactKey {
    ContactKey::Phone(WaId::parse(wa_id).unwrap())
}

#[tokio::test]
async fn a_message_is_put_only_if_its_time_and_wamid_are_new_with_its_webhook_log() {
    let (change, update) = first_update("text.json");
    let Update::Message(message) = update else {
        panic!("a message")
    };
    let meta = request();
    let from = Provenance {
        waba_id: &change.waba_id,
        phone_number_id: change.phone_number_id.as_ref(),
        request: &meta,
        origin: "req-1#0",
    };
    let r = Recorder::default();
    r.store()
        .put_message(MessageRecord {
            message: &message,
            from,
            expires_at: 1_766_592_000,
        })
        .await
        .unwrap();

    let put = r.only("PutItem");
    assert_eq!(put["TableName"], TABLE);
    assert_eq!(
        put["ConditionExpression"], "attribute_not_exists(pk)",
        "the conditional put is the dedup"
    );
    let item = &put["Item"];
    assert_eq!(item["pk"], s("C#16505551234"));
    assert_eq!(item["sk"], s(&format!("M#1764000000#{WAMID}")));
    assert_eq!(item["origin"], s("req-1#0"));
    assert_eq!(item["expires_at"], n(1_766_592_000));
    assert_eq!(
        item["webhook_request"]["M"]["source_ip"],
        s("173.252.127.9")
    );
    assert!(item.get("wh").is_none(), "only the new name is written");
    assert_eq!(put["ReturnValuesOnConditionCheckFailure"], "ALL_OLD");
}

#[tokio::test]
async fn a_status_becomes_current_only_over_a_lower_one_and_is_recorded_once() {
    let (change, update) = first_update("status_delivered.json");
    let Update::Status(status) = update else {
        panic!("a status")
    };
    let meta = request();
    let r = Recorder::default();
    r.store()
        .apply_status(StatusRecord {
            status: &status,
            from: Provenance {
                waba_id: &change.waba_id,
                phone_number_id: change.phone_number_id.as_ref(),
                request: &meta,
                origin: "req-1#0",
            },
            expires_at: 1_766_592_000,
        })
        .await
        .unwrap();

    let update = r.only("UpdateItem");
    assert_eq!(update["TableName"], TABLE);
    assert_eq!(
        update["Key"],
        json!({"pk": s("C#16505551234"), "sk": s(&format!("S#{STATUS_WAMID}"))})
    );
    assert_eq!(
        update["ConditionExpression"],
        "attribute_not_exists(#st) AND (attribute_not_exists(status_rank) OR status_rank < :rank \
         OR (status_rank = :rank AND #status < :status))"
    );
    let names = &update["ExpressionAttributeNames"];
    assert_eq!(names["#st"], "st_delivered");
    assert_eq!(names["#or"], "or_delivered");
    let values = &update["ExpressionAttributeValues"];
    assert_eq!(values[":status"], s("delivered"));
    assert_eq!(values[":rank"], n(2));
    assert_eq!(values[":origin"], s("req-1#0"));
    let expression = update["UpdateExpression"].as_str().unwrap();
    assert!(expression.starts_with("SET #st = :ts, #raw = :raw, #or = :origin"));
    assert!(expression.contains("#status = :status, status_rank = :rank"));
}

#[tokio::test]
async fn the_ledger_claims_a_key_only_when_it_is_new_or_to_be_retried() {
    let key = LedgerKey {
        contact: contact("16505551234"),
        key: IdempotencyKey::parse("order-42-shipped").unwrap(),
        record: "msg-1".into(),
    };
    let r = Recorder::default();
    r.answer(200, json!({"Attributes": {"attempts": n(1)}}));
    let claim = r.store().claim(&key, 1_000, 30, 9_000).await.unwrap();

    assert_eq!(claim, Claim::Acquired { attempt: 1 });
    let update = r.only("UpdateItem");
    assert_eq!(update["TableName"], TABLE);
    assert_eq!(
        update["Key"],
        json!({"pk": s("C#16505551234"), "sk": s("OUT#order-42-shipped")})
    );
    assert_eq!(
        update["ConditionExpression"], "attribute_not_exists(#state) OR #state = :retry",
        "a final state is never claimed again: at most once"
    );
    let values = &update["ExpressionAttributeValues"];
    assert_eq!(values[":sending"], s("sending"));
    assert_eq!(values[":retry"], s("retry"));
    assert_eq!(values[":lease"], n(1_030));
    assert_eq!(values[":exp"], n(9_000));
}

#[tokio::test]
async fn meta_and_the_api_write_one_shape_of_consent_entry() {
    let (_, update) = first_update("user_preferences_stop.json");
    let Update::Consent(change) = update else {
        panic!("a consent change")
    };
    let r = Recorder::default();
    let store = r.store();
    store
        .apply_consent(ConsentRecord {
            change: &change,
            source: "user_preferences",
            origin: "req-1#0",
            expires_at: 1_766_592_000,
        })
        .await
        .unwrap();
    store
        .append_consent(
            &change.contact,
            &ConsentEntry {
                at: change.timestamp,
                value: &change.value,
                category: &change.category,
                source: "user_preferences",
                expires_at: 1_766_592_000,
            },
        )
        .await
        .unwrap();

    let sent = r.sent();
    let ops: Vec<&str> = sent.iter().map(|x| x.operation.as_str()).collect();
    assert_eq!(ops, ["PutItem", "UpdateItem", "PutItem"]);
    let (meta, profile, api) = (&sent[0].body, &sent[1].body, &sent[2].body);
    assert_eq!(meta["ConditionExpression"], "attribute_not_exists(pk)");
    assert_eq!(meta["Item"]["pk"], s("C#16505551237"));
    assert_eq!(meta["Item"]["sk"], s("CONSENT#1764000800#stop"));
    assert_eq!(meta["Item"]["type"], s("consent"));
    let mut without_origin = meta["Item"].clone();
    without_origin.as_object_mut().unwrap().remove("origin");
    assert_eq!(api["Item"], without_origin, "the same item, but the origin");
    assert_eq!(
        profile["ConditionExpression"],
        "attribute_not_exists(consent_updated_at) OR consent_updated_at <= :ts",
        "an older change never undoes a newer one"
    );
    assert_eq!(
        profile["Key"],
        json!({"pk": s("C#16505551237"), "sk": s("PROFILE")})
    );
}

#[tokio::test]
async fn an_opt_out_is_put_on_the_suppression_list_under_the_keyed_hash_unless_a_newer_change_is() {
    let r = Recorder::default();
    let consent = KeyedConsent {
        store: r.store(),
        hasher: FixedKeyHasher(SecretString::from("test-hash-key")),
    };
    consent
        .update(
            &contact("16505551234"),
            &ConsentUpdate {
                categories: &[ConsentCategory::Marketing],
                opted_in: false,
                source: ConsentSource::MetaUserPreferences,
                at: 1_764_000_800,
                evidence: None,
                opt_in_expires_at: 1_766_592_000,
                suppression_expires_at: None,
            },
        )
        .await
        .unwrap();

    let sent = r.sent();
    let put = sent
        .iter()
        .find(|x| x.body["Item"]["type"] == s("suppression"))
        .unwrap_or_else(|| panic!("a suppression put: {sent:#?}"));
    assert_eq!(put.operation, "PutItem");
    let item = &put.body["Item"];
    let pk = item["pk"]["S"].as_str().unwrap();
    assert!(pk.starts_with("SUPPRESS#"), "{pk}");
    assert!(!pk.contains("16505551234"), "never the number");
    assert_eq!(item["sk"], s("marketing"));
    assert!(item.get("expires_at").is_none(), "kept until an opt-in");
    assert_eq!(
        put.body["ConditionExpression"],
        "attribute_not_exists(pk) OR #at <= :at"
    );
    assert_eq!(put.body["ExpressionAttributeNames"]["#at"], "at");
    assert_eq!(
        put.body["ExpressionAttributeValues"][":at"],
        n(1_764_000_800)
    );
}

#[tokio::test]
async fn the_sweep_deletes_a_receipt_only_once_expired_and_a_log_day_before_the_cutoff() {
    let r = Recorder::default();
    let store = r.store();
    store.sweep_partition("RECEIPT#er_1", 5_000).await.unwrap();
    r.answer(
        200,
        json!({"Items": [{"pk": s("D#2026-11-25"), "sk": s("1764028800000#req-1#0000")}]}),
    );
    let (deleted, finished) = store
        .sweep_dated(DatedLog::Diagnostics, "2026-11-25", 1_764_100_000_000, 50)
        .await
        .unwrap();
    assert_eq!((deleted, finished), (1, true));

    let sent = r.sent();
    let ops: Vec<&str> = sent.iter().map(|x| x.operation.as_str()).collect();
    assert_eq!(ops, ["DeleteItem", "Query", "BatchWriteItem"]);
    let delete = &sent[0].body;
    assert_eq!(
        delete["Key"],
        json!({"pk": s("RECEIPT#er_1"), "sk": s("RECEIPT")})
    );
    assert_eq!(delete["ConditionExpression"], "expires_at <= :now");
    assert_eq!(delete["ExpressionAttributeValues"][":now"], n(5_000));
    let query = &sent[1].body;
    assert_eq!(query["KeyConditionExpression"], "pk = :pk AND sk < :before");
    assert_eq!(query["ExpressionAttributeValues"][":pk"], s("D#2026-11-25"));
    assert_eq!(
        query["ExpressionAttributeValues"][":before"],
        s("1764100000000")
    );
    assert_eq!(query["Limit"], 50);
    assert_eq!(
        sent[2].body["RequestItems"][TABLE][0]["DeleteRequest"]["Key"],
        json!({"pk": s("D#2026-11-25"), "sk": s("1764028800000#req-1#0000")})
    );
}
