//! Parsing never panics: every input ends in a value or an error.

use proptest::prelude::*;
use shared::domain::envelope::split_for_queue;
use shared::domain::inbound::parse_change;
use shared::domain::outbound::parse_command;
use shared::domain::queued::{QueuedChange, RequestMeta, SignatureMatch};

use crate::strategies::{envelope, json};

fn meta(body_bytes: usize) -> RequestMeta {
    RequestMeta {
        request_id: "prop".into(),
        received_at_ms: 0,
        source_ip: None,
        user_agent: None,
        body_bytes,
        signature: SignatureMatch::Current,
    }
}

/// Small enough that generated changes are also cut into slices.
const SMALL_QUEUE_MESSAGE: usize = 2 * 1024;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn splitting_arbitrary_bytes_never_panics(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = split_for_queue(&body, &meta(body.len()), SMALL_QUEUE_MESSAGE);
    }

    #[test]
    fn splitting_arbitrary_json_never_panics(value in json()) {
        let body = value.to_string();
        let _ = split_for_queue(body.as_bytes(), &meta(body.len()), SMALL_QUEUE_MESSAGE);
    }

    #[test]
    fn every_queued_slice_of_an_arbitrary_envelope_parses_without_panicking(value in envelope()) {
        let body = value.to_string();
        // Both the normal limit and one small enough to cut values apart.
        for limit in [250 * 1024, SMALL_QUEUE_MESSAGE] {
            let result = split_for_queue(body.as_bytes(), &meta(body.len()), limit);
            // At the real limit a generated envelope (far below it) is always
            // accepted. At the tiny one, a change whose value is not an object
            // cannot be cut and is refused as `wrong_shape`: an answer, not a panic.
            let intake = match result {
                Ok(intake) => intake,
                Err(e) if limit == SMALL_QUEUE_MESSAGE => {
                    prop_assert_eq!(e.reason(), "wrong_shape");
                    continue;
                }
                Err(e) => panic!("a well-formed envelope is accepted: {e}"),
            };
            for message in &intake.messages {
                let batch: shared::domain::queued::QueuedBatch =
                    serde_json::from_str(message).expect("the webhook writes valid batches");
                for change in &batch.changes {
                    let _ = parse_change(change);
                }
            }
        }
    }

    #[test]
    fn parsing_a_change_with_an_arbitrary_value_never_panics(
        field in prop::sample::select(vec!["messages", "account_update", "rejected", "x"]),
        value in json(),
    ) {
        let queued = serde_json::json!({"waba_id": "1", "field": field, "value": value});
        let change: QueuedChange = serde_json::from_value(queued).expect("a queued change");
        let _ = parse_change(&change);
    }

    #[test]
    fn parsing_an_arbitrary_command_never_panics(value in json()) {
        let _ = parse_command(&value.to_string());
    }

    #[test]
    fn parsing_a_command_of_arbitrary_text_never_panics(body in any::<String>()) {
        let _ = parse_command(&body);
    }

    #[test]
    fn parsing_a_command_with_an_arbitrary_message_never_panics(message in json(), to in "[+0-9 ]{0,18}") {
        let body = serde_json::json!({"idempotency_key": "k", "to": to, "message": message});
        let _ = parse_command(&body.to_string());
    }
}
