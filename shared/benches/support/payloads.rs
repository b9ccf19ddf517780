//! The three intake payloads, built the same way for every benchmark so that
//! figures compare like with like: Meta's 1 KB text webhook (the fixture), a
//! batched POST of 100 text messages, and a POST near Meta's 3 MB limit
//! (also the payload of `tests/tests/inbound/large.rs`, which includes this
//! file).

use std::path::PathBuf;

pub fn text_1kb() -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/webhooks/text.json");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One change carrying 100 text messages from 20 customers, as Meta batches
/// them under load.
pub fn batch_100() -> Vec<u8> {
    let mut contacts = Vec::new();
    let mut messages = Vec::new();
    for i in 0..100 {
        let from = format!("1650555{:04}", i % 20);
        if i < 20 {
            contacts.push(format!(
                r#"{{"profile":{{"name":"Customer {from}"}},"wa_id":"{from}"}}"#
            ));
        }
        messages.push(format!(
            r#"{{"from":"{from}","id":"wamid.BATCH{i:04}","timestamp":"{}","type":"text","text":{{"body":"Does the ceramic planter come in another color? ({i})"}}}}"#,
            1_764_000_000 + i
        ));
    }
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}},"contacts":[{}],"messages":[{}]}}}}]}}]}}"#,
        contacts.join(","),
        messages.join(",")
    )
    .into_bytes()
}

/// About 3 MB and 1000 updates: 800 messages and 200 statuses from 50
/// customers across 5 changes, each change too large for one SQS message.
pub fn near_3mb() -> Vec<u8> {
    let mut changes = Vec::new();
    for c in 0..5 {
        let mut contacts = Vec::new();
        let mut messages = Vec::new();
        for i in 0..160 {
            let from = format!("1650556{:04}", (c * 160 + i) % 50);
            contacts.push(format!(
                r#"{{"profile":{{"name":"Customer {from}"}},"wa_id":"{from}"}}"#
            ));
            messages.push(format!(
                r#"{{"from":"{from}","id":"wamid.LARGE{c}x{i}","timestamp":"{}","type":"text","text":{{"body":"{}"}}}}"#,
                1_764_000_000 + i,
                "Umbrella question ".repeat(200)
            ));
        }
        contacts.sort();
        contacts.dedup();
        let statuses: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    r#"{{"id":"wamid.OUT{c}x{i}","status":"delivered","timestamp":"1764000100","recipient_id":"1650556{:04}","pricing":{{"billable":true,"pricing_model":"PMP","type":"regular","category":"utility"}}}}"#,
                    i % 50
                )
            })
            .collect();
        changes.push(format!(
            r#"{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}},"contacts":[{}],"messages":[{}],"statuses":[{}]}}}}"#,
            contacts.join(","),
            messages.join(","),
            statuses.join(",")
        ));
    }
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{}]}}]}}"#,
        changes.join(",")
    )
    .into_bytes()
}

pub fn all() -> [(&'static str, Vec<u8>); 3] {
    [
        ("text_1kb", text_1kb()),
        ("batch_100", batch_100()),
        ("near_3mb", near_3mb()),
    ]
}
