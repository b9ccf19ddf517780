use integration_tests::{api_gateway_request, fixture, ApiRequest, World, APP_SECRET};
use shared::signature::sign;

async fn post(world: &World, headers: Vec<(&str, String)>, body: &[u8], base64: bool) -> u16 {
    let req = api_gateway_request(ApiRequest {
        headers,
        body,
        base64,
        ..ApiRequest::default()
    });
    world.webhook().handle(req).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn when_signature_is_right_should_answer_200_and_store_the_message() {
    let world = World::new().await;
    let body = fixture("text.json");
    assert_eq!(
        post(
            &world,
            vec![("X-Hub-Signature-256", sign(APP_SECRET, &body))],
            &body,
            false
        )
        .await,
        200
    );
    world.drain(&world.processor()).await;
    assert_eq!(world.items_of_type("message").await.len(), 1);
}

#[tokio::test]
async fn when_signature_is_wrong_should_reject_with_401_and_write_nothing() {
    let world = World::new().await;
    let body = fixture("text.json");
    assert_eq!(
        post(
            &world,
            vec![("X-Hub-Signature-256", sign("not-the-secret", &body))],
            &body,
            false
        )
        .await,
        401
    );
    assert_eq!(world.queue_depth(&world.inbound_url).await, 0);
    world.drain(&world.processor()).await;
    assert!(world.items().await.is_empty());
}

#[tokio::test]
async fn when_signature_is_missing_should_reject_with_401_and_write_nothing() {
    let world = World::new().await;
    let body = fixture("text.json");
    assert_eq!(post(&world, vec![], &body, false).await, 401);
    assert_eq!(world.queue_depth(&world.inbound_url).await, 0);
    assert!(world.items().await.is_empty());
}

#[tokio::test]
async fn when_signature_is_over_a_changed_body_should_reject_with_401() {
    let world = World::new().await;
    let body = fixture("text.json");
    let mut tampered = body.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    assert_eq!(
        post(
            &world,
            vec![("X-Hub-Signature-256", sign(APP_SECRET, &body))],
            &tampered,
            false
        )
        .await,
        401
    );
}

#[tokio::test]
async fn when_signed_with_the_previous_secret_during_rotation_should_accept() {
    let world = World::new().await;
    let rotated = serde_json::json!({
        "app_secret": "brand-new-secret",
        "previous_app_secret": APP_SECRET,
        "verify_token": "dev-verify-token",
        "access_token": "dev-access-token"
    });
    world
        .secrets
        .put_secret_value()
        .secret_id(&world.secret_id)
        .secret_string(rotated.to_string())
        .send()
        .await
        .unwrap();
    let body = fixture("text.json");
    assert_eq!(
        post(
            &world,
            vec![("X-Hub-Signature-256", sign(APP_SECRET, &body))],
            &body,
            false
        )
        .await,
        200
    );
    assert_eq!(
        post(
            &world,
            vec![("X-Hub-Signature-256", sign("brand-new-secret", &body))],
            &body,
            false
        )
        .await,
        200
    );
    assert_eq!(
        post(
            &world,
            vec![("X-Hub-Signature-256", sign("some-other", &body))],
            &body,
            false
        )
        .await,
        401
    );
}

#[tokio::test]
async fn when_api_gateway_hands_the_body_base64_encoded_should_verify_the_decoded_bytes() {
    let world = World::new().await;
    // Literal UTF-8 (José, ¡Hola!) makes the encoded and decoded bytes differ.
    let body = fixture("batch_many.json");
    assert_eq!(
        post(
            &world,
            vec![("X-Hub-Signature-256", sign(APP_SECRET, &body))],
            &body,
            true
        )
        .await,
        200
    );
    world.drain(&world.processor()).await;
    assert_eq!(world.items_of_type("message").await.len(), 12);
}
