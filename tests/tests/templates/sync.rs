//! The sync: every page of Meta's template list into the store; a page Meta
//! refuses keeps what the store knew.

use integration_tests::{s, World};
use serde_json::json;

use crate::common::{sim_post, sync, WABA};

fn template_items(items: &[integration_tests::Item]) -> usize {
    items
        .iter()
        .filter(|i| s(i, "type") == Some("template") && s(i, "pk") == Some(&*format!("TPL#{WABA}")))
        .count()
}

#[tokio::test]
async fn a_waba_with_250_templates_is_synced_in_three_pages_and_its_number_is_mapped() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    sim_post(
        &sim,
        "/_sim/templates",
        json!({"generate": {"count": 250}, "replace": true}),
    )
    .await;

    let report = sync(&world, &sim).await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.synced[0].templates, 250);
    let pages = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/message_templates"))
        .count();
    assert_eq!(pages, 3);
    assert_eq!(template_items(&world.items().await), 250);
    let mapped = world
        .get(
            &format!("TPLNUM#{}", integration_tests::PHONE_NUMBER_ID),
            "WABA",
        )
        .await
        .expect("the number's WABA is recorded");
    assert_eq!(s(&mapped, "waba_id"), Some(WABA));
    let state = world.get(&format!("TPL#{WABA}"), "SYNC").await.unwrap();
    assert_eq!(integration_tests::n(&state, "templates"), Some(250));
}

#[tokio::test]
async fn a_page_meta_refuses_keeps_every_template_the_store_knew_and_records_the_error() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    assert!(sync(&world, &sim).await.failed.is_empty());
    let before = template_items(&world.items().await);
    assert!(before >= 12, "the seed templates are stored");

    // Meta now refuses the token: every page answers 190.
    sim.update_account(|a| a.token.expires_at = 1);
    let report = sync(&world, &sim).await;

    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].error.contains("code 190"), "{report:?}");
    assert_eq!(template_items(&world.items().await), before);
    let state = world.get(&format!("TPL#{WABA}"), "SYNC").await.unwrap();
    assert!(s(&state, "error").is_some_and(|e| e.contains("code 190")));
    assert!(!s(&state, "error").unwrap().contains("dev-access-token"));
}
