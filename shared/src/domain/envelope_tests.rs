use super::*;
use crate::domain::queued::{QueuedBatch, SignatureMatch, FORMAT_VERSION};

fn meta() -> RequestMeta {
    RequestMeta {
        request_id: "r1".into(),
        received_at_ms: 1_764_000_000_000,
        source_ip: Some("173.252.1.1".into()),
        user_agent: Some("facebookexternalua".into()),
        body_bytes: 0,
        signature: SignatureMatch::Current,
    }
}

fn message(i: usize, from: &str, body_len: usize) -> String {
    format!(
        r#"{{"from":"{from}","id":"wamid.M{i}","timestamp":"1764000000","type":"text","text":{{"body":"{}"}}}}"#,
        "x".repeat(body_len)
    )
}

fn envelope(changes: &[String]) -> String {
    let changes: Vec<String> = changes
        .iter()
        .map(|v| format!(r#"{{"field":"messages","value":{v}}}"#))
        .collect();
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{}]}}]}}"#,
        changes.join(",")
    )
}

fn value(messages: &[String], contacts: &[&str]) -> String {
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

fn batches(intake: &Intake) -> Vec<QueuedBatch> {
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
