//! The processor against in-memory fakes, fed what the webhook would queue
//! for each fixture: every inbound type stored once, statuses merged.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use shared::adapters::memory::MemoryQueue;
use shared::domain::envelope::split_for_queue;
use shared::domain::ids::{ContactKey, WaId};
use shared::domain::queued::{RequestMeta, SignatureMatch};
use shared::domain::records::ConsentState;
use shared::domain::status::StatusKind;

mod fakes;

use fakes::processor;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/webhooks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The queue records the webhook makes of each body, as if each were one POST.
fn event(bodies: &[&[u8]]) -> SqsEvent {
    let mut e = SqsEvent::default();
    for (i, body) in bodies.iter().enumerate() {
        e.records.extend(queued(&format!("req-{i}"), body));
    }
    for (n, record) in e.records.iter_mut().enumerate() {
        record.message_id = Some(format!("m{n}"));
    }
    e
}

/// The queue records of one POST whose API Gateway request id is `request_id`.
fn queued(request_id: &str, body: &[u8]) -> Vec<SqsMessage> {
    let meta = RequestMeta {
        request_id: request_id.into(),
        received_at_ms: 1_764_000_000_000,
        source_ip: None,
        user_agent: None,
        body_bytes: 0,
        signature: SignatureMatch::Current,
    };
    split_for_queue(body, &meta, 250_000)
        .unwrap()
        .messages
        .into_iter()
        .map(|message| {
            let mut m = SqsMessage::default();
            m.message_id = Some(request_id.into());
            m.body = Some(message);
            m
        })
        .collect()
}

fn events_of_type(queue: &MemoryQueue, kind: &str) -> usize {
    queue
        .sent()
        .iter()
        .filter(|e| serde_json::from_str::<serde_json::Value>(e).unwrap()["type"] == kind)
        .count()
}

fn ids(body: &[u8], array: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap();
    let mut out = Vec::new();
    for entry in v["entry"].as_array().unwrap() {
        for change in entry["changes"].as_array().unwrap() {
            for m in change["value"][array].as_array().into_iter().flatten() {
                let kind = m
                    .get("type")
                    .or(m.get("status"))
                    .and_then(|t| t.as_str())
                    .unwrap_or_default();
                out.push((m["id"].as_str().unwrap().to_owned(), kind.to_owned()));
            }
        }
    }
    out
}

include!("../../../tests/fixtures/webhooks/message_fixtures.rs");

#[tokio::test]
async fn every_inbound_type_is_stored_once_with_its_type_even_when_delivered_twice() {
    let (p, store) = processor();
    let bodies: Vec<Vec<u8>> = MESSAGE_FIXTURES
        .iter()
        .chain(&["batch_many.json"])
        .map(|f| fixture(f))
        .collect();
    let refs: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
    let r = p.handle(event(&refs)).await.unwrap();
    assert!(r.batch_item_failures.is_empty());
    // Mark what the first delivery stored: a second write over it would show.
    for m in store.state.lock().unwrap().messages.values_mut() {
        m.raw = "first delivery".into();
    }
    let r = p.handle(event(&refs)).await.unwrap();
    assert!(r.batch_item_failures.is_empty());
    let state = store.state.lock().unwrap();
    assert!(
        state.messages.values().all(|m| m.raw == "first delivery"),
        "the second delivery wrote over the first"
    );
    let mut expected = 0;
    for body in &bodies {
        for (id, kind) in ids(body, "messages") {
            let stored = state
                .messages
                .get(&id)
                .unwrap_or_else(|| panic!("{id} ({kind}) not stored"));
            assert_eq!(stored.message_type, kind);
            assert_eq!(stored.direction, "in");
            expected += 1;
        }
    }
    assert_eq!(
        state.messages.len(),
        expected,
        "nothing extra, nothing twice"
    );
}

