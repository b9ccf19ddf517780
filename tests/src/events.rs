//! The request events Lambda hands the webhook function, parsed by
//! lambda_http itself: API Gateway's HTTP API (`WebhookEndpoint=HttpApi`)
//! and a Lambda function URL (`FunctionUrl`), both payload format 2.0.

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

/// What differs between the two entries' events.
struct Entry {
    route_key: String,
    path: &'static str,
    account: &'static str,
    api_id: &'static str,
    domain: &'static str,
}

/// A request through the HTTP API's `GET`/`POST /webhook` route.
pub fn api_gateway_request(r: ApiRequest<'_>) -> Request {
    let entry = Entry {
        route_key: format!("{} /webhook", r.method),
        path: "/webhook",
        account: "123456789012",
        api_id: "local",
        domain: "local.execute-api.us-east-1.amazonaws.com",
    };
    request(r, entry)
}

/// A request through the webhook's function URL (AuthType NONE): route
/// `$default`, the URL's root as its path, an anonymous caller.
pub fn function_url_request(r: ApiRequest<'_>) -> Request {
    let entry = Entry {
        route_key: "$default".into(),
        path: "/",
        account: "anonymous",
        api_id: "u4ybqzx3oyzm",
        domain: "u4ybqzx3oyzm.lambda-url.us-east-1.on.aws",
    };
    request(r, entry)
}

fn request(r: ApiRequest<'_>, entry: Entry) -> Request {
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
    headers.insert("host".into(), entry.domain.into());
    let event = serde_json::json!({
        "version": "2.0",
        "routeKey": entry.route_key,
        "rawPath": entry.path,
        "rawQueryString": r.query,
        "headers": headers,
        "queryStringParameters": if query.is_empty() { serde_json::Value::Null } else { query.into() },
        "requestContext": {
            "accountId": entry.account,
            "apiId": entry.api_id,
            "domainName": entry.domain,
            "domainPrefix": entry.api_id,
            "http": {
                "method": r.method,
                "path": entry.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "173.252.127.9",
                "userAgent": "facebookexternalua"
            },
            "requestId": format!("test-{}", std::process::id()) + &nanos(),
            "routeKey": entry.route_key,
            "stage": "$default",
            "time": "25/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1_795_600_000_000_i64
        },
        "body": body,
        "isBase64Encoded": r.base64
    });
    lambda_http::request::from_str(&event.to_string()).expect("a valid payload format 2.0 event")
}

fn nanos() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("-{n}")
}
