//! The contacts handler against the in-memory fakes of its ports. The same
//! routes run against moto in `tests/tests/contacts`; these cover what is
//! awkward to arrange there: a storage outage, an expired profile that TTL
//! has not deleted yet, a fixed clock.

use contacts::{Contacts, ContactsPorts, Settings};
use lambda_http::{Body, Request, Response};
use secrecy::SecretString;
use serde_json::{json, Value};
use shared::adapters::memory::MemoryQueue;
use shared::adapters::memory_consent::MemoryConsent;
use shared::adapters::memory_contacts::{doc, FixedKeyHasher, MemoryPartitions, MemoryReceipts};
use shared::domain::ids::{ContactKey, WaId};
use shared::ports::contacts::DatedLog;
use shared::ports::Clock;

const NOW: i64 = 1_796_000_000;
const WA_ID: &str = "16505551234";

struct At(i64);

impl Clock for At {
    fn now_ms(&self) -> i64 {
        self.0 * 1000
    }
}

/// The in-memory fakes, at a fixed instant.
enum Fakes {}

impl ContactsPorts for Fakes {
    type Records = MemoryPartitions;
    type Eraser = MemoryPartitions;
    type Receipts = MemoryReceipts;
    type Audit = MemoryReceipts;
    type Hasher = FixedKeyHasher;
    type Clock = At;
    type Events = MemoryQueue;
    type Consent = MemoryConsent;
}

type Handler = Contacts<Fakes>;

fn handler(settings: Settings) -> Handler {
    let partitions = MemoryPartitions::default();
    let receipts = MemoryReceipts::default();
    Contacts {
        records: partitions.clone(),
        eraser: partitions,
        receipts: receipts.clone(),
        audit: receipts,
        hasher: FixedKeyHasher(SecretString::from("test-hash-key")),
        clock: At(NOW),
        settings,
        events: MemoryQueue::default(),
        consent: MemoryConsent::default(),
    }
}

fn contact() -> ContactKey {
    ContactKey::Phone(WaId::parse(WA_ID).unwrap())
}

/// A live profile and three messages, as the processor stores them.
fn seed(h: &Handler, profile_expires_at: i64) {
    h.records.seed_profile(
        &contact(),
        doc(json!({"type": "contact", "wa_id": WA_ID, "profile_name": "Sheena", "expires_at": profile_expires_at})),
    );
    for i in 1..=3 {
        h.records.seed_message(
            &contact(),
            NOW - 100 + i,
            &format!("wamid.{i}"),
            doc(json!({"type": "message", "wamid": format!("wamid.{i}"), "expires_at": NOW + 86_400})),
        );
    }
}

async fn call(h: &Handler, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map_or(Body::Empty, |b| Body::from(b.to_string()));
    let req: Request = lambda_http::http::Request::builder()
        .method(method)
        .uri(path)
        .body(body)
        .unwrap();
    let response: Response<Body> = h.handle(req).await.unwrap();
    let status = response.status().as_u16();
    let value = serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null);
    (status, value)
}

#[tokio::test]
async fn when_storage_fails_the_request_is_answered_503_and_still_audited() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    *h.records.unavailable.lock().unwrap() = true;
    let (status, body) = call(&h, "GET", &format!("/contacts/{WA_ID}"), None).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"], "temporarily_unavailable");
    let audit = h.audit.audit.lock().unwrap().clone();
    assert_eq!(audit.len(), 1, "the attempt is in the audit log");
    assert_eq!(audit[0].action, "read_profile");
    assert!(!audit[0].subject_hash.contains(WA_ID));
}

