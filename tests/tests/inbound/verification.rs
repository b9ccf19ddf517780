use integration_tests::{api_gateway_request, ApiRequest, World, VERIFY_TOKEN};

async fn verify(world: &World, query: &str) -> (u16, String) {
    let r = world
        .webhook()
        .handle(api_gateway_request(ApiRequest {
            method: "GET",
            query,
            ..ApiRequest::default()
        }))
        .await
        .unwrap();
    (
        r.status().as_u16(),
        String::from_utf8_lossy(r.body().as_ref()).into_owned(),
    )
}

#[tokio::test]
async fn when_verify_token_matches_the_secret_should_answer_the_challenge() {
    let world = World::new().await;
    let (status, body) = verify(
        &world,
        &format!("hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, "1158201444"));
}

#[tokio::test]
async fn when_verify_token_is_wrong_should_answer_403() {
    let world = World::new().await;
    let (status, body) = verify(
        &world,
        "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444",
    )
    .await;
    assert_eq!(status, 403);
    assert!(!body.contains("1158201444"));
}
