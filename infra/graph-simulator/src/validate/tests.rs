//! Shape rules, one behaviour per test.

use super::*;
use serde_json::json;

fn code_of(body: Value) -> u32 {
    parse(&body).unwrap_err().code
}

fn text(to: Value, body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}})
}

#[test]
fn text_message_should_parse_with_digits_as_wa_id() {
    let parsed = parse(&text(json!("+1 (650) 555-1234"), "hi")).unwrap();
    assert_eq!(
        parsed,
        SendRequest::Message(OutgoingMessage {
            to_input: "+1 (650) 555-1234".into(),
            wa_id: "16505551234".into(),
            kind: "text".into(),
            template_name: None,
        })
    );
}

#[test]
fn numeric_to_should_be_accepted_like_live_graph_does() {
    let SendRequest::Message(m) = parse(&text(json!(13437772910u64), "hi")).unwrap() else {
        panic!("expected a message");
    };
    assert_eq!(m.to_input, "13437772910");
}

#[test]
fn missing_type_should_default_to_text() {
    let body = json!({"messaging_product": "whatsapp", "to": "15551234567", "text": {"body": "x"}});
    assert!(matches!(parse(&body), Ok(SendRequest::Message(m)) if m.kind == "text"));
}

#[test]
fn text_longer_than_4096_chars_should_answer_100() {
    assert!(parse(&text(json!("15551234567"), &"é".repeat(4096))).is_ok());
    let err = parse(&text(json!("15551234567"), &"a".repeat(4097))).unwrap_err();
    assert_eq!(err.code, 100);
    assert!(err.details.unwrap().contains("4096"));
}

#[test]
fn missing_text_body_should_answer_131008_with_details() {
    let err = parse(
        &json!({"messaging_product": "whatsapp", "to": "15551234567", "type": "text", "text": {}}),
    )
    .unwrap_err();
    assert_eq!(err.code, 131008);
    assert_eq!(
        err.details.as_deref(),
        Some("The parameter text['body'] is required.")
    );
}

#[test]
fn missing_object_named_by_type_should_answer_131008() {
    assert_eq!(
        code_of(json!({"messaging_product": "whatsapp", "to": "15551234567", "type": "image"})),
        131008
    );
}

#[test]
fn wrong_or_missing_messaging_product_should_answer_100() {
    assert_eq!(
        code_of(json!({"to": "15551234567", "text": {"body": "x"}})),
        100
    );
    assert_eq!(
        code_of(json!({"messaging_product": "sms", "to": "15551234567", "text": {"body": "x"}})),
        100
    );
}

#[test]
fn missing_to_and_unknown_type_should_answer_100() {
    assert_eq!(
        code_of(json!({"messaging_product": "whatsapp", "text": {"body": "x"}})),
        100
    );
    assert_eq!(
        code_of(
            json!({"messaging_product": "whatsapp", "to": "15551234567", "type": "fax", "fax": {}})
        ),
        100
    );
    assert_eq!(code_of(text(json!("call me"), "x")), 100);
}

#[test]
fn mark_as_read_should_parse_with_optional_typing_indicator() {
    let body = json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X",
                      "typing_indicator": {"type": "text"}});
    assert_eq!(
        parse(&body).unwrap(),
        SendRequest::MarkRead {
            message_id: "wamid.X".into(),
            typing_indicator: true
        }
    );
    assert_eq!(
        code_of(json!({"messaging_product": "whatsapp", "status": "read"})),
        100
    );
    assert_eq!(
        code_of(
            json!({"messaging_product": "whatsapp", "status": "delivered", "message_id": "wamid.X"})
        ),
        100
    );
}

#[test]
fn media_needs_exactly_one_of_id_or_link() {
    let media = |m: Value| json!({"messaging_product": "whatsapp", "to": "15551234567", "type": "image", "image": m});
    assert!(parse(&media(json!({"id": "1"}))).is_ok());
    assert!(parse(&media(json!({"link": "https://x/y.png"}))).is_ok());
    assert_eq!(code_of(media(json!({"caption": "c"}))), 131008);
    assert_eq!(code_of(media(json!({"id": "1", "link": "https://x"}))), 100);
    assert_eq!(
        code_of(media(json!({"id": "1", "caption": "c".repeat(1025)}))),
        100
    );
}

#[test]
fn more_than_three_reply_buttons_should_answer_131009() {
    let button = |i: usize| json!({"type": "reply", "reply": {"id": format!("b{i}"), "title": format!("B{i}")}});
    let body = json!({"messaging_product": "whatsapp", "to": "15551234567", "type": "interactive",
        "interactive": {"type": "button", "body": {"text": "pick"},
                        "action": {"buttons": (0..4).map(button).collect::<Vec<_>>()}}});
    assert_eq!(code_of(body), 131009);
}

#[test]
fn template_should_need_name_and_language_code() {
    let t = |tpl: Value| json!({"messaging_product": "whatsapp", "to": "15551234567", "type": "template", "template": tpl});
    let ok = parse(&t(
        json!({"name": "hello_world", "language": {"code": "en_US"}}),
    ))
    .unwrap();
    assert!(
        matches!(ok, SendRequest::Message(m) if m.template_name.as_deref() == Some("hello_world"))
    );
    assert_eq!(code_of(t(json!({"language": {"code": "en_US"}}))), 131008);
    assert_eq!(code_of(t(json!({"name": "x"}))), 131008);
}

/// Every Meta example request in shared/reference must be accepted. The
/// folder sits beside the repository; skip when it is not there.
#[test]
fn metas_example_requests_should_all_be_accepted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/whatsapp/send");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} not found", dir.display());
        return;
    };
    let mut checked = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("meta_") && name.ends_with(".request.json")) {
            continue;
        }
        let body: Value = serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
        if let Err(err) = parse(&body) {
            panic!("{name} was refused: {err:?}");
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} examples found");
}
