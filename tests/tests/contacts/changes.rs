use integration_tests::{contacts_request, parts};
use serde_json::json;

use crate::common::{audit, seeded, WA_ID};

#[tokio::test]
async fn correction_links_restriction_and_consent_change_the_profile_and_are_audited() {
    let world = seeded().await;
    let contacts = world.contacts();
    let path = format!("/contacts/{WA_ID}");
    let call = |m: &'static str, p: String, b: serde_json::Value| {
        let c = &contacts;
        async move { parts(c.handle(contacts_request(m, &p, Some(b))).await.unwrap()) }
    };
    let (s, b) = call(
        "PATCH",
        path.clone(),
        json!({"display_name": "Ann Lee", "locale": "en_GB", "custom_fields": {"tier": "gold"}}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = call(
        "POST",
        format!("{path}/links"),
        json!({"system": "crm", "type": "lead", "id": "L-7"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, _) = call(
        "PUT",
        format!("{path}/restriction"),
        json!({"restricted": true, "reason": "objection"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = call(
        "PUT",
        format!("{path}/consent"),
        json!({"state": "opted_out", "category": "marketing"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, b) = call("PATCH", path.clone(), json!({"phone": "1"})).await;
    assert_eq!(s, 400, "{b}");

    let profile = world.get(&format!("C#{WA_ID}"), "PROFILE").await.unwrap();
    let get = |k: &str| integration_tests::s(&profile, k).map(str::to_owned);
    assert_eq!(get("display_name").as_deref(), Some("Ann Lee"));
    assert_eq!(get("locale").as_deref(), Some("en_GB"));
    assert_eq!(get("consent_state").as_deref(), Some("opted_out"));
    assert_eq!(get("consent_source").as_deref(), Some("api"));
    assert_eq!(profile["restricted"].as_bool().unwrap(), &true);
    assert_eq!(
        profile["custom_fields"].as_m().unwrap()["tier"]
            .as_s()
            .unwrap(),
        "gold"
    );

    let (s, view) = parts(
        contacts
            .handle(contacts_request("GET", &path, None))
            .await
            .unwrap(),
    );
    assert_eq!(s, 200);
    assert_eq!(view["restricted"], true);
    assert_eq!(view["links"][0]["record_id"], "L-7");
    assert!(view["consent_history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["source"] == "api"));

    let actions: Vec<String> = audit(&world).await.into_iter().map(|a| a.0).collect();
    for a in [
        "correct_profile",
        "add_link",
        "set_restriction",
        "set_consent",
        "read_profile",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} not audited: {actions:?}"
        );
    }
}
