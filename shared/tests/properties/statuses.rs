//! Status merging is order-independent: Meta delivers statuses out of order
//! and more than once, and the stored status must not depend on that.

use proptest::prelude::*;
use shared::adapters::memory::MemoryStore;
use shared::domain::inbound::{parse_change, Update};
use shared::domain::queued::{QueuedChange, RequestMeta, SignatureMatch};
use shared::domain::records::{Provenance, StatusRecord};
use shared::domain::status::{merged, StatusKind};
use shared::ports::MessageStore;

const WAMID: &str = "wamid.PROP";

fn status_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["sent", "delivered", "read", "played", "failed"])
            .prop_map(str::to_owned),
        1 => prop::sample::select(vec!["deleted", "warning", "Pending"]).prop_map(str::to_owned),
        1 => "[a-z_]{1,10}",
    ]
}

/// Statuses (repeats allowed) and a permutation of the same list.
fn statuses_and_a_permutation() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    prop::collection::vec(status_name(), 1..10)
        .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
}

/// The status webhook for `status`, parsed the way the processor parses it.
fn update(status: &str, timestamp: usize) -> shared::domain::inbound::StatusUpdate {
    let queued = serde_json::json!({
        "waba_id": "1",
        "field": "messages",
        "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "statuses": [{"id": WAMID, "status": status, "timestamp": timestamp.to_string(), "recipient_id": "16505551234"}]
        }
    });
    let change: QueuedChange = serde_json::from_value(queued).expect("a queued change");
    let parsed = parse_change(&change);
    match parsed.updates.into_iter().next() {
        Some(Update::Status(s)) => *s,
        other => panic!("a status update, got {other:?}"),
    }
}

/// Applies the statuses in order to a fresh store; its final `current`.
fn stored_after(statuses: &[String]) -> StatusKind {
    let store = MemoryStore::default();
    let request = RequestMeta {
        request_id: "prop".into(),
        received_at_ms: 0,
        source_ip: None,
        user_agent: None,
        body_bytes: 0,
        signature: SignatureMatch::Current,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    for (i, status) in statuses.iter().enumerate() {
        let update = update(status, 1_764_000_000 + i);
        let record = StatusRecord {
            status: &update,
            from: Provenance {
                waba_id: "1",
                phone_number_id: None,
                request: &request,
                origin: &format!("req-{i}#0"),
            },
            expires_at: 0,
        };
        runtime
            .block_on(store.apply_status(record))
            .expect("the memory store accepts");
    }
    let state = store.state.lock().expect("store lock");
    state.statuses[WAMID].current.clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn merging_any_permutation_of_the_same_statuses_gives_the_same_status(
        (statuses, shuffled) in statuses_and_a_permutation()
    ) {
        let kinds: Vec<StatusKind> = statuses.iter().map(|s| StatusKind::parse(s)).collect();
        let again: Vec<StatusKind> = shuffled.iter().map(|s| StatusKind::parse(s)).collect();
        prop_assert_eq!(merged(&kinds), merged(&again));
    }

    #[test]
    fn the_store_converges_to_the_merged_status_whatever_the_arrival_order(
        (statuses, shuffled) in statuses_and_a_permutation()
    ) {
        let kinds: Vec<StatusKind> = statuses.iter().map(|s| StatusKind::parse(s)).collect();
        let expected = merged(&kinds).cloned().expect("at least one status");
        prop_assert_eq!(&stored_after(&statuses), &expected);
        prop_assert_eq!(&stored_after(&shuffled), &expected);
    }
}
