//! The requests of `jum webhook`, made as Meta makes them: the GET
//! handshake, POSTs signed over their raw bytes, and the Graph API
//! simulator's seed for a customer's photo. Each answer is printed whatever
//! its status; only no answer at all is an error here (exit 5).

use std::time::Duration;

use serde_json::{json, Value};

use crate::error::CliError;

/// A body longer than this is cut when printed (an error page, say).
const SHOWN_BODY_CHARS: usize = 2000;

/// What every POST of one run shares.
pub struct Post<'a> {
    pub url: &'a reqwest::Url,
    /// The app secret; signs, and is never printed.
    pub secret: &'a str,
    pub twice: bool,
    pub bad_signature: bool,
    pub expect: Option<u16>,
}

pub fn client(timeout_secs: u64) -> Result<reqwest::Client, CliError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_secs))
        // Meta's user agent: the webhook records it with each request.
        .user_agent("facebookexternalua")
        .build()
        .map_err(|e| network("an HTTP client", e, "a bug in jum's TLS setup"))
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// The payload with every `timestamp` set to `now`, a string as Meta sends
/// it. A body that is not JSON is sent as it is (to see the webhook refuse it).
pub fn dated_now(raw: Vec<u8>, now: u64) -> Vec<u8> {
    fn walk(v: &mut Value, now: &str) {
        match v {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    if key == "timestamp" && (inner.is_string() || inner.is_u64() || inner.is_i64())
                    {
                        *inner = Value::String(now.to_owned());
                    } else {
                        walk(inner, now);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, now)),
            _ => {}
        }
    }
    let Ok(mut doc) = serde_json::from_slice::<Value>(&raw) else {
        return raw;
    };
    walk(&mut doc, &now.to_string());
    serde_json::to_vec(&doc).expect("a JSON value serialises")
}

pub async fn verify(
    client: &reqwest::Client,
    url: &reqwest::Url,
    token: &str,
    challenge: Option<String>,
    as_json: bool,
) -> Result<(), CliError> {
    // Any number will do; it only has to come back unchanged.
    let challenge = challenge.unwrap_or_else(|| (fresh() % 1_000_000_000).to_string());
    let mut query = url.clone();
    query
        .query_pairs_mut()
        .append_pair("hub.mode", "subscribe")
        .append_pair("hub.verify_token", token)
        .append_pair("hub.challenge", &challenge);
    // The URL as requested names the token: only `url` is ever printed.
    let (status, body) = answer(client.get(query), "GET", url).await?;
    let echoed = String::from_utf8_lossy(&body).trim() == challenge;
    if as_json {
        println!(
            "{}",
            json!({"request": "verify", "status": status, "body": shown(&body), "challenge_echoed": echoed})
        );
    } else {
        println!("verify: {status} {}", shown(&body));
        println!(
            "verify: challenge {}",
            if echoed { "echoed" } else { "NOT echoed" }
        );
    }
    if echoed {
        Ok(())
    } else {
        Err(CliError::refused(
            format!("the webhook did not echo the challenge (status {status})"),
            "403 is a verify token the stack does not know: --verify-token, or JUM_VERIFY_TOKEN",
        ))
    }
}

/// Posts each body (twice with --twice) and prints each answer; the
/// expectation is checked once all are sent, as a run of deliveries would be.
pub async fn post_all(
    client: &reqwest::Client,
    d: &Post<'_>,
    bodies: Vec<(String, Vec<u8>)>,
    as_json: bool,
) -> Result<(), CliError> {
    let url = d.url;
    let mut unexpected = Vec::new();
    for (label, raw) in bodies {
        // The connector's own signing (shared::signature), which it checks with.
        let signature = match d.bad_signature {
            true => shared::signature::sign(&format!("{}-wrong", d.secret), &raw),
            false => shared::signature::sign(d.secret, &raw),
        };
        for again in [false, true].into_iter().take(if d.twice { 2 } else { 1 }) {
            let request = client
                .post(url.clone())
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", &signature)
                .body(raw.clone());
            let (status, body) = answer(request, "POST", url).await?;
            if as_json {
                println!(
                    "{}",
                    json!({"file": label, "again": again, "status": status, "body": shown(&body)})
                );
            } else {
                let again = if again { " (again)" } else { "" };
                println!("{label}{again}: {status} {}", shown(&body));
            }
            if d.expect.is_some_and(|e| e != status) {
                unexpected.push(format!("{label}: {status}"));
            }
        }
    }
    match (d.expect, unexpected.is_empty()) {
        (Some(expected), false) => Err(CliError::refused(
            format!("expected {expected}, got {}", unexpected.join(", ")),
            "the webhook's answer is above; 401 is a signature made with another secret than the stack's",
        )),
        _ => Ok(()),
    }
}

