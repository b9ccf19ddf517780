use integration_tests::{contacts_request, parts, CALLER_ARN};
use shared::adapters::dynamo::item_to_doc;

use crate::common::{audit, seeded, OUT_WAMID, WA_ID};

#[tokio::test]
async fn the_export_contains_every_item_of_the_contact() {
    let world = seeded().await;
    // Each stored item by its kind and, for messages and statuses, wamid:
    // the export names items as resources, not by storage key.
    let stored: Vec<String> = world
        .items()
        .await
        .into_iter()
        .filter(|i| integration_tests::s(i, "pk") == Some(&format!("C#{WA_ID}")))
        .map(|i| {
            let kind = match integration_tests::s(&i, "type") {
                Some("contact") => "profile",
                Some(t) => t,
                None => "item",
            };
            format!("{kind}|{}", integration_tests::s(&i, "wamid").unwrap_or(""))
        })
        .collect();
    assert!(stored.len() >= 6, "{stored:?}");
    let (status, body) = parts(
        world
            .contacts()
            .handle(contacts_request(
                "GET",
                &format!("/contacts/{WA_ID}/export"),
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["complete"], true);
    let exported: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert!(i["item"].get("pk").is_none() && i["item"].get("sk").is_none());
            format!(
                "{}|{}",
                i["kind"].as_str().unwrap(),
                i["item"]["wamid"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(exported.len(), stored.len(), "{exported:?}");
    for item in &stored {
        assert!(exported.contains(item), "{item} missing from the export");
    }
    assert_eq!(audit(&world).await[0].0, "export");
    assert_eq!(audit(&world).await[0].1, CALLER_ARN);
}

#[tokio::test]
async fn a_large_export_is_paged_and_says_when_it_is_complete() {
    let world = seeded().await;
    let contacts = world.contacts_with(
        shared::ports::SystemClock,
        contacts::Settings {
            export_page_items: 2,
            ..Default::default()
        },
    );
    let (mut seen, mut cursor, mut pages) = (0, None::<String>, 0);
    loop {
        let path = match &cursor {
            Some(c) => format!("/contacts/{WA_ID}/export?cursor={c}"),
            None => format!("/contacts/{WA_ID}/export"),
        };
        let (status, body) = parts(
            contacts
                .handle(contacts_request("GET", &path, None))
                .await
                .unwrap(),
        );
        assert_eq!(status, 200);
        seen += body["items"].as_array().unwrap().len();
        pages += 1;
        if body["complete"] == true {
            assert!(body["next_cursor"].is_null());
            break;
        }
        cursor = Some(body["next_cursor"].as_str().unwrap().to_owned());
    }
    let stored = world
        .items()
        .await
        .iter()
        .filter(|i| integration_tests::s(i, "pk") == Some(&format!("C#{WA_ID}")))
        .count();
    assert_eq!(seen, stored);
    assert!(pages > 2);
}

#[tokio::test]
async fn messages_come_newest_first_with_their_status() {
    let world = seeded().await;
    let contacts = world.contacts();
    let (status, body) = parts(
        contacts
            .handle(contacts_request(
                "GET",
                &format!("/contacts/{WA_ID}/messages?limit=1"),
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    let first = &body["messages"][0];
    assert_eq!(first["wamid"], OUT_WAMID, "the outbound one is the newest");
    assert_eq!(first["status"]["status"], "delivered");
    let cursor = body["next_cursor"].as_str().unwrap();
    let (_, next) = parts(
        contacts
            .handle(contacts_request(
                "GET",
                &format!("/contacts/{WA_ID}/messages?limit=10&cursor={cursor}"),
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(next["messages"].as_array().unwrap().len(), 2);
    assert!(next["next_cursor"].is_null());
}

#[tokio::test]
async fn when_contact_is_unknown_should_answer_404_and_when_malformed_400() {
    let world = seeded().await;
    let contacts = world.contacts();
    for (method, path, expected) in [
        ("GET", "/contacts/15550000000", 404),
        ("GET", "/contacts/15550000000/messages", 404),
        ("GET", "/contacts/15550000000/export", 404),
        ("DELETE", "/contacts/15550000000", 404),
        ("GET", "/contacts/not-a-number", 400),
        ("GET", "/contacts/16505551234/messages?limit=0", 400),
        ("GET", "/contacts/16505551234/messages?cursor=zz", 400),
    ] {
        let (status, body) = parts(
            contacts
                .handle(contacts_request(method, path, None))
                .await
                .unwrap(),
        );
        assert_eq!(status, expected, "{method} {path}: {body}");
        assert!(body["error"].is_string());
    }
}

#[tokio::test]
async fn erasure_leaves_no_trace_of_the_number_in_any_item_and_a_receipt() {
    let world = seeded().await;
    let contacts = world.contacts();
    let (status, receipt) = parts(
        contacts
            .handle(contacts_request(
                "DELETE",
                &format!("/contacts/{WA_ID}"),
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["status"], "completed");
    assert!(receipt["items_deleted"].as_u64().unwrap() >= 6);
    assert!(receipt["completed_at"].is_string());
    // The one table of the stack, every attribute of every item.
    for item in world.items().await {
        let text = serde_json::Value::Object(item_to_doc(item)).to_string();
        assert!(!text.contains(WA_ID), "{text}");
        assert!(!text.contains("6505551234"), "{text}");
    }
    let receipts = world.items_of_type("erasure_receipt").await;
    assert_eq!(receipts.len(), 2, "by id and by subject hash");
    assert!(receipts
        .iter()
        .all(|r| integration_tests::s(r, "receipt_id") == receipt["receipt_id"].as_str()));
    // A repeat is recognised by the hash and answered with the same receipt.
    let (again_status, again) = parts(
        contacts
            .handle(contacts_request(
                "DELETE",
                &format!("/contacts/{WA_ID}"),
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(again_status, 200);
    assert_eq!(again["receipt_id"], receipt["receipt_id"]);
    assert_eq!(again["repeat"], true);
    assert!(audit(&world)
        .await
        .iter()
        .all(|(a, _, h)| a == "erase" && h.len() == 64));
}

#[tokio::test]
async fn a_large_erasure_is_pending_until_finished() {
    let world = seeded().await;
    let contacts = world.contacts_with(
        shared::ports::SystemClock,
        contacts::Settings {
            erase_sync_max_items: 2,
            ..Default::default()
        },
    );
    let (status, receipt) = parts(
        contacts
            .handle(contacts_request(
                "DELETE",
                &format!("/contacts/{WA_ID}"),
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(receipt["status"], "pending");
    assert_eq!(world.items_of_type("pending_erasure").await.len(), 1);
    // Asking again carries on with the same receipt.
    let mut last = receipt.clone();
    for _ in 0..10 {
        let (_, r) = parts(
            contacts
                .handle(contacts_request(
                    "DELETE",
                    &format!("/contacts/{WA_ID}"),
                    None,
                ))
                .await
                .unwrap(),
        );
        last = r;
        if last["status"] == "completed" {
            break;
        }
    }
    assert_eq!(last["receipt_id"], receipt["receipt_id"]);
    assert_eq!(last["status"], "completed");
    assert!(world.items_of_type("pending_erasure").await.is_empty());
}
