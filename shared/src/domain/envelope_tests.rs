//! Intake: payloads packed into queue messages, bad bodies, the characters
//! SQS refuses. Slicing a change too large for one message is in
//! `envelope_slicing_tests.rs`, which shares these helpers.

use super::*;
use crate::domain::queued::{QueuedBatch, SignatureMatch};

pub(super) fn meta() -> RequestMeta {
    RequestMeta {
        request_id: "r1".into(),
        received_at_ms: 1_764_000_000_000,
        source_ip: Some("173.252.1.1".into()),
        user_agent: Some("facebookexternalua".into()),
        body_bytes: 0,
        signature: SignatureMatch::Current,
    }
}

pub(super) fn message(i: usize, from: &str, body_len: usize) -> String {
    format!(
        r#"{{"from":"{from}","id":"wamid.M{i}","timestamp":"1764000000","type":"text","text":{{"body":"{}"}}}}"#,
        "x".repeat(body_len)
    )
}

pub(super) fn envelope(changes: &[String]) -> String {
    let changes: Vec<String> = changes
        .iter()
        .map(|v| format!(r#"{{"field":"messages","value":{v}}}"#))
        .collect();
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{}]}}]}}"#,
        changes.join(",")
    )
}

pub(super) fn value(messages: &[String], contacts: &[&str]) -> String {
    let contacts: Vec<String> = contacts
        .iter()
        .map(|c| format!(r#"{{"profile":{{"name":"N{c}"}},"wa_id":"{c}"}}"#))
        .collect();
    format!(
        r#"{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}},"contacts":[{}],"messages":[{}]}}"#,
        contacts.join(","),
        messages.join(",")
    )
}

pub(super) fn batches(intake: &Intake) -> Vec<QueuedBatch> {
    intake
        .messages
        .iter()
        .map(|m| QueuedBatch::parse(m).unwrap())
        .collect()
}

#[test]
fn a_small_payload_becomes_one_queue_message_with_the_value_as_received() {
    let v = value(&[message(1, "16505551234", 5)], &["16505551234"]);
    let body = envelope(std::slice::from_ref(&v));
    let intake = split_for_queue(body.as_bytes(), &meta(), 250_000).unwrap();
    let b = batches(&intake);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].changes[0].value.get(), v, "bytes are kept exactly");
    assert_eq!(b[0].changes[0].waba_id, "102290129340398");
}

#[test]
fn many_small_changes_are_packed_into_few_queue_messages() {
    let values: Vec<String> = (0..50)
        .map(|i| value(&[message(i, "1650555", 10)], &["1650555"]))
        .collect();
    let intake = split_for_queue(envelope(&values).as_bytes(), &meta(), 250_000).unwrap();
    assert_eq!(intake.changes, 50);
    assert_eq!(intake.messages.len(), 1);
}

#[test]
fn a_3mb_change_is_sliced_with_every_update_kept_once_and_its_senders_contacts() {
    let senders: Vec<String> = (0..40).map(|i| format!("165055500{i:02}")).collect();
    let messages: Vec<String> = (0..1000)
        .map(|i| message(i, &senders[i % 40], 3000))
        .collect();
    let refs: Vec<&str> = senders.iter().map(String::as_str).collect();
    let body = envelope(&[value(&messages, &refs)]);
    assert!(body.len() > 3_000_000);
    let limit = 250 * 1024;
    let intake = split_for_queue(body.as_bytes(), &meta(), limit).unwrap();
    assert!(
        intake.messages.iter().all(|m| m.len() <= limit),
        "every queue message fits SQS"
    );
    let mut seen = std::collections::BTreeMap::new();
    for batch in batches(&intake) {
        for change in &batch.changes {
            let v: serde_json::Value = serde_json::from_str(change.value.get()).unwrap();
            assert_eq!(
                v["metadata"]["phone_number_id"], "106540352242922",
                "slices keep metadata"
            );
            let contacts: Vec<&str> = v["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["wa_id"].as_str().unwrap())
                .collect();
            for m in v["messages"].as_array().unwrap() {
                assert!(
                    contacts.contains(&m["from"].as_str().unwrap()),
                    "sender's contact travels along"
                );
                *seen
                    .entry(m["id"].as_str().unwrap().to_owned())
                    .or_insert(0) += 1;
            }
        }
    }
    assert_eq!(seen.len(), 1000);
    assert!(seen.values().all(|&n| n == 1));
}

#[test]
fn contacts_no_message_names_are_still_queued() {
    let messages: Vec<String> = (0..30).map(|i| message(i, "1650", 1000)).collect();
    let body = envelope(&[value(&messages, &["1650", "1999"])]);
    let intake = split_for_queue(body.as_bytes(), &meta(), 10_000).unwrap();
    let all: String = intake.messages.concat();
    assert!(all.contains(r#""wa_id":"1999""#));
}

#[test]
fn bad_bodies_are_named_by_reason() {
    let m = meta();
    let reason = |b: &[u8]| split_for_queue(b, &m, 250_000).unwrap_err().reason();
    assert_eq!(reason(b"\xff\xfe"), "not_utf8");
    assert_eq!(reason(b"{not json"), "not_json");
    assert_eq!(
        reason(br#"{"object":"whatsapp_business_account"}"#),
        "wrong_shape"
    );
    assert_eq!(reason(br#"{"object":"page","entry":[]}"#), "wrong_object");
}

#[test]
fn a_refused_post_is_written_as_its_queued_batch_serialises() {
    // U+FFFF in the kept body: the message must still be one SQS accepts.
    let value =
        RawValue::from_string("{\"reason\":\"not_json\",\"body_prefix\":\"a\u{FFFF}\"}".into())
            .unwrap();
    let expected =
        serde_json::to_string(&QueuedBatch::rejected_post(meta(), value.clone())).unwrap();
    assert_eq!(rejected_post(&meta(), &value), sqs_safe(expected));
}

#[test]
fn characters_sqs_refuses_are_escaped_and_the_json_keeps_its_value() {
    for json in [
        "{\"a\":\"x\u{FFFF}y\"}",
        "{\"a\":\"\u{FFFE}\"}",
        "{\"a\":\"\u{FFC0}\u{FFFE}\u{FFEF}\u{FFFF}\"}",
    ] {
        let safe = sqs_safe(json.to_owned());
        assert!(!safe.contains(['\u{FFFE}', '\u{FFFF}']), "{safe}");
        let a: serde_json::Value = serde_json::from_str(json).unwrap();
        let b: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn neighbours_of_the_refused_characters_are_left_as_they_are() {
    // Characters whose UTF-8 shares the `EF BF` prefix (U+FFC0, U+FFEF) or
    // ends like the refused ones (U+FFBE, U+3FFE, U+EFBF): SQS takes them,
    // so the text must come out unchanged.
    let json = "{\"a\":\"\u{FFC0}\u{FFBE}\u{FFEF}\u{3FFE}\u{EFBF}\"}".to_owned();
    assert_eq!(sqs_safe(json.clone()), json);
}
