//! API Gateway HTTP API (payload v2) events, as Lambda hands them to the
//! webhook function, parsed by lambda_http itself.

use base64::Engine;
use lambda_http::Request;

pub struct ApiRequest<'a> {
    pub method: &'a str,
    pub query: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: &'a [u8],
    /// API Gateway base64-encodes bodies it treats as binary.
    pub base64: bool,
}

impl Default for ApiRequest<'_> {
    fn default() -> Self {
        Self {
            method: "POST",
            query: "",
            headers: Vec::new(),
            body: b"",
            base64: false,
        }
    }
}

pub fn api_gateway_request(r: ApiRequest<'_>) -> Request {
    let mut headers = serde_json::Map::new();
    headers.insert("content-type".into(), "application/json".into());
    headers.insert("user-agent".into(), "facebookexternalua".into());
    for (k, v) in &r.headers {
        headers.insert(k.to_ascii_lowercase(), v.clone().into());
    }
    let query: serde_json::Map<String, serde_json::Value> = r
        .query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.into()))
        .collect();
    let body = if r.base64 {
        base64::engine::general_purpose::STANDARD.encode(r.body)
    } else {
        String::from_utf8(r.body.to_vec()).expect("text body")
    };
    let event = serde_json::json!({
        "version": "2.0",
        "routeKey": format!("{} /webhook", r.method),
        "rawPath": "/webhook",
        "rawQueryString": r.query,
        "headers": headers,
        "queryStringParameters": if query.is_empty() { serde_json::Value::Null } else { query.into() },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "local.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "local",
            "http": {
                "method": r.method,
                "path": "/webhook",
                "protocol": "HTTP/1.1",
                "sourceIp": "173.252.127.9",
                "userAgent": "facebookexternalua"
            },
            "requestId": format!("test-{}", std::process::id()) + &nanos(),
            "routeKey": format!("{} /webhook", r.method),
            "stage": "$default",
            "time": "25/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1_795_600_000_000_i64
        },
        "body": body,
        "isBase64Encoded": r.base64
    });
    lambda_http::request::from_str(&event.to_string()).expect("a valid API Gateway v2 event")
}

fn nanos() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("-{n}")
}
