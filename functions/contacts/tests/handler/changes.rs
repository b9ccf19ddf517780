//! Changes and the events that announce them: handoff, consent, restriction.

use contacts::Settings;
use serde_json::{json, Value};

use crate::support::{call, contact, event_ids, handler, seed, NOW, WA_ID};

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
