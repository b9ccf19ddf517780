//! The contacts API over HTTP as `make dev` serves it: the contacts function
//! behind infra/local/contacts_gateway.py, which checks each request's SigV4
//! signature with botocore (as API Gateway's `AWS_IAM` routes do) and then
//! invokes the function with the caller's principal. Here the function is
//! this test's own handler, served on a Lambda invoke endpoint.

use std::io::BufRead;
use std::sync::Arc;

use axum::body::Bytes;
use contacts::ContactsPorts;

/// The principal the gateway gives [`SIGNING_KEY`]: what the audit trail
/// must then name.
pub const GATEWAY_PRINCIPAL: &str = "arn:aws:iam::123456789012:user/privacy-officer-bob";
/// The access key the gateway knows (`--credential`), and its secret.
pub const SIGNING_KEY: &str = "AKIALOCALBOB0000TEST";
pub const SIGNING_SECRET: &str = "bobs-secret-access-key";

/// A running gateway; stopped when dropped.
pub struct ContactsGateway {
    /// `http://127.0.0.1:PORT/contacts`, what `jum --contacts-url` takes.
    pub url: String,
    child: std::process::Child,
}

impl Drop for ContactsGateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `contacts` on a Lambda invoke endpoint and starts the gateway
/// in front of it.
pub async fn serve<P: ContactsPorts + Send + Sync + 'static>(
    contacts: contacts::Contacts<P>,
) -> ContactsGateway
where
    contacts::Contacts<P>: Send + Sync,
{
    let contacts = Arc::new(contacts);
    let app = axum::Router::new().route(
        "/2015-03-31/functions/contacts/invocations",
        axum::routing::post(move |event: Bytes| {
            let contacts = contacts.clone();
            async move { invoke(&contacts, &event).await }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let invoke_url = format!(
        "http://{}/2015-03-31/functions/contacts/invocations",
        listener.local_addr().expect("an address")
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let python = std::env::var("JUM_STACK_PY").expect("JUM_STACK_PY: run through `make test`");
    let python = python.split_whitespace().next().expect("a program");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/local/contacts_gateway.py");
    let mut child = std::process::Command::new(python)
        .arg(script)
        .args(["--port", "0", "--region", "us-east-1", "--invoke-url"])
        .arg(&invoke_url)
        .arg("--credential")
        .arg(format!(
            "{SIGNING_KEY}:{SIGNING_SECRET}:{GATEWAY_PRINCIPAL}"
        ))
        .env_remove("AWS_ACCESS_KEY_ID")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the gateway starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the gateway says where it listens");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line from the gateway: {line:?}"));
    ContactsGateway {
        url: format!("http://{addr}/contacts"),
        child,
    }
}

/// One invocation: the API Gateway v2 event in, the function's answer as
/// API Gateway's integration response out.
async fn invoke<P: ContactsPorts>(contacts: &contacts::Contacts<P>, event: &[u8]) -> String {
    let text = std::str::from_utf8(event).expect("UTF-8 event");
    let request = lambda_http::request::from_str(text).expect("an API Gateway v2 event");
    let response = contacts.handle(request).await.expect("the handler answers");
    let headers: serde_json::Map<String, serde_json::Value> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().into()))
        .collect();
    let body = match response.body() {
        lambda_http::Body::Empty => String::new(),
        lambda_http::Body::Text(t) => t.clone(),
        lambda_http::Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    };
    serde_json::json!({
        "statusCode": response.status().as_u16(),
        "headers": headers,
        "body": body,
        "isBase64Encoded": false,
    })
    .to_string()
}