#[tokio::test]
async fn statuses_converge_to_the_latest_whatever_the_arrival_order() {
    let (p, store) = processor();
    let read = fixture("status_read.json");
    let delivered = fixture("status_delivered.json");
    let sent = fixture("status_sent.json");
    for body in [&read, &delivered, &sent, &delivered] {
        p.handle(event(&[body])).await.unwrap();
    }
    let state = store.state.lock().unwrap();
    let (id, _) = &ids(&read, "statuses")[0];
    let s = &state.statuses[id];
    assert_eq!(s.current, StatusKind::Read);
    assert_eq!(
        s.seen.keys().cloned().collect::<Vec<_>>(),
        vec!["delivered", "read", "sent"]
    );
}

#[tokio::test]
async fn a_failed_status_keeps_its_error_code_and_is_terminal() {
    let (p, store) = processor();
    let failed = fixture("status_failed.json");
    p.handle(event(&[&failed])).await.unwrap();
    let state = store.state.lock().unwrap();
    let (id, _) = &ids(&failed, "statuses")[0];
    assert_eq!(state.statuses[id].current, StatusKind::Failed);
    assert_eq!(state.statuses[id].error_codes, vec![131026]);
}

#[tokio::test]
async fn unknown_status_values_are_stored_and_never_fail_the_batch() {
    let (p, store) = processor();
    let odd = fixture("status_unknown_value.json");
    let r = p
        .handle(event(&[&odd, &fixture("status_deleted.json")]))
        .await
        .unwrap();
    assert!(r.batch_item_failures.is_empty());
    let (id, _) = &ids(&odd, "statuses")[0];
    assert!(store.state.lock().unwrap().statuses[id]
        .seen
        .contains_key("in_orbit"));
}

#[tokio::test]
async fn marketing_stop_and_resume_update_consent_in_order() {
    let (p, store) = processor();
    p.handle(event(&[&fixture("user_preferences_stop.json")]))
        .await
        .unwrap();
    let key = ContactKey::Phone(WaId::parse("16505551237").unwrap());
    assert_eq!(
        store.state.lock().unwrap().contacts[&key].consent,
        ConsentState::OptedOut
    );
    p.handle(event(&[&fixture("user_preferences_resume.json")]))
        .await
        .unwrap();
    assert_eq!(
        store.state.lock().unwrap().contacts[&key].consent,
        ConsentState::OptedIn
    );
}

#[tokio::test]
async fn other_fields_and_value_errors_become_diagnostics() {
    let (p, store) = processor();
    // account_update is a health field: typed, not a diagnostic (health.rs).
    let files = ["template_status_update.json", "value_errors.json"];
    let bodies: Vec<Vec<u8>> = files.iter().map(|f| fixture(f)).collect();
    let refs: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
    let r = p.handle(event(&refs)).await.unwrap();
    assert!(r.batch_item_failures.is_empty());
    assert_eq!(store.state.lock().unwrap().diagnostics.len(), 2);
}

#[tokio::test]
async fn a_number_change_links_old_and_new_and_carries_consent() {
    let (p, store) = processor();
    p.handle(event(&[&fixture("system_user_changed_number.json")]))
        .await
        .unwrap();
    let state = store.state.lock().unwrap();
    let old = ContactKey::Phone(WaId::parse("16505551235").unwrap());
    let new = ContactKey::Phone(WaId::parse("16505551240").unwrap());
    assert_eq!(
        state.contacts[&old].changed_to.as_deref(),
        Some("16505551240")
    );
    assert_eq!(
        state.contacts[&new].changed_from.as_deref(),
        Some("16505551235")
    );
}

#[tokio::test]
async fn the_24_hour_window_starts_at_the_newest_customer_message() {
    let (p, store) = processor();
    p.handle(event(&[&fixture("text.json")])).await.unwrap();
    let key = ContactKey::Phone(WaId::parse("16505551234").unwrap());
    let state = store.state.lock().unwrap();
    let ts: i64 = serde_json::from_slice::<serde_json::Value>(&fixture("text.json")).unwrap()
        ["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(state.contacts[&key].last_inbound_at, Some(ts));
    assert_eq!(
        state.contacts[&key].profile_name.as_deref(),
        Some("Sheena Nelson")
    );
}

#[tokio::test]
async fn a_poison_record_fails_alone() {
    let (p, store) = processor();
    let mut e = event(&[&fixture("text.json"), &fixture("image.json")]);
    let mut poison = SqsMessage::default();
    poison.message_id = Some("poison".into());
    poison.body = Some("{\"not\":\"ours\"}".into());
    e.records.insert(1, poison);
    let r = p.handle(e).await.unwrap();
    let failed: Vec<_> = r
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, vec!["poison"]);
    assert_eq!(store.state.lock().unwrap().messages.len(), 2);
}

