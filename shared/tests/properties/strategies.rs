//! Generators of arbitrary JSON, biased towards the names the parsers look
//! for, so that generated input reaches past the first `match`.

use proptest::prelude::*;
use serde_json::{Map, Value};

/// Keys of Meta's webhooks and of outbound commands, plus a few strangers.
const KEYS: &[&str] = &[
    "object",
    "entry",
    "id",
    "changes",
    "field",
    "value",
    "messaging_product",
    "metadata",
    "phone_number_id",
    "display_phone_number",
    "contacts",
    "profile",
    "name",
    "wa_id",
    "user_id",
    "messages",
    "statuses",
    "from",
    "timestamp",
    "type",
    "text",
    "body",
    "image",
    "caption",
    "status",
    "recipient_id",
    "errors",
    "code",
    "title",
    "pricing",
    "conversation",
    "context",
    "interactive",
    "button_reply",
    "reaction",
    "message_id",
    "emoji",
    "template",
    "language",
    "components",
    "parameters",
    "idempotency_key",
    "to",
    "category",
    "message",
    "reply_to",
    "links",
    "not_after",
    "sub_param",
    "index",
    "x",
    "",
];

/// Strings that mean something to a parser, and arbitrary ones.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "whatsapp_business_account",
            "whatsapp",
            "messages",
            "text",
            "image",
            "status",
            "sent",
            "delivered",
            "read",
            "played",
            "failed",
            "deleted",
            "template",
            "body",
            "button",
            "interactive",
            "16505551234",
            "+16505551234",
            "106540352242922",
            "wamid.A",
            "1764000000",
            "utility",
            "marketing",
            "mark_read",
            "order-1",
            "",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
        "[0-9]{0,20}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS.to_vec()).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// Arbitrary JSON values, up to a few levels deep.
pub fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A webhook envelope whose changes hold arbitrary values.
pub fn envelope() -> impl Strategy<Value = Value> {
    let change = (
        prop::sample::select(vec!["messages", "account_update", "x"]),
        json(),
    )
        .prop_map(|(field, value)| serde_json::json!({"field": field, "value": value}));
    let entry = (text(), prop::collection::vec(change, 0..4))
        .prop_map(|(id, changes)| serde_json::json!({"id": id, "changes": changes}));
    prop::collection::vec(entry, 0..4).prop_map(
        |entry| serde_json::json!({"object": "whatsapp_business_account", "entry": entry}),
    )
}
