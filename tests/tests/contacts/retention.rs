use integration_tests::World;
use retention::{Settings, Sweeper};
use serde_json::json;
use shared::adapters::dynamo::{doc_to_item, DynamoStore};
use shared::adapters::s3::S3MediaBucket;
use shared::domain::privacy::{day_of, day_start};
use shared::ports::Clock;

/// The sweep's notion of now, fixed by the test.
struct At(i64);

impl Clock for At {
    fn now_ms(&self) -> i64 {
        self.0 * 1000
    }
}

const NOW: i64 = 1_800_000_000; // 2027-01-15

fn sweeper(
    world: &World,
    now: i64,
    max_partitions: usize,
) -> Sweeper<DynamoStore, DynamoStore, DynamoStore, At, S3MediaBucket> {
    Sweeper {
        sweep: world.store(),
        receipts: world.store(),
        eraser: world.store(),
        clock: At(now),
        media: world.media_bucket(),
        settings: Settings {
            max_partitions,
            ..Settings::default()
        },
    }
}

async fn put(world: &World, doc: serde_json::Value) {
    world
        .ddb
        .put_item()
        .table_name(&world.table)
        .set_item(Some(doc_to_item(doc.as_object().unwrap())))
        .send()
        .await
        .unwrap();
}

/// Two contacts marked for a day three days back, each with an expired
/// message, a live one and a live profile; an expired diagnostic; a live one.
async fn seed(world: &World) -> String {
    let marked = day_of(NOW - 3 * 86_400);
    for c in ["15550000001", "15550000002"] {
        let pk = format!("C#{c}");
        put(world, json!({"pk": pk, "sk": "PROFILE", "type": "contact", "sweep_day": marked, "expires_at": NOW + 20 * 86_400})).await;
        put(world, json!({"pk": pk, "sk": "M#0000000001#old", "type": "message", "expires_at": NOW - 2 * 86_400})).await;
        put(
            world,
            json!({"pk": pk, "sk": "S#old", "type": "status", "expires_at": NOW - 1}),
        )
        .await;
        put(world, json!({"pk": pk, "sk": "M#0000000002#new", "type": "message", "expires_at": NOW + 86_400})).await;
    }
    let old_diag_ms = (NOW - 33 * 86_400) * 1000;
    put(world, json!({"pk": format!("D#{}", day_of(NOW - 33 * 86_400)), "sk": format!("{old_diag_ms:013}#r#0000#000000"), "type": "diagnostic", "expires_at": NOW - 10 * 86_400})).await;
    let new_diag_ms = (NOW - 86_400) * 1000;
    put(world, json!({"pk": format!("D#{}", day_of(NOW - 86_400)), "sk": format!("{new_diag_ms:013}#r#0000#000000"), "type": "diagnostic", "expires_at": NOW + 29 * 86_400})).await;
    // The sweep resumes from its state: start it on the marked day.
    put(world, json!({"pk": "SWEEP", "sk": "STATE", "type": "sweep_state", "next_day": marked, "dated": {}})).await;
    marked
}

fn sks(items: &[integration_tests::Item]) -> Vec<String> {
    let mut v: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{}|{}",
                integration_tests::s(i, "pk").unwrap(),
                integration_tests::s(i, "sk").unwrap()
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn the_sweep_deletes_exactly_the_expired_items_and_re_marks_each_contact() {
    let world = World::new().await;
    seed(&world).await;
    let report = sweeper(&world, NOW, 100).run().await.unwrap();
    assert_eq!(report.items_deleted, 5, "{report:?}");
    assert_eq!(report.overdue_secs, 0);
    let left = sks(&world.items().await);
    for c in ["15550000001", "15550000002"] {
        assert!(left.contains(&format!("C#{c}|PROFILE")));
        assert!(left.contains(&format!("C#{c}|M#0000000002#new")));
        assert!(!left.iter().any(|k| k.contains("old")), "{left:?}");
        let profile = world.get(&format!("C#{c}"), "PROFILE").await.unwrap();
        assert_eq!(
            integration_tests::s(&profile, "sweep_day"),
            Some(day_of(NOW + 86_400).as_str())
        );
    }
    assert_eq!(world.items_of_type("diagnostic").await.len(), 1);
}

#[tokio::test]
async fn when_the_sweep_is_behind_the_overdue_metric_says_by_how_much() {
    let world = World::new().await;
    let marked = seed(&world).await;
    let behind = sweeper(&world, NOW, 1).run().await.unwrap();
    assert_eq!(behind.partitions_swept, 1);
    assert_eq!(behind.overdue_secs, NOW - day_start(&marked).unwrap());
    let caught_up = sweeper(&world, NOW, 100).run().await.unwrap();
    assert_eq!(caught_up.partitions_swept, 1, "resumes after the first");
    assert_eq!(caught_up.overdue_secs, 0);
}

#[tokio::test]
async fn a_pending_erasure_is_finished_by_the_sweep() {
    let world = World::new().await;
    seed(&world).await;
    let contacts = world.contacts_with(
        shared::ports::SystemClock,
        contacts::Settings {
            erase_sync_max_items: 1,
            ..Default::default()
        },
    );
    let (status, receipt) = integration_tests::parts(
        contacts
            .handle(integration_tests::contacts_request(
                "DELETE",
                "/contacts/15550000001",
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 202, "{receipt}");
    let report = sweeper(&world, shared::ports::SystemClock.now_secs(), 100)
        .run()
        .await
        .unwrap();
    assert_eq!(report.erasures_completed, 1);
    assert!(!sks(&world.items().await)
        .iter()
        .any(|k| k.starts_with("C#15550000001")));
    let stored = world
        .get(
            &format!("RECEIPT#{}", receipt["receipt_id"].as_str().unwrap()),
            "RECEIPT",
        )
        .await
        .unwrap();
    assert_eq!(integration_tests::s(&stored, "status"), Some("completed"));
}
