//! The typed content as named fields, per message type: the shape the
//! processor stores beside the raw element and the contacts API serves
//! (docs/contracts/contacts-api.yaml, `MessageContent`).

use serde_json::{json, Value};
use shared::domain::inbound::{message_fields, CONTENT_FIELDS};

use crate::{fixture, only_message};

fn fields(name: &str) -> Value {
    Value::Object(message_fields(&only_message(&fixture(name))))
}

#[test]
fn each_message_type_maps_to_its_documented_fields() {
    let table = [
        (
            "text.json",
            json!({"text": "Hi! Does the ceramic planter come in another color?"}),
        ),
        (
            "document.json",
            json!({
            "media": {"id": "1436392082154411", "mime_type": "application/pdf",
                      "sha256": "Q8wj+lK4e0zB0CtbEUFUFR1q3dsXyf3cBrAn+pniQAg=",
                      "filename": "receipt-2025-11-24.pdf",
                      "url": fixture("document.json")["entry"][0]["changes"][0]["value"]["messages"][0]["document"]["url"]},
            "caption": "my receipt"}),
        ),
        (
            "voice.json",
            json!({"media": {"id": "1932670418436468", "mime_type": "audio/ogg; codecs=opus",
            "sha256": "xX1+kgGXCLYUyQ+jaFzWRPVDpgFT+5nsm2fDgaJF+yo=", "voice": true,
            "url": fixture("voice.json")["entry"][0]["changes"][0]["value"]["messages"][0]["audio"]["url"]}}),
        ),
        (
            "location.json",
            json!({"location": {"latitude": 37.44221496582, "longitude": -122.16165924072,
            "name": "Philz Coffee", "address": "101 Forest Ave, Palo Alto, CA 94301", "url": "https://philzcoffee.com/"}}),
        ),
        (
            "interactive_button_reply.json",
            json!({"interactive": {"type": "button_reply", "id": "change-button", "title": "Change"},
            "reply_to": fixture("interactive_button_reply.json")["entry"][0]["changes"][0]["value"]["messages"][0]["context"]["id"]}),
        ),
        (
            "reaction.json",
            json!({"reaction": {"message_id": "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA", "emoji": "👍", "removed": false}}),
        ),
        (
            "reaction_removed.json",
            json!({"reaction": {"message_id": "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA", "removed": true}}),
        ),
        (
            "order.json",
            json!({"order": {"catalog_id": "194836987003835", "text": "Love these!", "items": [
            {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": 30.0, "currency": "USD"},
            {"product_retailer_id": "nqryix03ez", "quantity": 1, "item_price": 12.99, "currency": "USD"}]}}),
        ),
        (
            "system_user_changed_number.json",
            json!({"system": {"type": "user_changed_number", "new_wa_id": "16505551240"}}),
        ),
        (
            "unsupported.json",
            json!({"unsupported": {"type": "poll", "error_codes": [131051]}}),
        ),
        (
            "edit.json",
            json!({"edit": {"original_message_id": "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA=",
            "type": "text", "content": {"text": "Hi! Does the ceramic planter come in another colour, e.g. green?"}}}),
        ),
        (
            "revoke.json",
            json!({"revoke": {"original_message_id": "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRGODI3OEM4OUFEMTZEQTA1RgA="}}),
        ),
        (
            "text_forwarded.json",
            json!({"forwarded": true, "text": fixture("text_forwarded.json")["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"]}),
        ),
        ("unknown_type.json", json!({})),
    ];
    for (name, expected) in table {
        assert_eq!(fields(name), expected, "{name}");
    }
}

#[test]
fn the_ad_and_the_product_a_message_came_from_are_fields_beside_the_content() {
    let ad = fields("text_ctwa_referral.json");
    assert_eq!(ad["referral"]["source_type"], "ad");
    assert_eq!(
        ad["referral"]["welcome_message"],
        "Hi there! Let us know how we can help!"
    );
    assert!(ad["referral"]["ctwa_clid"]
        .as_str()
        .is_some_and(|c| c.starts_with("ARAk")));
    let product = fields("text_referred_product.json");
    assert_eq!(
        product["referred_product"],
        json!({"catalog_id": "194836987003835", "product_retailer_id": "di9ozbzfi4"})
    );
}

#[test]
fn every_content_field_a_fixture_produces_is_a_declared_one() {
    let context = [
        "reply_to",
        "forwarded",
        "group_id",
        "referral",
        "referred_product",
    ];
    for entry in std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/webhooks"
    ))
    .unwrap()
    {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let body = fixture_if_message(&name);
        for key in body
            .iter()
            .flat_map(|f| f.keys().cloned().collect::<Vec<_>>())
        {
            assert!(
                CONTENT_FIELDS.contains(&key.as_str()) || context.contains(&key.as_str()),
                "{name}: {key}"
            );
        }
    }
}

/// The fields of each message a fixture holds (none for other fixtures).
fn fixture_if_message(name: &str) -> Vec<serde_json::Map<String, Value>> {
    if !name.ends_with(".json") {
        return Vec::new();
    }
    let body = fixture(name);
    if body["object"] != "whatsapp_business_account" {
        return Vec::new();
    }
    crate::parse(&body)
        .into_iter()
        .flat_map(|c| c.updates)
        .filter_map(|u| match u {
            shared::domain::inbound::Update::Message(m) => Some(message_fields(&m)),
            _ => None,
        })
        .collect()
}
