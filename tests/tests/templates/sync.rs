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

/// The request shape Meta documents for the template list: GET with the
/// bearer token, the fields the store keeps, Meta's page size, and the
/// `after` cursor of the page before on every later page.
#[tokio::test]
async fn each_sync_page_asks_meta_for_the_stored_fields_with_the_cursor_of_the_page_before() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    sim_post(
        &sim,
        "/_sim/templates",
        json!({"generate": {"count": 150}, "replace": true}),
    )
    .await;
    assert!(sync(&world, &sim).await.failed.is_empty());

    let pages: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(&format!("/{WABA}/message_templates")))
        .collect();
    assert_eq!(pages.len(), 2);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.method, "GET");
        assert!(page.path.starts_with("/v"), "versioned path: {}", page.path);
        assert_eq!(
            page.headers.get("authorization").map(String::as_str),
            Some("Bearer <redacted>")
        );
        let url = format!("http://meta/?{}", page.query.as_deref().unwrap_or_default());
        let query: Vec<(String, String)> = reqwest::Url::parse(&url)
            .expect("a query string")
            .query_pairs()
            .into_owned()
            .collect();
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let fields: Vec<&str> = get("fields").unwrap_or_default().split(',').collect();
        for f in [
            "name",
            "language",
            "status",
            "category",
            "components",
            "parameter_format",
            "quality_score",
            "id",
        ] {
            assert!(fields.contains(&f), "page {i} asks for {f}: {fields:?}");
        }
        assert_eq!(get("limit"), Some("100"));
        assert_eq!(get("after").is_some(), i > 0, "page {i}: {query:?}");
    }
}
