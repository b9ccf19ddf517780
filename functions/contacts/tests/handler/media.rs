//! The copies of a contact's files: shown in the history without key or
//! Meta's URL, handed out as a five-minute link (audited), listed by the
//! export, deleted by erasure (the receipt counts them).

use contacts::Settings;
use serde_json::{json, Value};
use shared::adapters::memory_contacts::doc;
use shared::domain::privacy::rfc3339;

use crate::bucket::key;
use crate::support::{call, contact, handler, seed, subject, Handler, NOW, WA_ID};

const LOOKASIDE: &str = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=m1";

/// An inbound image in each state the copy can be in, as the media function
/// records them on the message item.
fn seed_media(h: &Handler) {
    let stored_key = key(&subject(), "wamid.img", "m1");
    for (i, wamid, media) in [
        (
            10,
            "wamid.img",
            json!({"id": "m1", "mime_type": "image/jpeg", "sha256": "abc", "url": LOOKASIDE,
                   "state": "stored", "s3_key": stored_key, "bytes": 2048, "sha256_ok": true,
                   "stored_at": NOW - 50}),
        ),
        (
            11,
            "wamid.pending",
            json!({"id": "m2", "mime_type": "audio/ogg", "voice": true}),
        ),
        (
            12,
            "wamid.gone",
            json!({"id": "m3", "mime_type": "video/mp4", "state": "unavailable",
                   "reason": "meta_not_found"}),
        ),
    ] {
        h.records.seed_message(
            &contact(),
            NOW - 100 + i,
            wamid,
            doc(
                json!({"type": "message", "direction": "in", "message_type": "image",
                       "wamid": wamid, "ts": NOW - 100 + i, "media": media,
                       "expires_at": NOW + 86_400}),
            ),
        );
    }
    h.media.seed(&subject(), "wamid.img", "m1", 2048, NOW - 50);
}

fn media_of(page: &Value, wamid: &str) -> Value {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["wamid"] == wamid)
        .map(|m| m["content"]["media"].clone())
        .unwrap()
}

#[tokio::test]
async fn the_history_shows_each_file_with_its_state_but_never_its_key_or_metas_url() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    seed_media(&h);

    let (status, page) = call(&h, "GET", &format!("/contacts/{WA_ID}/messages"), None).await;

    assert_eq!(status, 200);
    assert_eq!(
        media_of(&page, "wamid.img"),
        json!({"id": "m1", "mime_type": "image/jpeg", "sha256": "abc", "state": "stored", "bytes": 2048})
    );
    assert_eq!(
        media_of(&page, "wamid.pending"),
        json!({"id": "m2", "mime_type": "audio/ogg", "voice": true, "state": "pending"})
    );
    assert_eq!(
        media_of(&page, "wamid.gone"),
        json!({"id": "m3", "mime_type": "video/mp4", "state": "unavailable", "reason": "meta_not_found"})
    );
    let text = page.to_string();
    for hidden in [
        "lookaside",
        "s3_key",
        "sha256_ok",
        &key(&subject(), "wamid.img", "m1"),
    ] {
        assert!(!text.contains(hidden), "{hidden} in {text}");
    }
}

#[tokio::test]
async fn a_stored_file_gets_a_five_minute_link_and_the_read_is_audited() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    seed_media(&h);

    let (status, body) = call(&h, "GET", &format!("/contacts/{WA_ID}/media/m1"), None).await;

    assert_eq!(status, 200, "{body}");
    let url = body["url"].as_str().unwrap();
    assert!(url.contains(&key(&subject(), "wamid.img", "m1")), "{url}");
    assert!(url.contains("X-Amz-Expires=300"), "{url}");
    assert_eq!(body["ttl_seconds"], 300);
    assert_eq!(body["expires_at"], rfc3339(NOW + 300));
    assert_eq!(
        (&body["mime_type"], &body["bytes"], &body["wamid"]),
        (&json!("image/jpeg"), &json!(2048), &json!("wamid.img"))
    );
    let audit = h.audit.audit.lock().unwrap().clone();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "read_media");
    assert_eq!(audit[0].subject_hash, subject());
}

