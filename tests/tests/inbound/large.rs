use integration_tests::{api_gateway_request, n, ApiRequest, World, APP_SECRET};
use shared::signature::sign;

/// A POST as Meta may send it at its limits: about 3 MB and 1000 updates,
/// from 50 customers, 800 messages and 200 statuses across 5 changes.
fn near_3mb_payload() -> Vec<u8> {
    let mut changes = Vec::new();
    for c in 0..5 {
        let mut contacts = Vec::new();
        let mut messages = Vec::new();
        for i in 0..160 {
            let from = format!("1650556{:04}", (c * 160 + i) % 50);
            contacts.push(format!(
                r#"{{"profile":{{"name":"Customer {from}"}},"wa_id":"{from}"}}"#
            ));
            messages.push(format!(
                r#"{{"from":"{from}","id":"wamid.LARGE{c}x{i}","timestamp":"{}","type":"text","text":{{"body":"{}"}}}}"#,
                1_764_000_000 + i,
                "Umbrella question ".repeat(200)
            ));
        }
        contacts.sort();
        contacts.dedup();
        let statuses: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    r#"{{"id":"wamid.OUT{c}x{i}","status":"delivered","timestamp":"1764000100","recipient_id":"1650556{:04}","pricing":{{"billable":true,"pricing_model":"PMP","type":"regular","category":"utility"}}}}"#,
                    i % 50
                )
            })
            .collect();
        changes.push(format!(
            r#"{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}},"contacts":[{}],"messages":[{}],"statuses":[{}]}}}}"#,
            contacts.join(","),
            messages.join(","),
            statuses.join(",")
        ));
    }
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{}]}}]}}"#,
        changes.join(",")
    )
    .into_bytes()
}

#[tokio::test]
async fn a_payload_near_3mb_with_1000_updates_is_accepted_and_every_update_stored() {
    let world = World::new().await;
    let body = near_3mb_payload();
    assert!(
        body.len() > 2_900_000 && body.len() < 3 * 1024 * 1024,
        "{} bytes",
        body.len()
    );
    assert_eq!(
        world.post_signed(&world.webhook(), &body).await.status(),
        200
    );
    let drained = world.drain(&world.processor()).await;
    assert_eq!(drained.failed, 0);
    assert!(drained.delivered > 1, "split over several queue messages");
    assert_eq!(world.items_of_type("message").await.len(), 800);
    assert_eq!(world.items_of_type("status").await.len(), 200);
    let contacts = world.items_of_type("contact").await;
    assert_eq!(contacts.len(), 50);
    assert!(contacts.iter().all(|c| n(c, "last_inbound_at").is_some()));
}

#[tokio::test]
async fn when_body_is_over_3mb_should_answer_413_and_write_nothing() {
    let world = World::new().await;
    let body = vec![b' '; 3 * 1024 * 1024 + 100 * 1024];
    let req = api_gateway_request(ApiRequest {
        headers: vec![("X-Hub-Signature-256", sign(APP_SECRET, &body))],
        body: &body,
        ..ApiRequest::default()
    });
    assert_eq!(world.webhook().handle(req).await.unwrap().status(), 413);
    assert_eq!(world.queue_depth(&world.inbound_url).await, 0);
}