#[tokio::test]
async fn a_store_failure_fails_the_record_and_its_retry_stores_it_once() {
    let (p, store) = processor();
    store.fail_next_writes(1);
    let e = || event(&[&fixture("text.json")]);
    let first = p.handle(e()).await.unwrap();
    assert_eq!(first.batch_item_failures.len(), 1);
    let second = p.handle(e()).await.unwrap();
    assert!(second.batch_item_failures.is_empty());
    assert_eq!(store.state.lock().unwrap().messages.len(), 1);
}

#[tokio::test]
async fn when_events_cannot_be_published_every_record_fails_and_their_redelivery_publishes_them() {
    let (p, _) = processor();
    // Two POSTs' records in one invocation: their events go out together.
    let e = || {
        let mut e = SqsEvent::default();
        e.records = queued("req-1", &fixture("text.json"));
        e.records
            .extend(queued("req-2", &fixture("status_delivered.json")));
        e
    };
    p.events.refuse.store(true, Ordering::SeqCst);
    let first = p.handle(e()).await.unwrap();
    assert_eq!(first.batch_item_failures.len(), 2);
    assert!(p.events.sent().is_empty());

    // SQS redelivers the same records: their facts are stored already, from
    // these records, so their effects are owed and done now.
    p.events.refuse.store(false, Ordering::SeqCst);
    let second = p.handle(e()).await.unwrap();
    assert!(second.batch_item_failures.is_empty());
    assert_eq!(events_of_type(&p.events, "message.received"), 1);
    assert_eq!(events_of_type(&p.events, "message.status"), 1);
}

#[tokio::test]
async fn when_meta_delivers_a_webhook_again_its_facts_set_nothing_off_twice() {
    let (p, _) = processor();
    for request_id in ["req-1", "req-2"] {
        for body in [fixture("text.json"), fixture("status_delivered.json")] {
            let mut e = SqsEvent::default();
            e.records = queued(request_id, &body);
            assert!(p.handle(e).await.unwrap().batch_item_failures.is_empty());
        }
    }
    assert_eq!(events_of_type(&p.events, "message.received"), 1);
    assert_eq!(events_of_type(&p.events, "message.status"), 1);
}

#[tokio::test]
async fn an_event_the_queue_always_refuses_fails_only_its_own_record() {
    let (p, _) = processor();
    let status = fixture("status_delivered.json");
    let (wamid, _) = ids(&status, "statuses").remove(0);
    *p.events.refuse_containing.lock().unwrap() = Some(wamid);
    let mut e = SqsEvent::default();
    e.records = queued("req-1", &fixture("text.json"));
    e.records.extend(queued("req-2", &status));
    let response = p.handle(e).await.unwrap();
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["req-2"], "the text message's record went through");
    assert_eq!(events_of_type(&p.events, "message.received"), 1);
    assert_eq!(events_of_type(&p.events, "message.status"), 0);
}

#[tokio::test]
async fn stop_from_a_bsuid_sender_with_automation_off_is_recorded_by_the_bsuid_and_not_answered() {
    use shared::ports::consent::ConsentLedger;
    let (p, _) = processor();
    let text = String::from_utf8(fixture("bsuid_text.json")).unwrap();
    let stop = text.replace(
        "Hello, I found you through your username. Do you ship to Oakland?",
        "STOP",
    );
    p.handle(event(&[stop.as_bytes()])).await.unwrap();
    let key =
        ContactKey::Scoped(shared::domain::ids::UserId::parse("US.13491208655302741918").unwrap());
    let facts = p.consent.facts(&key, 1_764_000_420).await.unwrap();
    assert!(facts.suppressed_marketing && facts.suppressed_utility);
    assert_eq!(events_of_type(&p.events, "contact.opted_out"), 1);
    assert!(p.commands.sent().is_empty(), "no number to answer to");
}
