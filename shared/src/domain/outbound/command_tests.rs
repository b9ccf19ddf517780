use serde_json::json;

use super::*;

fn text_command(extra: serde_json::Value) -> String {
    let mut cmd = json!({
        "idempotency_key": "k-1",
        "to": "+15551234567",
        "message": { "type": "text", "text": { "body": "Hi" } }
    });
    for (k, v) in extra.as_object().unwrap() {
        cmd[k] = v.clone();
    }
    cmd.to_string()
}

fn reason(body: &str) -> &'static str {
    parse_command(body).unwrap_err().reason()
}

// ---------------------------------------------------------------- phone numbers

#[test]
fn phone_numbers_should_normalise_to_their_digits() {
    for (input, digits) in [
        ("+15551234567", "15551234567"),
        ("15551234567", "15551234567"),
        ("+1 (555) 123-4567", "15551234567"),
        ("+44 20 7946 0958", "442079460958"),
        ("+49-30-1234-5678", "493012345678"),
    ] {
        assert_eq!(normalize_phone(input).unwrap().as_str(), digits, "{input}");
    }
}

#[test]
fn phone_numbers_should_have_8_to_15_digits() {
    assert!(normalize_phone("+1234567").is_err());
    assert_eq!(normalize_phone("+12345678").unwrap().as_str(), "12345678");
    assert_eq!(
        normalize_phone("+123456789012345").unwrap().as_str(),
        "123456789012345"
    );
    assert!(normalize_phone("+1234567890123456").is_err());
}

#[test]
fn phone_numbers_should_reject_letters_dots_a_late_plus_and_a_leading_zero() {
    for input in [
        "",
        "+",
        "+1555CALLNOW",
        "+1.555.123.4567",
        "1+5551234567",
        "++15551234567",
        " +15551234567",
        "0044 20 7946 0958",
        "+0 555 123 4567",
        "+1\u{a0}555 123 4567",
        "+１５５５１２３４５６７",
    ] {
        let e = normalize_phone(input).unwrap_err();
        assert_eq!(e.reason(), "invalid_phone_number", "{input:?}");
    }
}

#[test]
fn a_phone_number_error_should_not_show_the_number() {
    let shown = normalize_phone("+1555123456789012")
        .unwrap_err()
        .to_string();
    assert!(!shown.contains("555123"), "{shown}");
}

// ---------------------------------------------------------------- idempotency keys

#[test]
fn idempotency_keys_should_be_1_to_128_printable_ascii_characters() {
    assert!(IdempotencyKey::parse("a").is_ok());
    assert!(IdempotencyKey::parse(&"k".repeat(128)).is_ok());
    assert!(IdempotencyKey::parse("order-1042/shipped:v2#{x}~").is_ok());
    for bad in [
        "",
        " ",
        "a b",
        "tab\tkey",
        "line\n",
        "ümlaut",
        &"k".repeat(129),
    ] {
        let e = IdempotencyKey::parse(bad).unwrap_err();
        assert_eq!(e.reason(), "invalid_idempotency_key", "{bad:?}");
    }
}