/// The status and body of an answer, whatever the status; no answer is exit 5.
async fn answer(
    request: reqwest::RequestBuilder,
    method: &str,
    url: &reqwest::Url,
) -> Result<(u16, Vec<u8>), CliError> {
    let hint = "is `make dev` running (the functions on JUM_LAMBDA_PORT, 9000)? Else check --url or the stack's WebhookUrl";
    let response = request
        .send()
        .await
        .map_err(|e| network(&format!("{method} {url}"), e, hint))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| network(&format!("{method} {url}"), e, hint))?;
    Ok((status, body.to_vec()))
}

fn network(what: &str, e: reqwest::Error, hint: &str) -> CliError {
    // Without the URL: the handshake's names the verify token. reqwest's own
    // message is only "error sending request": the cause is below it.
    let e = e.without_url();
    let mut message = format!("{what}: {e}");
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    CliError::Aws {
        message,
        hint: Some(hint.into()),
    }
}

fn shown(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(SHOWN_BODY_CHARS) {
        Some((cut, _)) => format!("{}... ({} bytes)", &text[..cut], body.len()),
        None => text.into_owned(),
    }
}

/// A number unlikely to repeat (the clock's nanoseconds and the process):
/// challenges and made-up wamids only need to differ from the last one.
fn fresh() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as u64;
    nanos ^ (u64::from(std::process::id()) << 40)
}

/// tests/fixtures/webhooks/image.json naming a file the simulator now
/// serves (its media id, type and sha256, base64 as in Meta's webhook),
/// with a wamid of its own and dated now. Built into the binary, so an
/// installed `jum` needs no checkout.
pub async fn seeded_image_webhook(
    client: &reqwest::Client,
    simulator: &reqwest::Url,
    image: Option<Vec<u8>>,
    as_json: bool,
) -> Result<Vec<u8>, CliError> {
    let base = simulator.as_str().trim_end_matches('/');
    let mut url = reqwest::Url::parse(&format!("{base}/_sim/media")).expect("from a URL");
    url.query_pairs_mut().append_pair("mime_type", "image/jpeg");
    if image.is_none() {
        url.query_pairs_mut().append_pair("generate", "2048");
    }
    let request = client.post(url.clone()).body(image.unwrap_or_default());
    let (status, body) = answer(request, "POST", &url).await.map_err(|e| CliError::Aws {
        message: e.to_string(),
        hint: Some("is the Graph API simulator running (`make dev`, JUM_SIMULATOR_PORT 9090)? Else --simulator URL".into()),
    })?;
    let seeded: Value = match status {
        201 => serde_json::from_slice(&body).unwrap_or_default(),
        _ => Value::Null,
    };
    let (Some(id), Some(sha256)) = (seeded["id"].as_str(), seeded["sha256"].as_str()) else {
        return Err(CliError::refused(
            format!("the simulator refused the seed: {status} {}", shown(&body)),
            "--simulator must be the Graph API simulator (infra/graph-simulator)",
        ));
    };
    let mut doc: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/webhooks/image.json"))
            .expect("the image fixture is JSON");
    let message = &mut doc["entry"][0]["changes"][0]["value"]["messages"][0];
    message["id"] = json!(format!("wamid.local-{:016x}", fresh()));
    let image = &mut message["image"];
    image["id"] = json!(id);
    image["mime_type"] = json!("image/jpeg");
    image["sha256"] = json!(sha256);
    if let Some(fields) = image.as_object_mut() {
        fields.remove("url");
    }
    if as_json {
        println!(
            "{}",
            json!({"seeded_media": id, "file_size": seeded["file_size"]})
        );
    } else {
        println!(
            "seeded media {id} ({} bytes) in the simulator",
            seeded["file_size"]
        );
    }
    let raw = serde_json::to_vec(&doc).expect("a JSON value serialises");
    Ok(dated_now(raw, now_secs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_now_sets_every_timestamp_as_a_string_and_leaves_the_rest() {
        let raw = br#"{"a":{"timestamp":"1764000000","n":1},"s":[{"timestamp":1764000001},{"timestamp":null}]}"#;
        let v: Value = serde_json::from_slice(&dated_now(raw.to_vec(), 42)).unwrap();
        assert_eq!(v["a"]["timestamp"], "42");
        assert_eq!(v["a"]["n"], 1);
        assert_eq!(v["s"][0]["timestamp"], "42");
        assert_eq!(
            v["s"][1]["timestamp"],
            Value::Null,
            "only strings and integers"
        );
        assert_eq!(dated_now(b"not json".to_vec(), 42), b"not json");
    }

    #[test]
    fn a_long_body_is_cut_when_shown() {
        assert_eq!(shown(b"ok"), "ok");
        let long = "é".repeat(SHOWN_BODY_CHARS + 1);
        assert!(shown(long.as_bytes()).ends_with(&format!("... ({} bytes)", long.len())));
    }
}
