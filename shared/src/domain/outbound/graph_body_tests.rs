//! `graph_body` against Meta's own request examples
//! (`tests/fixtures/commands/meta_send/`, copied from Meta's docs): the
//! example minus the connector's fields is used as the command's message,
//! and the body built from it must be the example again.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};

use super::*;
use crate::domain::ids::WaId;

const KEY: &str = "order-1042-shipped";

fn meta_example(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/commands/meta_send")
        .join(name);
    serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap()
}

/// The command an internal system would write for Meta's example body.
fn command_for(example: &Value) -> Value {
    let mut message = example.as_object().unwrap().clone();
    let to = message.remove("to").unwrap();
    let context = message.remove("context");
    for key in ["messaging_product", "recipient_type"] {
        message.remove(key);
    }
    let mut cmd = json!({ "idempotency_key": KEY, "to": to, "message": message });
    if let Some(context) = context {
        cmd["reply_to"] = context["message_id"].clone();
    }
    cmd
}

/// Meta's example as the connector sends it: `to` always with `+`, the
/// recipient type always stated, the idempotency key as callback data.
fn as_sent(example: &Value) -> Value {
    let mut sent = example.clone();
    let digits: String = sent["to"]
        .as_str()
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    sent["to"] = json!(format!("+{digits}"));
    sent["recipient_type"] = json!("individual");
    sent["biz_opaque_callback_data"] = json!(KEY);
    sent
}

fn body_for(example_file: &str) -> (Value, Value) {
    let example = meta_example(example_file);
    let cmd = parse_command(&command_for(&example).to_string())
        .unwrap_or_else(|e| panic!("{example_file}: {e}"));
    (graph_body(&cmd, None), as_sent(&example))
}

#[test]
fn when_built_from_meta_examples_the_body_should_equal_the_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/commands/meta_send");
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".request.json") && n != "meta_mark_read.request.json")
        .collect();
    names.sort();
    assert!(names.len() >= 20, "{names:?}");
    for name in names {
        let (body, expected) = body_for(&name);
        assert_eq!(body, expected, "{name}");
    }
}

#[test]
fn a_text_message_body_should_match_metas_text_example() {
    let (body, expected) = body_for("meta_text.request.json");
    assert_eq!(body, expected);
    assert_eq!(body["text"]["preview_url"], json!(true));
}

#[test]
fn an_image_by_id_body_should_match_metas_example() {
    let (body, expected) = body_for("meta_image_id.request.json");
    assert_eq!(body, expected);
}

#[test]
fn a_template_with_named_parameters_should_match_metas_example() {
    let (body, expected) = body_for("meta_template_named_params.request.json");
    assert_eq!(body, expected);
}

#[test]
fn interactive_reply_buttons_should_match_metas_example() {
    let (body, expected) = body_for("meta_interactive_buttons.request.json");
    assert_eq!(body, expected);
}

#[test]
fn a_reaction_should_match_metas_example() {
    let (body, expected) = body_for("meta_reaction.request.json");
    assert_eq!(body, expected);
    assert_eq!(body["reaction"]["emoji"], json!("😀"));
}

#[test]
fn reply_to_should_become_the_context_of_metas_contextual_reply_example() {
    let (body, expected) = body_for("meta_text_context_reply.request.json");
    assert_eq!(body, expected);
    assert!(body["context"]["message_id"]
        .as_str()
        .unwrap()
        .starts_with("wamid."));
}

#[test]
fn mark_read_should_be_exactly_metas_example() {
    let example = meta_example("meta_mark_read.request.json");
    let cmd = parse_command(
        &json!({
            "idempotency_key": "read-1",
            "message": { "type": "mark_read", "message_id": example["message_id"] }
        })
        .to_string(),
    )
    .unwrap();
    assert_eq!(graph_body(&cmd, None), example);
}

#[test]
fn typing_indicator_should_add_the_typing_indicator_to_mark_read() {
    let cmd = parse_command(
        r#"{"idempotency_key":"t-1","message":{"type":"typing_indicator","message_id":"wamid.ABC="}}"#,
    )
    .unwrap();
    assert_eq!(
        graph_body(&cmd, None),
        json!({
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.ABC=",
            "typing_indicator": { "type": "text" }
        })
    );
}

#[test]
fn an_action_body_should_never_carry_a_recipient_or_callback_data() {
    let cmd = parse_command(
        r#"{"idempotency_key":"t-2","to":"+15551234567","message":{"type":"mark_read","message_id":"wamid.ABC="}}"#,
    )
    .unwrap();
    let to = WaId::parse("15559999999").unwrap();
    let body = graph_body(&cmd, Some(&to));
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["message_id", "messaging_product", "status"]
    );
}

#[test]
fn when_a_recipient_is_given_it_should_replace_the_commands_to() {
    let cmd = parse_command(
        r#"{"idempotency_key":"k","to":"+1 555 123 4567","message":{"type":"text","text":{"body":"Hi"}}}"#,
    )
    .unwrap();
    assert_eq!(graph_body(&cmd, None)["to"], json!("+15551234567"));
    let other = WaId::parse("447911123456").unwrap();
    assert_eq!(graph_body(&cmd, Some(&other))["to"], json!("+447911123456"));
}

#[test]
fn fields_meta_adds_later_should_pass_through_untouched() {
    let cmd = parse_command(
        r#"{"idempotency_key":"k","to":"+15551234567","message":{"type":"text","text":{"body":"Hi","x_new":[1,2]},"x_top":{"a":null}}}"#,
    )
    .unwrap();
    let body = graph_body(&cmd, None);
    assert_eq!(body["text"]["x_new"], json!([1, 2]));
    assert_eq!(body["x_top"], json!({ "a": null }));
}

#[test]
fn the_idempotency_key_should_be_sent_as_biz_opaque_callback_data() {
    let cmd = parse_command(
        r#"{"idempotency_key":"order-1042-shipped","to":"+15551234567","message":{"type":"text","text":{"body":"Hi"}}}"#,
    )
    .unwrap();
    assert_eq!(
        graph_body(&cmd, None)["biz_opaque_callback_data"],
        json!("order-1042-shipped")
    );
}