#[test]
fn salvage_should_read_the_key_of_an_otherwise_broken_command() {
    let broken = r#"{"idempotency_key":"order-9","message":{"type":"sms"}}"#;
    assert!(parse_command(broken).is_err());
    assert_eq!(salvage_idempotency_key(broken).unwrap().as_str(), "order-9");
    assert_eq!(salvage_idempotency_key("{not json"), None);
    assert_eq!(
        salvage_idempotency_key(r#"{"idempotency_key":"a b"}"#),
        None
    );
    assert_eq!(
        salvage_idempotency_key(r#"[{"idempotency_key":"a"}]"#),
        None
    );
}

// ---------------------------------------------------------------- the command

#[test]
fn the_contract_example_should_parse_into_every_field() {
    let cmd = parse_command(
        r#"{
          "idempotency_key": "order-1042-shipped",
          "to": "+15551234567",
          "phone_number_id": "106540352242922",
          "category": "utility",
          "message": { "type": "template", "template": { "name": "order_shipped", "language": { "code": "en_US" }, "components": [] } },
          "reply_to": "wamid.HBgL123",
          "links": [ { "system": "orders", "type": "order", "id": "1042" } ],
          "not_after": "2026-11-26T10:00:00Z"
        }"#,
    )
    .unwrap();
    assert_eq!(cmd.idempotency_key.as_str(), "order-1042-shipped");
    assert_eq!(cmd.to.unwrap().as_str(), "15551234567");
    assert_eq!(cmd.phone_number_id.unwrap().as_str(), "106540352242922");
    assert_eq!(cmd.category, Category::Utility);
    assert!(cmd.message.is_template());
    assert!(!cmd.message.is_action());
    assert_eq!(cmd.message.message_type(), "template");
    assert_eq!(cmd.reply_to.unwrap().as_str(), "wamid.HBgL123");
    assert_eq!(
        cmd.links,
        vec![BusinessLink {
            system: "orders".into(),
            kind: "order".into(),
            id: "1042".into()
        }]
    );
    assert_eq!(cmd.not_after, Some(1_795_687_200));
}

#[test]
fn the_message_object_should_be_kept_exactly_as_received() {
    let cmd = parse_command(&text_command(json!({
        "message": { "type": "text", "text": { "body": "Hi", "preview_url": false }, "extra": 1 }
    })))
    .unwrap();
    let OutboundMessage::Message {
        message_type,
        object,
    } = cmd.message
    else {
        panic!("not a message");
    };
    assert_eq!(message_type, "text");
    assert_eq!(
        serde_json::Value::Object(object),
        json!({ "type": "text", "text": { "body": "Hi", "preview_url": false }, "extra": 1 })
    );
}

#[test]
fn absent_or_null_optional_fields_should_take_their_defaults() {
    let cmd = parse_command(&text_command(json!({
        "phone_number_id": null, "category": null, "reply_to": null, "links": null, "not_after": null
    })))
    .unwrap();
    assert_eq!(cmd.phone_number_id, None);
    assert_eq!(cmd.category, Category::Service);
    assert_eq!(cmd.reply_to, None);
    assert!(cmd.links.is_empty());
    assert_eq!(cmd.not_after, None);
}

#[test]
fn every_category_should_round_trip_through_its_name() {
    for c in Category::ALL {
        assert_eq!(Category::parse(c.as_str()), Some(c));
    }
    assert_eq!(Category::default(), Category::Service);
    assert_eq!(Category::parse("Marketing"), None);
}

#[test]
fn mark_read_and_typing_indicator_should_be_actions_without_a_recipient() {
    let read = parse_command(
        r#"{"idempotency_key":"r","message":{"type":"mark_read","message_id":"wamid.A"}}"#,
    )
    .unwrap();
    assert!(read.message.is_action());
    assert_eq!(read.message.message_type(), "mark_read");
    assert_eq!(read.to, None);
    let typing = parse_command(
        r#"{"idempotency_key":"t","message":{"type":"typing_indicator","message_id":"wamid.A"}}"#,
    )
    .unwrap();
    assert_eq!(
        typing.message,
        OutboundMessage::MarkRead {
            message_id: crate::domain::ids::Wamid::parse("wamid.A").unwrap(),
            typing_indicator: true
        }
    );
    assert_eq!(typing.message.message_type(), "typing_indicator");
}

#[test]
fn not_after_should_accept_offsets_and_fractions_and_drop_the_fraction() {
    assert_eq!(parse_timestamp("2026-11-26T10:00:00Z"), Some(1_795_687_200));
    assert_eq!(
        parse_timestamp("2026-11-26T11:00:00.999+01:00"),
        Some(1_795_687_200)
    );
    assert_eq!(
        parse_timestamp("2026-11-26T05:00:00-05:00"),
        Some(1_795_687_200)
    );
    for bad in [
        "2026-11-26",
        "2026-11-26 10:00:00Z",
        "2026-11-26t10:00:00Z",
        "2026-11-26T10:00:00z",
        "2026-11-26T10:00:00",
        "2016-12-31T23:59:60Z",
        "0000-01-01T00:00:00Z",
        "2026-02-30T10:00:00Z",
        "1795687200",
    ] {
        assert_eq!(parse_timestamp(bad), None, "{bad}");
    }
}

#[test]
fn when_text_exceeds_4096_chars_should_reject_with_text_too_long() {
    let body = text_command(
        json!({ "message": { "type": "text", "text": { "body": "é".repeat(4097) } } }),
    );
    let e = parse_command(&body).unwrap_err();
    assert_eq!(e, CommandError::TextTooLong { chars: 4097 });
    assert_eq!(e.reason(), "text_too_long");
}

#[test]
fn when_text_has_4096_multibyte_chars_it_should_be_accepted() {
    let body = text_command(
        json!({ "message": { "type": "text", "text": { "body": "☂".repeat(4096) } } }),
    );
    assert!(parse_command(&body).is_ok());
}

#[test]
fn when_a_field_is_misspelt_should_reject_with_unknown_field() {
    let e =
        parse_command(&text_command(json!({ "notAfter": "2026-11-26T10:00:00Z" }))).unwrap_err();
    assert_eq!(e.reason(), "unknown_field");
    assert!(e.to_string().contains("notAfter"), "{e}");
}

#[test]
fn when_a_template_component_type_is_unknown_should_reject_with_unknown_template_component() {
    let body = text_command(json!({ "message": { "type": "template", "template": {
        "name": "t", "language": { "code": "en" }, "components": [{ "type": "footer" }] } } }));
    assert_eq!(reason(&body), "unknown_template_component");
}

#[test]
fn when_reply_buttons_repeat_a_title_should_reject_with_invalid_message() {
    // Not expressible in JSON Schema; only the connector checks it.
    let button = |id: &str| json!({ "type": "reply", "reply": { "id": id, "title": "Same" } });
    let body = text_command(json!({ "message": { "type": "interactive", "interactive": {
        "type": "button", "body": { "text": "Pick" },
        "action": { "buttons": [button("a"), button("b")] } } } }));
    assert_eq!(reason(&body), "invalid_message");
}

#[test]
fn when_a_list_has_more_than_10_rows_in_all_should_reject_with_invalid_message() {
    // Each section is within limits; only the total is too high.
    let section = |n: usize, from: usize| {
        json!({ "title": format!("S{from}"), "rows": (from..from + n)
            .map(|i| json!({ "id": format!("r{i}"), "title": format!("Row {i}") }))
            .collect::<Vec<_>>() })
    };
    let body = text_command(json!({ "message": { "type": "interactive", "interactive": {
        "type": "list", "body": { "text": "Pick" },
        "action": { "button": "Options", "sections": [section(6, 0), section(5, 6)] } } } }));
    let e = parse_command(&body).unwrap_err();
    assert_eq!(e.reason(), "invalid_message");
    assert!(e.to_string().contains("11 rows"), "{e}");
}

#[test]
fn an_action_with_a_recipient_should_still_check_the_number() {
    let body = r#"{"idempotency_key":"r","to":"12","message":{"type":"mark_read","message_id":"wamid.A"}}"#;
    assert_eq!(reason(body), "invalid_phone_number");
}

#[test]
fn every_reason_should_be_distinct_snake_case() {
    let mut seen = std::collections::HashSet::new();
    for r in CommandError::REASONS {
        assert!(
            r.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{r}"
        );
        assert!(seen.insert(r), "{r} twice");
    }
}

#[test]
fn error_details_should_not_echo_message_text() {
    let secret = "my card number is 4111";
    let body = text_command(
        json!({ "message": { "type": "text", "text": { "body": secret, "preview_url": "x" } } }),
    );
    let e = parse_command(&body).unwrap_err();
    assert!(!e.to_string().contains("4111"), "{e}");
}

#[test]
fn hostile_field_names_should_be_cut_short_in_error_details() {
    let name = format!("x{}\n", "y".repeat(500));
    let body = text_command(json!({ name: 1 }));
    let shown = parse_command(&body).unwrap_err().to_string();
    assert!(shown.len() < 250 && !shown.contains('\n'), "{shown}");
}
