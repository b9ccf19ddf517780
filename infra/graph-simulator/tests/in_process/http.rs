//! Small HTTP helpers for the media and account tests: Graph calls with a
//! token, control calls, and multipart bodies built by hand (the way a
//! client library writes them), so the simulator's parser is tested
//! against bytes it did not produce.

use crate::support::*;

pub(crate) const TOKEN: &str = "sim-access-token";

pub(crate) async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// `GET {base}{path}` with `Authorization: Bearer token` when given.
pub(crate) async fn get(sim: &RunningSimulator, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", sim.base_url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request.send().await.unwrap()).await
}

pub(crate) async fn delete(sim: &RunningSimulator, path: &str) -> (u16, Value) {
    let request = reqwest::Client::new()
        .delete(format!("{}{path}", sim.base_url()))
        .bearer_auth(TOKEN);
    answer(request.send().await.unwrap()).await
}

/// `POST /_sim{path}` with a JSON body.
pub(crate) async fn control(sim: &RunningSimulator, path: &str, body: Value) -> (u16, Value) {
    let request = reqwest::Client::new()
        .post(format!("{}/_sim{path}", sim.base_url()))
        .json(&body);
    answer(request.send().await.unwrap()).await
}

/// Seeds a customer's file; answers the control API's summary.
pub(crate) async fn seed(sim: &RunningSimulator, query: &str, bytes: Vec<u8>) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/_sim/media?{query}", sim.base_url()))
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.unwrap()
}

/// Downloads a URL the simulator handed out; (status, bytes, content type).
pub(crate) async fn download(url: &str, token: Option<&str>) -> (u16, Vec<u8>, String) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (
        status,
        response.bytes().await.unwrap().to_vec(),
        content_type,
    )
}

pub(crate) struct Part<'a> {
    pub(crate) name: &'a str,
    pub(crate) filename: Option<&'a str>,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) data: &'a [u8],
}

pub(crate) fn field<'a>(name: &'a str, value: &'a str) -> Part<'a> {
    Part {
        name,
        filename: None,
        content_type: None,
        data: value.as_bytes(),
    }
}

pub(crate) fn file<'a>(content_type: Option<&'a str>, data: &'a [u8]) -> Part<'a> {
    Part {
        name: "file",
        filename: Some("upload.bin"),
        content_type,
        data,
    }
}

/// `POST /v24.0/{phone_number_id}/media` with these parts.
pub(crate) async fn upload(
    sim: &RunningSimulator,
    phone_number_id: &str,
    parts: &[Part<'_>],
) -> (u16, Value) {
    const BOUNDARY: &str = "----sim-test-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
        if let Some(filename) = part.filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        body.extend_from_slice(format!("{disposition}\r\n").as_bytes());
        if let Some(content_type) = part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let request = reqwest::Client::new()
        .post(format!("{}/v24.0/{phone_number_id}/media", sim.base_url()))
        .bearer_auth(TOKEN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    answer(request.send().await.unwrap()).await
}

/// An upload of one file with `messaging_product=whatsapp`.
pub(crate) async fn upload_file(
    sim: &RunningSimulator,
    content_type: Option<&str>,
    data: &[u8],
) -> (u16, Value) {
    let parts = [
        field("messaging_product", "whatsapp"),
        file(content_type, data),
    ];
    upload(sim, PHONE_NUMBER_ID, &parts).await
}

/// `GET /v24.0/{id}` of the `{"id"}` an upload answered.
pub(crate) async fn media_of(sim: &RunningSimulator, uploaded: &Value) -> (u16, Value) {
    let id = uploaded["id"].as_str().unwrap();
    get(sim, &format!("/v24.0/{id}"), Some(TOKEN)).await
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(bytes))
}
