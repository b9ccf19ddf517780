//! Reads: a storage outage, an expired profile, the audit trail.

use contacts::Settings;
use secrecy::SecretString;
use serde_json::{json, Value};

use crate::support::{call, contact, get_with, handler, seed, NOW, WA_ID};

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