#[tokio::test]
async fn an_expired_profile_is_neither_shown_nor_changed_but_is_still_exported() {
    let h = handler(Settings::default());
    seed(&h, NOW - 1);
    let path = format!("/contacts/{WA_ID}");
    assert_eq!(call(&h, "GET", &path, None).await.0, 404);
    let (status, _) = call(&h, "PATCH", &path, Some(json!({"display_name": "S."}))).await;
    assert_eq!(status, 404);
    let profile = h
        .records
        .partition(&contact())
        .into_iter()
        .find(|d| d["sk"] == "PROFILE")
        .unwrap();
    assert!(profile.get("display_name").is_none(), "nothing was written");
    // Until TTL deletes it, it is still the person's data: an export shows it.
    let (status, export) = call(&h, "GET", &format!("{path}/export"), None).await;
    assert_eq!(status, 200);
    let items = export["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert!(items.iter().any(|i| i["kind"] == "profile"));
}

#[tokio::test]
async fn a_handoff_through_the_api_is_set_and_internal_systems_hear_of_it() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    let path = format!("/contacts/{WA_ID}/handoff");
    let (status, body) = call(
        &h,
        "PUT",
        &path,
        Some(json!({"active": true, "minutes": 30})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["profile"]["handoff_until"], NOW + 30 * 60);
    let (status, body) = call(&h, "PUT", &path, Some(json!({"active": false}))).await;
    assert_eq!(status, 200);
    assert!(body["profile"].get("handoff_until").is_none());
    let kinds: Vec<String> = h
        .events
        .sent()
        .iter()
        .map(|e| {
            serde_json::from_str::<Value>(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "conversation.handoff_requested",
            "conversation.handoff_released"
        ]
    );
}

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

#[tokio::test]
async fn a_consent_change_touches_its_category_only_and_is_announced_once_even_without_a_profile() {
    use shared::ports::consent::ConsentLedger;
    let h = handler(Settings::default());
    let path = format!("/contacts/{WA_ID}/consent");
    let (status, body) = call(
        &h,
        "PUT",
        &path,
        Some(json!({"state": "opted_out", "category": "marketing"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["profile"], Value::Null, "no profile, still recorded");
    let facts = h.consent.facts(&contact(), NOW).await.unwrap();
    assert!(facts.suppressed_marketing && !facts.suppressed_utility);
    let events: Vec<Value> = h
        .events
        .sent()
        .iter()
        .map(|b| serde_json::from_str(b).unwrap())
        .collect();
    let opted_out: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "contact.opted_out")
        .collect();
    assert_eq!(opted_out.len(), 1);
    assert_eq!(opted_out[0]["data"]["category"], "marketing");
    assert_eq!(opted_out[0]["data"]["source"], "api");

    let (status, _) = call(
        &h,
        "PUT",
        &path,
        Some(json!({"state": "opted_out", "category": "newsletter"})),
    )
    .await;
    assert_eq!(status, 400, "an unknown category is refused");
    let (status, _) = call(&h, "PUT", &path, Some(json!({"state": "opted_in"}))).await;
    assert_eq!(status, 200);
    let facts = h.consent.facts(&contact(), NOW).await.unwrap();
    assert!(!facts.suppressed_marketing && facts.marketing_opt_in);
}

fn event_ids(h: &Handler, kind: &str) -> Vec<String> {
    h.events
        .sent()
        .iter()
        .map(|e| serde_json::from_str::<Value>(e).unwrap())
        .filter(|e| e["type"] == kind)
        .map(|e| e["event_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_restriction_whose_event_could_not_be_published_is_announced_by_the_repeat_once() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    let path = format!("/contacts/{WA_ID}/restriction");
    let on = Some(json!({"restricted": true, "reason": "objection"}));
    h.events
        .refuse
        .store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(call(&h, "PUT", &path, on.clone()).await.0, 503);
    h.events
        .refuse
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let (status, body) = call(&h, "PUT", &path, on.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(body["profile"]["restricted"], true);
    assert_eq!(call(&h, "PUT", &path, on).await.0, 200);
    assert_eq!(
        event_ids(&h, "contact.restricted").len(),
        1,
        "once per change"
    );
    assert!(!h.events.sent().iter().any(|e| e.contains("objection")));
    // Lifting is another change; lifting what is not restricted is none.
    let off = Some(json!({"restricted": false}));
    assert_eq!(call(&h, "PUT", &path, off.clone()).await.0, 200);
    assert_eq!(call(&h, "PUT", &path, off).await.0, 200);
    assert_eq!(event_ids(&h, "contact.restriction_lifted").len(), 1);
}

/// GET `path` with query parameters, as API Gateway passes them.
async fn get_with(h: &Handler, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
    use lambda_http::RequestExt;
    let params: std::collections::HashMap<String, String> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let req = lambda_http::http::Request::builder()
        .method("GET")
        .uri(path)
        .body(Body::Empty)
        .unwrap()
        .with_query_string_parameters(params);
    let response = h.handle(req).await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn the_audit_trail_pages_newest_first_and_refuses_a_forged_cursor() {
    let h = handler(Settings::default());
    let subject =
        shared::domain::privacy::subject_hash(&SecretString::from("test-hash-key"), &contact());
    for (i, action) in ["read_profile", "export", "erase"].iter().enumerate() {
        shared::ports::contacts::AuditLog::record(
            &h.audit,
            &shared::domain::privacy::AuditRecord {
                principal: "arn:aws:iam::1:user/alice".into(),
                action: (*action).into(),
                detail: None,
                subject_hash: subject.clone(),
                at_ms: (NOW - 10 + i as i64) * 1000,
                request_id: format!("r{i}"),
                expires_at: NOW + 86_400,
            },
        )
        .await
        .unwrap();
    }
    let path = format!("/contacts/{WA_ID}/audit");
    let (status, first) = get_with(&h, &path, &[("limit", "2")]).await;
    assert_eq!(status, 200);
    let actions = |v: &Value| -> Vec<String> {
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap().to_owned())
            .collect()
    };
    // The newest is this request's own read_audit, left out of its answer.
    assert_eq!(actions(&first), ["erase"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = get_with(&h, &path, &[("limit", "2"), ("cursor", cursor)]).await;
    assert_eq!(actions(&second), ["export", "read_profile"]);
    let forged = shared::domain::privacy::encode_cursor("M#0000000001#wamid.x");
    assert_eq!(get_with(&h, &path, &[("cursor", &forged)]).await.0, 400);
    assert_eq!(get_with(&h, &path, &[("limit", "101")]).await.0, 400);
}