#[tokio::test]
async fn a_file_not_stored_or_not_theirs_is_404_and_says_its_state() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    seed_media(&h);
    let get = |id: &str| format!("/contacts/{WA_ID}/media/{id}");

    let (status, pending) = call(&h, "GET", &get("m2"), None).await;
    assert_eq!(
        (status, &pending),
        (
            404,
            &json!({"error": "media_not_stored", "state": "pending"})
        )
    );
    let (status, gone) = call(&h, "GET", &get("m3"), None).await;
    assert_eq!(
        (status, &gone),
        (
            404,
            &json!({"error": "media_not_stored", "state": "unavailable", "reason": "meta_not_found"})
        )
    );
    assert_eq!(
        call(&h, "GET", &get("m9"), None).await,
        (404, json!({"error": "not_found"}))
    );
    // Recorded as stored, but the object is gone from the bucket.
    h.media.objects.lock().unwrap().clear();
    assert_eq!(call(&h, "GET", &get("m1"), None).await.0, 404);
    assert_eq!(
        call(&h, "GET", &get("m%2F1"), None).await,
        (400, json!({"error": "invalid_media_id"}))
    );
    // Someone else's file is not reachable through this contact.
    let other = "/contacts/16505550000/media/m1";
    assert_eq!(call(&h, "GET", other, None).await.0, 404);
}

#[tokio::test]
async fn an_export_lists_every_file_of_the_contact_with_a_link_and_its_expiry() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    seed_media(&h);
    // A copy whose message is already gone, and someone else's file.
    h.media.seed(&subject(), "wamid.old", "m0", 10, NOW - 90);
    h.media
        .seed("another-subject", "wamid.x", "mx", 5, NOW - 90);

    let (status, export) = call(&h, "GET", &format!("/contacts/{WA_ID}/export"), None).await;

    assert_eq!(status, 200, "{export}");
    let files = export["media"].as_array().unwrap();
    let keys: Vec<&str> = files.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            key(&subject(), "wamid.img", "m1"),
            key(&subject(), "wamid.old", "m0")
        ]
    );
    for f in files {
        assert!(f["url"]
            .as_str()
            .unwrap()
            .contains(f["key"].as_str().unwrap()));
        assert_eq!(f["expires_at"], rfc3339(NOW + 300));
    }
    assert_eq!(files[0]["bytes"], 2048);
    assert_eq!(files[0]["stored_at"], rfc3339(NOW - 50));
}

#[tokio::test]
async fn erasure_deletes_the_contacts_files_and_the_receipt_counts_them() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    seed_media(&h);
    h.media.seed(&subject(), "wamid.old", "m0", 10, NOW - 90);
    h.media
        .seed("another-subject", "wamid.x", "mx", 5, NOW - 90);

    let (status, receipt) = call(&h, "DELETE", &format!("/contacts/{WA_ID}"), None).await;

    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["objects_deleted"], 2);
    assert_eq!(*h.media.erased.lock().unwrap(), [subject()]);
    assert_eq!(h.media.keys(), [key("another-subject", "wamid.x", "mx")]);
}

#[tokio::test]
async fn erasure_deletes_files_left_after_the_items_are_gone_and_a_repeat_gets_the_receipt() {
    let h = handler(Settings::default());
    // No partition: an earlier erasure deleted it, then a copy under way
    // (or a bucket failure) left a file behind.
    h.media.seed(&subject(), "wamid.late", "m7", 99, NOW - 10);
    let path = format!("/contacts/{WA_ID}");

    let (status, receipt) = call(&h, "DELETE", &path, None).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["objects_deleted"], 1);
    assert_eq!(receipt["status"], "completed");
    assert!(h.media.keys().is_empty());

    let (status, again) = call(&h, "DELETE", &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(again["receipt_id"], receipt["receipt_id"]);
    assert_eq!(again["repeat"], true);
}

#[tokio::test]
async fn when_the_bucket_fails_the_erasure_stays_pending_for_the_sweep() {
    let h = handler(Settings::default());
    seed(&h, NOW + 86_400);
    seed_media(&h);
    *h.media.unavailable.lock().unwrap() = true;

    let (status, body) = call(&h, "DELETE", &format!("/contacts/{WA_ID}"), None).await;

    assert_eq!(
        (status, body),
        (503, json!({"error": "temporarily_unavailable"}))
    );
    assert!(
        h.records.partition(&contact()).is_empty(),
        "the items are gone"
    );
    assert_eq!(
        h.receipts.pending.lock().unwrap().len(),
        1,
        "the sweep finishes it"
    );
    assert_eq!(h.media.keys().len(), 1, "the file is still there");
    let pending = shared::ports::contacts::ReceiptStore::by_subject(&h.receipts, &subject(), NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (pending.completed_at, pending.items_deleted),
        (None, 7),
        "the receipt keeps what was deleted"
    );
}
