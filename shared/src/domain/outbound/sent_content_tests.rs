//! `sent_content_fields` against what the sender stored before it (the
//! webhook's parser run on the Graph body, `content_fields(read_content(..))`):
//! the same fields for every valid command of the corpus, every Meta send
//! example, and payloads the contract lets through in odd shapes.

use std::fs;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::*;
use crate::domain::inbound::{content_fields, read_content};

fn files(kind: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/commands")
        .join(kind);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The fields read the old way, from the whole body as text.
fn read_back(message_type: &str, body: &Value) -> Map<String, Value> {
    content_fields(&read_content(message_type, &body.to_string()))
}

/// `(case, type, body)` where the new reading differs from the old one.
fn differences(cases: &[(String, String, Value)]) -> Vec<String> {
    cases
        .iter()
        .filter_map(|(name, t, body)| {
            let old = read_back(t, body);
            let new = sent_content_fields(t, &body[t.as_str()]);
            (old != new).then(|| format!("{name}: old {old:?}, new {new:?}"))
        })
        .collect()
}

#[test]
fn a_sent_message_should_get_the_same_typed_content_as_its_body_read_back_for_every_valid_command()
{
    let mut cases = Vec::new();
    for (name, text) in files("valid") {
        let cmd = parse_command(&text).unwrap();
        if let OutboundMessage::Message { message_type, .. } = &cmd.message {
            cases.push((name, message_type.clone(), graph_body(&cmd, None)));
        }
    }
    let types: Vec<&str> = cases.iter().map(|(_, t, _)| t.as_str()).collect();
    for t in MESSAGE_TYPES {
        assert!(types.contains(&t), "no valid {t} command");
    }
    assert_eq!(differences(&cases), Vec::<String>::new());
}

#[test]
fn a_sent_message_should_get_the_same_typed_content_as_its_body_read_back_for_every_meta_example() {
    let cases: Vec<_> = files("meta_send")
        .into_iter()
        .filter_map(|(name, text)| {
            let body: Value = serde_json::from_str(&text).unwrap();
            let t = body["type"].as_str()?.to_owned();
            Some((name, t, body))
        })
        .collect();
    assert!(cases.len() >= 15, "only {} examples", cases.len());
    assert_eq!(differences(&cases), Vec::<String>::new());
}

#[test]
fn a_sent_message_in_an_odd_shape_should_get_the_same_typed_content_as_its_body_read_back() {
    let card = |extra: Value| {
        let mut c = json!({"name": {"formatted_name": "Ann", "nickname": "A"}});
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!([c])
    };
    let payloads = [
        ("text", json!({"body": "hi", "preview_url": true})),
        ("text", json!({"preview_url": true})),
        ("text", json!({"body": 7})),
        ("image", json!({"link": "https://x.example/a.png"})),
        ("image", json!({"id": "1", "caption": null})),
        ("image", json!({"id": 1})),
        (
            "document",
            json!({"id": "1", "caption": "c", "filename": "f.pdf"}),
        ),
        ("audio", json!({"id": "1", "voice": "yes"})),
        ("audio", json!({"id": "1", "voice": false})),
        ("sticker", json!({"id": "1", "animated": true})),
        ("sticker", Value::Null),
        ("location", json!({"latitude": 52, "longitude": -4.5})),
        ("location", json!({"latitude": "52.1", "longitude": "4.5"})),
        (
            "location",
            json!({"latitude": 1.5, "longitude": 2, "name": null}),
        ),
        (
            "location",
            json!({"latitude": 1.5, "longitude": 2, "url": 3}),
        ),
        ("location", json!({"latitude": 1.5})),
        ("contacts", card(json!({}))),
        ("contacts", card(json!({"phones": []}))),
        ("contacts", card(json!({"phones": null}))),
        ("contacts", card(json!({"phones": [null]}))),
        ("contacts", card(json!({"phones": [{"phone": 5}]}))),
        (
            "contacts",
            card(json!({"org": {}, "birthday": "2000-01-01"})),
        ),
        (
            "contacts",
            card(json!({"urls": [{"url": "u", "type": "WORK", "x": 1}]})),
        ),
        (
            "contacts",
            card(json!({"addresses": [{"city": "Utrecht", "type": null}]})),
        ),
        ("contacts", json!([{}])),
        ("contacts", json!([])),
        ("contacts", json!({})),
        ("interactive", json!({"type": "button", "action": {}})),
        ("interactive", json!({"action": {}})),
        ("interactive", json!({"type": 1})),
        ("reaction", json!({"message_id": "wamid.A", "emoji": ""})),
        ("reaction", json!({"message_id": "wamid.A", "emoji": null})),
        ("reaction", json!({"message_id": "wamid.A", "emoji": "☂"})),
        ("reaction", json!({"emoji": "☂"})),
        (
            "template",
            json!({"name": "hello", "language": {"code": "en"}}),
        ),
        ("poll", json!({"question": "?"})),
    ];
    let cases: Vec<_> = payloads
        .into_iter()
        .enumerate()
        .map(|(i, (t, payload))| {
            let mut body = json!({"messaging_product": "whatsapp", "type": t});
            body[t] = payload;
            (format!("#{i} {t}"), t.to_owned(), body)
        })
        .collect();
    assert_eq!(differences(&cases), Vec::<String>::new());
}
