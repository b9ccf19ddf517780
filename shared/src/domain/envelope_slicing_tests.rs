//! Slicing: a change too large for one queue message is cut between its
//! updates, each kept once and in order, with its metadata and contacts.

use super::tests::{batches, envelope, message, meta, value};
use super::*;
use crate::domain::queued::{QueuedBatch, FORMAT_VERSION};

/// The value of every change queued, in queue order, as JSON.
fn sliced_values(intake: &Intake) -> Vec<serde_json::Value> {
    batches(intake)
        .iter()
        .flat_map(|b| b.changes.iter())
        .map(|c| serde_json::from_str(c.value.get()).unwrap())
        .collect()
}

fn ids(values: &[serde_json::Value], key: &str) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| v[key].as_array())
        .flatten()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

fn status(i: usize, body_len: usize) -> String {
    format!(
        r#"{{"id":"wamid.S{i}","status":"delivered","timestamp":"1764000100","recipient_id":"1650","note":"{}"}}"#,
        "y".repeat(body_len)
    )
}

fn change_value(arrays: &[(&str, &[String])], extra: &str) -> String {
    let arrays: Vec<String> = arrays
        .iter()
        .map(|(k, items)| format!(r#""{k}":[{}]"#, items.join(",")))
        .collect();
    format!(
        r#"{{"messaging_product":"whatsapp","metadata":{{"phone_number_id":"106540352242922"}}{extra},{}}}"#,
        arrays.join(",")
    )
}

#[test]
fn a_message_whose_sender_has_no_contact_travels_without_one() {
    let messages: Vec<String> = (0..30)
        .map(|i| message(i, if i == 7 { "1777" } else { "1650" }, 1000))
        .collect();
    let body = envelope(&[value(&messages, &["1650"])]);
    let intake = split_for_queue(body.as_bytes(), &meta(), 10_000).unwrap();
    let values = sliced_values(&intake);
    let holding_7: Vec<&serde_json::Value> = values
        .iter()
        .filter(|v| {
            v["messages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == "wamid.M7")
        })
        .collect();
    assert_eq!(holding_7.len(), 1, "queued once");
    let contacts: Vec<&str> = holding_7[0]["contacts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["wa_id"].as_str().unwrap())
        .collect();
    assert!(!contacts.contains(&"1777"));
    assert_eq!(ids(&values, "messages").len(), 30);
}

#[test]
fn a_single_update_larger_than_the_limit_goes_whole_in_a_message_of_its_own() {
    let limit = 10_000;
    let messages = vec![
        message(0, "1650", 500),
        message(1, "1650", 20_000),
        message(2, "1650", 500),
    ];
    let body = envelope(&[value(&messages, &["1650"])]);
    let intake = split_for_queue(body.as_bytes(), &meta(), limit).unwrap();
    let over: Vec<&String> = intake.messages.iter().filter(|m| m.len() > limit).collect();
    assert_eq!(over.len(), 1, "only the one update's message is over");
    let lone = QueuedBatch::parse(over[0]).unwrap();
    let v: serde_json::Value = serde_json::from_str(lone.changes[0].value.get()).unwrap();
    assert_eq!(ids(&[v], "messages"), ["wamid.M1"]);
    assert!(over[0].contains(&messages[1]), "kept byte for byte");
    let values = sliced_values(&intake);
    assert_eq!(
        ids(&values, "messages"),
        ["wamid.M0", "wamid.M1", "wamid.M2"]
    );
}

#[test]
fn a_change_of_statuses_only_is_sliced_in_order_with_its_metadata() {
    let statuses: Vec<String> = (0..40).map(|i| status(i, 800)).collect();
    let body = envelope(&[change_value(&[("statuses", statuses.as_slice())], "")]);
    let limit = 8_000;
    let intake = split_for_queue(body.as_bytes(), &meta(), limit).unwrap();
    assert!(intake.messages.len() > 3);
    assert!(intake.messages.iter().all(|m| m.len() <= limit));
    let values = sliced_values(&intake);
    assert!(values
        .iter()
        .all(|v| v["metadata"]["phone_number_id"] == "106540352242922"));
    assert!(values.iter().all(|v| v.get("contacts").is_none()));
    let expected: Vec<String> = (0..40).map(|i| format!("wamid.S{i}")).collect();
    assert_eq!(ids(&values, "statuses"), expected);
}

#[test]
fn mixed_arrays_are_sliced_apart_each_update_once_in_order() {
    let messages: Vec<String> = (0..20).map(|i| message(i, "1650", 700)).collect();
    let statuses: Vec<String> = (0..20).map(|i| status(i, 700)).collect();
    let errors = vec![r#"{"code":131000,"title":"Something went wrong"}"#.to_owned()];
    let contacts = r#","contacts":[{"profile":{"name":"N"},"wa_id":"1650"}]"#;
    let body = envelope(&[change_value(
        &[
            ("messages", messages.as_slice()),
            ("statuses", statuses.as_slice()),
            ("errors", errors.as_slice()),
        ],
        contacts,
    )]);
    let limit = 6_000;
    let intake = split_for_queue(body.as_bytes(), &meta(), limit).unwrap();
    assert!(intake.messages.iter().all(|m| m.len() <= limit));
    let values = sliced_values(&intake);
    for v in &values {
        let arrays = ["messages", "statuses", "errors"]
            .iter()
            .filter(|k| v.get(**k).is_some())
            .count();
        assert_eq!(arrays, 1, "one update array per slice: {v}");
    }
    let m: Vec<String> = (0..20).map(|i| format!("wamid.M{i}")).collect();
    let s: Vec<String> = (0..20).map(|i| format!("wamid.S{i}")).collect();
    assert_eq!(ids(&values, "messages"), m);
    assert_eq!(ids(&values, "statuses"), s);
    let error_slices: Vec<_> = values
        .iter()
        .filter(|v| v.get("errors").is_some())
        .collect();
    assert_eq!(error_slices.len(), 1);
    assert_eq!(error_slices[0]["errors"][0]["code"], 131000);
}

#[test]
fn keys_meta_adds_later_are_kept_in_every_slice() {
    let messages: Vec<String> = (0..30).map(|i| message(i, "1650", 1000)).collect();
    let extra = r#","contacts":[{"wa_id":"1650"}],"new_thing":{"a":[1,"\u00e9"]},"z":null"#;
    let body = envelope(&[change_value(&[("messages", messages.as_slice())], extra)]);
    let intake = split_for_queue(body.as_bytes(), &meta(), 10_000).unwrap();
    let values = sliced_values(&intake);
    assert!(values.len() > 2);
    for v in &values {
        assert_eq!(v["new_thing"], serde_json::json!({"a": [1, "é"]}));
        assert!(v.get("z").is_some_and(serde_json::Value::is_null));
        assert_eq!(v["messaging_product"], "whatsapp");
    }
}

#[test]
fn a_spaced_out_value_is_sliced_with_each_message_as_sent() {
    let messages: Vec<String> = (0..30)
        .map(|i| message(i, "1650", 1000).replace(",\"", ",\n    \""))
        .collect();
    let v = format!(
        "{{\n  \"contacts\": [ {{\"wa_id\": \"1650\"}} ],\n  \"messages\": [\n    {}\n  ]\n}}",
        messages.join(",\n    ")
    );
    let intake = split_for_queue(envelope(&[v]).as_bytes(), &meta(), 10_000).unwrap();
    let all: String = intake.messages.concat();
    assert!(messages.iter().all(|m| all.contains(m.as_str())));
}

#[test]
fn characters_sqs_refuses_are_escaped_in_slices_too() {
    let mut messages: Vec<String> = (0..30).map(|i| message(i, "1650", 1000)).collect();
    messages[3] = messages[3].replace("xxxx", "x\u{FFFE}x\u{FFFF}");
    let body = envelope(&[value(&messages, &["1650"])]);
    let intake = split_for_queue(body.as_bytes(), &meta(), 10_000).unwrap();
    assert!(intake
        .messages
        .iter()
        .all(|m| !m.contains(['\u{FFFE}', '\u{FFFF}'])));
    let values = sliced_values(&intake);
    let third = values
        .iter()
        .flat_map(|v| v["messages"].as_array().unwrap())
        .find(|m| m["id"] == "wamid.M3")
        .unwrap();
    assert!(third["text"]["body"]
        .as_str()
        .unwrap()
        .contains("x\u{FFFE}x\u{FFFF}"));
}

#[test]
fn queue_messages_are_written_as_the_batch_contract_serialises() {
    use crate::domain::queued::QueuedChange;
    let values: Vec<String> = (0..3)
        .map(|i| value(&[message(i, "1650", 10)], &["1650"]))
        .collect();
    let body = envelope(&values);
    let meta = RequestMeta {
        user_agent: Some("a \"quoted\" agent".into()),
        ..meta()
    };
    let intake = split_for_queue(body.as_bytes(), &meta, 250_000).unwrap();
    let changes: Vec<QueuedChange> = values
        .iter()
        .map(|v| QueuedChange {
            waba_id: "102290129340398".into(),
            field: "messages".into(),
            value: RawValue::from_string(v.clone()).unwrap(),
        })
        .collect();
    let expected = QueuedBatch {
        v: FORMAT_VERSION,
        request: meta,
        part: 0,
        changes,
    };
    assert_eq!(intake.messages, [serde_json::to_string(&expected).unwrap()]);
}

#[test]
fn ids_and_keys_are_escaped_as_serde_json_escapes_them() {
    for s in [
        "106540352242922",
        "a\"b",
        "back\\slash",
        "tab\tnew\nline\u{1}",
        "é\u{7f}",
    ] {
        let mut out = String::new();
        slices::write_json_str(&mut out, s);
        assert_eq!(out, serde_json::to_string(s).unwrap());
    }
}

#[test]
fn a_value_too_large_with_no_update_array_or_contacts_is_queued_as_a_small_stand_in() {
    let big = "é".repeat(150 * 1024); // 300 KiB, two bytes a character
    let body = format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","statuses":[],"note":"{big}"}}}}]}}]}}"#
    );
    let intake = split_for_queue(body.as_bytes(), &meta(), 250 * 1024).unwrap();
    assert_eq!(intake.messages.len(), 1);
    assert!(intake.messages[0].len() < 20 * 1024);
    let batch = &batches(&intake)[0];
    let parsed = crate::domain::inbound::parse_change(&batch.changes[0]);
    let [crate::domain::inbound::Update::Diagnostic(d)] = parsed.updates.as_slice() else {
        panic!("one diagnostic: {:?}", parsed.updates.len());
    };
    assert_eq!(d.kind.as_str(), "oversized");
    let v: serde_json::Value = serde_json::from_str(&d.raw).unwrap();
    let head = v["jum_oversized"]["head"].as_str().unwrap();
    assert!(head.starts_with(r#"{"messaging_product":"whatsapp","statuses":[],"note":"éé"#));
    assert!(head.len() <= 16 * 1024, "cut at a character boundary");
}
