//! Meta's subscription check: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Error, Request, RequestExt, Response};
use secrecy::ExposeSecret;
use shared::ports::SecretSource;
use shared::telemetry::Metrics;
use subtle::ConstantTimeEq;

use crate::response::json;

pub async fn verify(
    secrets: &impl SecretSource,
    req: &Request,
    metrics: &mut Metrics,
) -> Result<Response<Body>, Error> {
    let params = req.query_string_parameters();
    let (mode, token, challenge) = (
        params.first("hub.mode"),
        params.first("hub.verify_token"),
        params.first("hub.challenge"),
    );
    let Some(challenge) = challenge.filter(|c| !c.is_empty() && c.len() <= 256) else {
        metrics.count("VerificationRejected", "Reason", "no_challenge", 1);
        return json(StatusCode::BAD_REQUEST, "missing_challenge");
    };
    let secrets = match secrets.secrets().await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "secrets unavailable");
            return json(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
        }
    };
    let expected = secrets.verify_token.expose_secret().as_bytes();
    let token_ok = token.is_some_and(|t| bool::from(t.as_bytes().ct_eq(expected)));
    if mode != Some("subscribe") || !token_ok {
        tracing::warn!("verification refused: wrong mode or verify token");
        metrics.count("VerificationRejected", "Reason", "bad_verify_token", 1);
        return json(StatusCode::FORBIDDEN, "forbidden");
    }
    tracing::info!("verification accepted");
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(challenge.to_owned()))?)
}
