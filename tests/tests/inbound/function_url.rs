//! `WebhookEndpoint=FunctionUrl`: Meta's requests reach the webhook as a
//! Lambda function URL sends them (payload format 2.0, route `$default`,
//! the URL's root, an anonymous caller, AuthType NONE), and get the same
//! answers as through the HTTP API: the signature check is the only
//! authentication either way.

use integration_tests::{
    api_gateway_request, fixture, function_url_request, ApiRequest, World, APP_SECRET, VERIFY_TOKEN,
};
use lambda_http::Request;
use shared::signature::sign;

async fn answer(world: &World, req: Request) -> (u16, String) {
    let r = world.webhook().handle(req).await.unwrap();
    let body = String::from_utf8_lossy(r.body().as_ref()).into_owned();
    (r.status().as_u16(), body)
}

fn get(query: &str) -> ApiRequest<'_> {
    ApiRequest {
        method: "GET",
        query,
        ..ApiRequest::default()
    }
}

fn post<'a>(body: &'a [u8], headers: Vec<(&'a str, String)>) -> ApiRequest<'a> {
    ApiRequest {
        headers,
        body,
        ..ApiRequest::default()
    }
}

#[tokio::test]
async fn a_signed_post_through_the_function_url_is_answered_200_and_stored() {
    let world = World::new().await;
    let body = fixture("text.json");
    let signed = vec![("X-Hub-Signature-256", sign(APP_SECRET, &body))];
    let (status, _) = answer(&world, function_url_request(post(&body, signed))).await;
    assert_eq!(status, 200);
    world.drain(&world.processor()).await;
    assert_eq!(world.items_of_type("message").await.len(), 1);
}

#[tokio::test]
async fn a_badly_signed_or_unsigned_post_through_the_function_url_is_refused_as_through_the_http_api(
) {
    let world = World::new().await;
    let body = fixture("text.json");
    let mut tampered = body.clone();
    tampered[body.len() / 2] ^= 0x01;
    // A wrong secret, a changed body, no signature at all.
    let refused = [
        (&body, Some(sign("not-the-secret", &body))),
        (&tampered, Some(sign(APP_SECRET, &body))),
        (&body, None),
    ];
    for (bytes, signature) in refused {
        let headers: Vec<_> = signature
            .into_iter()
            .map(|s| ("X-Hub-Signature-256", s))
            .collect();
        let via_url = answer(&world, function_url_request(post(bytes, headers.clone()))).await;
        let via_api = answer(&world, api_gateway_request(post(bytes, headers))).await;
        assert_eq!(via_url.0, 401, "{via_url:?}");
        assert_eq!(via_url, via_api);
    }
    assert_eq!(world.queue_depth(&world.inbound_url).await, 0);
    world.drain(&world.processor()).await;
    assert!(world.items().await.is_empty());
}

#[tokio::test]
async fn the_verification_get_through_the_function_url_answers_the_challenge_only_to_the_verify_token(
) {
    let world = World::new().await;
    let right =
        format!("hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444");
    let wrong = "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444";
    assert_eq!(
        answer(&world, function_url_request(get(&right))).await,
        (200, "1158201444".to_owned())
    );
    let (status, body) = answer(&world, function_url_request(get(wrong))).await;
    assert_eq!(status, 403);
    assert_eq!(
        (status, body),
        answer(&world, api_gateway_request(get(wrong))).await
    );
}
