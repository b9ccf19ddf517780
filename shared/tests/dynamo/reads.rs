//! Reads, and items written under the attribute names before issue #14.

use serde_json::json;
use shared::domain::ids::{ContactKey, WaId};
use shared::domain::outbound::IdempotencyKey;
use shared::ports::contacts::{ContactRecords, HistoryPage, PageError};
use shared::ports::sending::{Claim, LedgerKey, OutboundLedger};

use crate::recorder::Recorder;
use crate::{n, s};

fn contact() -> ContactKey {
    ContactKey::Phone(WaId::parse("16505551234").unwrap())
}

#[tokio::test]
async fn a_finished_key_owes_its_effects_only_to_a_redelivery_of_the_record_that_finished_it() {
    for (record, owed) in [("msg-1", true), ("msg-2", false)] {
        let r = Recorder::default();
        r.refuse_condition(json!({
            "pk": s("C#16505551234"), "sk": s("OUT#k"), "state": s("sent"),
            "wamid": s("wamid.x"), "sent_at": n(10), "origin": s("msg-1"),
        }));
        let key = LedgerKey {
            contact: contact(),
            key: IdempotencyKey::parse("k").unwrap(),
            record: record.into(),
        };
        let claim = r.store().claim(&key, 1_000, 30, 9_000).await.unwrap();
        assert!(
            matches!(claim, Claim::Finished { effects_pending, .. } if effects_pending == owed),
            "{record}: {claim:?}"
        );
    }
}

#[tokio::test]
async fn a_ledger_entry_still_flagged_fx_still_owes_its_events() {
    let r = Recorder::default();
    r.refuse_condition(json!({
        "pk": s("C#16505551234"), "sk": s("OUT#k"), "state": s("sent"),
        "wamid": s("wamid.x"), "sent_at": n(10), "fx": {"BOOL": true},
    }));
    let key = LedgerKey {
        contact: contact(),
        key: IdempotencyKey::parse("k").unwrap(),
        record: "msg-1".into(),
    };
    let claim = r.store().claim(&key, 1_000, 30, 9_000).await.unwrap();
    assert!(
        matches!(
            claim,
            Claim::Finished {
                effects_pending: true,
                ..
            }
        ),
        "{claim:?}"
    );
}

#[tokio::test]
async fn a_message_stored_with_wh_is_read_with_its_webhook_request() {
    let r = Recorder::default();
    r.answer(
        200,
        json!({"Items": [{
            "pk": s("C#16505551234"), "sk": s("M#0000000010#wamid.x"), "wamid": s("wamid.x"),
            "wh": {"M": {"request_id": s("req-0")}},
        }]}),
    );
    let page = r
        .store()
        .history(
            &contact(),
            HistoryPage {
                after: None,
                limit: 10,
                newest_first: true,
            },
            5,
        )
        .await
        .unwrap();
    assert_eq!(page.items[0]["webhook_request"]["request_id"], "req-0");
    assert!(page.items[0].get("wh").is_none());

    let query = r.only("Query");
    assert_eq!(
        query["KeyConditionExpression"],
        "pk = :pk AND begins_with(sk, :prefix)"
    );
    assert_eq!(query["ExpressionAttributeValues"][":prefix"], s("M#"));
    assert_eq!(query["ScanIndexForward"], false);
}

#[tokio::test]
async fn a_history_cursor_that_is_not_a_message_key_is_refused_before_any_read() {
    let r = Recorder::default();
    let forged = shared::domain::privacy::encode_cursor("OUT#k");
    let page = r
        .store()
        .history(
            &contact(),
            HistoryPage {
                after: Some(forged),
                limit: 10,
                newest_first: true,
            },
            5,
        )
        .await;
    assert!(matches!(page, Err(PageError::BadCursor)), "{page:?}");
    assert!(r.sent().is_empty());
}
