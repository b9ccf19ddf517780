//! Erasure: pending when too large for one request, and the diagnostics it
//! reaches or dates.

use contacts::Settings;
use serde_json::{json, Value};
use shared::adapters::memory_contacts::doc;
use shared::ports::contacts::DatedLog;

use crate::support::{call, contact, handler, seed, NOW, WA_ID};

#[tokio::test]
async fn an_erasure_too_large_for_one_request_is_pending_then_finished_with_one_receipt() {
    let h = handler(Settings {
        erase_sync_max_items: 3,
        ..Settings::default()
    });
    seed(&h, NOW + 86_400);
    let path = format!("/contacts/{WA_ID}");
    let (status, first) = call(&h, "DELETE", &path, None).await;
    assert_eq!(status, 202);
    assert_eq!(first["items_deleted"], 3);
    assert_eq!(
        h.receipts.pending.lock().unwrap().len(),
        1,
        "the sweep will finish it"
    );
    let (status, second) = call(&h, "DELETE", &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(second["receipt_id"], first["receipt_id"]);
    assert_eq!(second["items_deleted"], 4);
    assert!(h.records.partition(&contact()).is_empty());
    assert!(h.receipts.pending.lock().unwrap().is_empty());
    // Asked again once nothing is left: the same receipt, marked as a repeat.
    let (status, third) = call(&h, "DELETE", &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(third["receipt_id"], first["receipt_id"]);
    assert_eq!(third["repeat"], true);
}

#[tokio::test]
async fn erasure_deletes_the_diagnostics_that_mention_the_person_and_dates_what_it_cannot_reach() {
    let h = handler(Settings {
        retention_days: 30,
        backup_days: 3,
        ..Settings::default()
    });
    seed(&h, NOW + 86_400);
    let today = shared::domain::privacy::day_of(NOW);
    let day = |back: i64| shared::domain::privacy::day_of(NOW - back * 86_400);
    for (pk, sk, content) in [
        // A status element with only a wamid of theirs, which encodes the number.
        (
            day(0),
            "1",
            r#"{"id":"wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA"}"#,
        ),
        // One of their stored wamids, and the number itself.
        (day(3), "2", r#"{"statuses":[{"id":"wamid.2"}]}"#),
        (
            day(37),
            "3",
            r#"{"from":"16505551234","text":{"body":"hi"}}"#,
        ),
        // Someone else's, and a longer number holding theirs.
        (
            day(1),
            "4",
            r#"{"from":"16505550000","text":{"body":"hi"}}"#,
        ),
        (day(1), "5", r#"{"phone_number_id":"9916505551234"}"#),
    ] {
        h.records.seed_dated(
            DatedLog::Diagnostics,
            &pk,
            NOW * 1000,
            sk,
            doc(json!({"type": "diagnostic", "content": content, "expires_at": NOW + 86_400})),
        );
    }

    let (status, receipt) = call(&h, "DELETE", &format!("/contacts/{WA_ID}"), None).await;

    assert_eq!(status, 200, "{receipt}");
    assert_eq!(
        receipt["items_deleted"],
        4 + 3,
        "the partition and three diagnostics"
    );
    let left: Vec<String> = h
        .records
        .dated
        .lock()
        .unwrap()
        .iter()
        .filter(|((log, _), _)| *log == DatedLog::Diagnostics)
        .flat_map(|(_, p)| p.keys().map(|(_, id)| id.clone()))
        .collect();
    assert_eq!(left, ["4", "5"], "as of {today}");
    let until: Vec<&Value> = receipt["not_reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["until"])
        .collect();
    let date = |days: i64| json!(shared::domain::privacy::rfc3339(NOW + days * 86_400));
    assert_eq!(until, [&date(4), &date(14), &date(3)]);
    assert_eq!(
        receipt["kept"][0]["what"],
        "keyed hash of the number, kept so the opt-out is honoured"
    );
}
