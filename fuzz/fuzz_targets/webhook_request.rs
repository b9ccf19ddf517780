//! The webhook's request path on arbitrary bodies: signature check, split
//! into queue messages, then the processor's parse of every queued change.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secrecy::SecretString;
use shared::domain::envelope::split_for_queue;
use shared::domain::inbound::parse_change;
use shared::domain::queued::{QueuedBatch, RequestMeta, SignatureMatch};
use shared::signature::{sign, verify};

const SECRET: &str = "fuzz-app-secret";

fuzz_target!(|body: &[u8]| {
    let secret = SecretString::from(SECRET.to_owned());
    // A correct signature always verifies; the body itself as a header never panics.
    let header = sign(SECRET, body);
    assert_eq!(
        verify(Some(&header), body, &secret, None),
        Ok(SignatureMatch::Current)
    );
    let _ = verify(std::str::from_utf8(body).ok(), body, &secret, None);

    let meta = RequestMeta {
        request_id: "fuzz".into(),
        received_at_ms: 0,
        source_ip: None,
        user_agent: None,
        body_bytes: body.len(),
        signature: SignatureMatch::Current,
    };
    // The deployed limit, and a small one so that values are cut into slices.
    for limit in [250 * 1024, 2 * 1024] {
        let Ok(intake) = split_for_queue(body, &meta, limit) else {
            continue;
        };
        for message in &intake.messages {
            let batch: QueuedBatch =
                serde_json::from_str(message).expect("the webhook writes valid batches");
            for change in &batch.changes {
                let _ = parse_change(change);
            }
        }
    }
});
