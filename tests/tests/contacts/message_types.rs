//! Every message type through the real webhook and processor, answered by
//! `GET /contacts/{wa_id}/messages` with its typed content, read from the
//! typed attributes stored on its item.

use integration_tests::{fixture, World};
use serde_json::{json, Value};

use crate::messages::{assert_no_storage_layout, message_of, messages, TEXT};

/// Per fixture: JSON pointers into the message resource and their values.
fn expected() -> Vec<(&'static str, Vec<(&'static str, Value)>)> {
    vec![
        ("text.json", vec![("/content/text", json!(TEXT))]),
        (
            "image.json",
            vec![
                ("/content/media/id", json!("1029720905126783")),
                (
                    "/content/caption",
                    json!("This is the one I saw in the store"),
                ),
            ],
        ),
        (
            "video.json",
            vec![
                ("/content/media/mime_type", json!("video/mp4")),
                ("/content/caption", json!("Timelapse of growth")),
            ],
        ),
        (
            "document.json",
            vec![
                ("/content/media/filename", json!("receipt-2025-11-24.pdf")),
                (
                    "/content/media/sha256",
                    json!("Q8wj+lK4e0zB0CtbEUFUFR1q3dsXyf3cBrAn+pniQAg="),
                ),
            ],
        ),
        ("audio.json", vec![("/content/media/voice", json!(false))]),
        (
            "voice.json",
            vec![
                ("/content/media/voice", json!(true)),
                ("/content/media/mime_type", json!("audio/ogg; codecs=opus")),
            ],
        ),
        (
            "sticker.json",
            vec![("/content/media/animated", json!(false))],
        ),
        (
            "location.json",
            vec![
                ("/content/location/latitude", json!(37.44221496582)),
                ("/content/location/longitude", json!(-122.16165924072)),
                ("/content/location/name", json!("Philz Coffee")),
                (
                    "/content/location/address",
                    json!("101 Forest Ave, Palo Alto, CA 94301"),
                ),
            ],
        ),
        (
            "location_request_reply.json",
            vec![
                (
                    "/content/location/name",
                    json!("Solomon R. Guggenheim Museum"),
                ),
                (
                    "/reply_to",
                    json!("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIzODQ5RkI0RDYyN0M4MkQxNDYA"),
                ),
            ],
        ),
        (
            "contacts.json",
            vec![
                (
                    "/content/contacts/0/name/formatted_name",
                    json!("Barbara J. Johnson"),
                ),
                ("/content/contacts/0/phones/0/wa_id", json!("16505551299")),
                (
                    "/content/contacts/0/emails/0/email",
                    json!("barbara.johnson@example.com"),
                ),
            ],
        ),
        (
            "interactive_button_reply.json",
            vec![(
                "/content/interactive",
                json!({"type": "button_reply", "id": "change-button", "title": "Change"}),
            )],
        ),
        (
            "interactive_list_reply.json",
            vec![
                ("/content/interactive/id", json!("priority_express")),
                ("/content/interactive/title", json!("Priority Mail Express")),
            ],
        ),
        (
            "interactive_nfm_reply.json",
            vec![
                ("/content/interactive/type", json!("nfm_reply")),
                ("/content/interactive/name", json!("flow")),
            ],
        ),
        (
            "button.json",
            vec![(
                "/content/button",
                json!({"payload": "STOP_PROMOTIONS", "text": "Stop promotions"}),
            )],
        ),
        (
            "reaction.json",
            vec![
                ("/content/reaction/emoji", json!("👍")),
                ("/content/reaction/removed", json!(false)),
            ],
        ),
        (
            "reaction_removed.json",
            vec![
                ("/content/reaction/removed", json!(true)),
                (
                    "/content/reaction/message_id",
                    json!("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA"),
                ),
            ],
        ),
        (
            "order.json",
            vec![
                ("/content/order/catalog_id", json!("194836987003835")),
                (
                    "/content/order/items/0/product_retailer_id",
                    json!("di9ozbzfi4"),
                ),
                ("/content/order/items/0/quantity", json!(2)),
                ("/content/order/items/1/item_price", json!(12.99)),
                ("/content/order/items/1/currency", json!("USD")),
            ],
        ),
        (
            "system_user_changed_number.json",
            vec![(
                "/content/system",
                json!({"type": "user_changed_number", "new_wa_id": "16505551240"}),
            )],
        ),
        (
            "system_customer_identity_changed.json",
            vec![("/content/system/type", json!("customer_identity_changed"))],
        ),
        (
            "unsupported.json",
            vec![(
                "/content/unsupported",
                json!({"type": "poll", "error_codes": [131051]}),
            )],
        ),
        (
            "edit.json",
            vec![
                (
                    "/content/edit/original_message_id",
                    json!("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA="),
                ),
                (
                    "/content/edit/content/text",
                    json!("Hi! Does the ceramic planter come in another colour, e.g. green?"),
                ),
            ],
        ),
        (
            "revoke.json",
            vec![(
                "/content/revoke/original_message_id",
                json!("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRGODI3OEM4OUFEMTZEQTA1RgA="),
            )],
        ),
        (
            "unknown_type.json",
            vec![("/content", json!({})), ("/type", json!("hologram"))],
        ),
        (
            "text_ctwa_referral.json",
            vec![
                ("/content/text", json!("Can I get more info about this?")),
                ("/referral/source_type", json!("ad")),
                ("/referral/headline", json!("Chat with us")),
            ],
        ),
        (
            "text_referred_product.json",
            vec![("/referred_product/product_retailer_id", json!("di9ozbzfi4"))],
        ),
        (
            "text_reply_context.json",
            vec![(
                "/reply_to",
                json!("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIwNjFFNjMyQjg3MEZFNTAwQTEA"),
            )],
        ),
        ("text_forwarded.json", vec![("/forwarded", json!(true))]),
        (
            "group_text.json",
            vec![(
                "/group_id",
                json!("Y2FwaV9ncm91cDoxNTU1MDc4Mzg4MToxMjAzNjM0MDQ2OTQyMzM5ODEZD"),
            )],
        ),
        ("bsuid_text.json", vec![("/direction", json!("in"))]),
        (
            "smb_message_echo.json",
            vec![
                ("/direction", json!("echo")),
                (
                    "/content/text",
                    json!("Thanks Pablo, your order ships tomorrow morning."),
                ),
            ],
        ),
    ]
}

#[tokio::test]
async fn every_message_type_is_answered_with_its_typed_content_read_from_stored_attributes() {
    let world = World::new().await;
    let table = expected();
    for (name, _) in &table {
        let status = world
            .post_signed(&world.webhook(), &fixture(name))
            .await
            .status();
        assert_eq!(status, 200, "{name}");
    }
    world.drain(&world.processor()).await;
    let stored = world.items_of_type("message").await;
    for (name, checks) in table {
        let (contact, wamid) = message_of(name);
        let body = messages(&world, &contact).await;
        let m = body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["wamid"] == wamid.as_str())
            .unwrap_or_else(|| panic!("{name}: {wamid} not in {body}"));
        assert_no_storage_layout(m);
        for (pointer, value) in checks {
            assert_eq!(m.pointer(pointer), Some(&value), "{name} {pointer}: {m}");
        }
        // Served from the item's typed attributes, not read again from raw.
        let item = stored
            .iter()
            .find(|i| i["wamid"].as_s().ok() == Some(&wamid))
            .unwrap();
        for key in m["content"].as_object().unwrap().keys() {
            assert!(item.contains_key(key), "{name}: no stored attribute {key}");
        }
    }
}
