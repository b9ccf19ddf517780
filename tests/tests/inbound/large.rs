use integration_tests::{api_gateway_request, n, ApiRequest, World, APP_SECRET};
use shared::signature::sign;

// The intake benchmark measures this same POST; one builder keeps the two alike.
// The benchmark's other payloads are unused here.
#[allow(dead_code)]
#[path = "../../../shared/benches/support/payloads.rs"]
mod payloads;

#[tokio::test]
async fn a_payload_near_3mb_with_1000_updates_is_accepted_and_every_update_stored() {
    let world = World::new().await;
    let body = payloads::near_3mb();
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
