//! The contacts function wired to a test world, and API Gateway v2 requests
//! carrying an IAM authorizer context, as the `AWS_IAM` routes deliver them.

use std::marker::PhantomData;
use std::time::Duration;

use contacts::{Contacts, ContactsPorts, Settings};
use lambda_http::Request;
use shared::adapters::dynamo::DynamoStore;
use shared::adapters::hashing::SecretHasher;
use shared::adapters::s3::S3MediaBucket;
use shared::adapters::secrets_manager::SecretsManagerFetcher;
use shared::ports::Clock;

use crate::World;

pub const CALLER_ARN: &str = "arn:aws:sts::123456789012:assumed-role/privacy-officer/alice";

pub type LocalContacts<C> = Contacts<LocalContactsPorts<C>>;

/// The contacts function's ports on moto, with the clock a test chooses.
pub struct LocalContactsPorts<C>(PhantomData<fn() -> C>);

impl<C: Clock> ContactsPorts for LocalContactsPorts<C> {
    type Records = DynamoStore;
    type Eraser = DynamoStore;
    type Receipts = DynamoStore;
    type Audit = DynamoStore;
    type Hasher = SecretHasher<SecretsManagerFetcher>;
    type Clock = C;
    type Events = shared::adapters::eventbridge::EventBus;
    type Consent = crate::world::LocalConsent;
    type Media = S3MediaBucket;
}

impl World {
    pub fn store(&self) -> DynamoStore {
        DynamoStore::new(self.ddb.clone(), &self.table)
    }

    pub fn contacts_with<C: Clock>(&self, clock: C, settings: Settings) -> LocalContacts<C> {
        let store = self.store();
        Contacts {
            records: store.clone(),
            eraser: store.clone(),
            receipts: store.clone(),
            audit: store,
            hasher: self.hasher(),
            clock,
            settings,
            events: self.event_sink(),
            consent: self.keyed_consent(),
            media: self.media_bucket(),
        }
    }

    /// The subject hasher the functions get. The secret's name works as its
    /// id; stack.py seeds `dev-subject-hash-key`.
    pub fn hasher(&self) -> SecretHasher<SecretsManagerFetcher> {
        SecretHasher::new(
            SecretsManagerFetcher::new(
                self.secrets.clone(),
                format!("{}/hashing", self.stack_name),
            ),
            Duration::from_secs(300),
        )
    }

    pub fn contacts(&self) -> LocalContacts<shared::ports::SystemClock> {
        self.contacts_with(shared::ports::SystemClock, Settings::default())
    }
}

/// `method path?query` with an optional JSON body, signed in as [`CALLER_ARN`].
pub fn contacts_request(
    method: &str,
    path_and_query: &str,
    body: Option<serde_json::Value>,
) -> Request {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    LAST.with(|l| *l.borrow_mut() = Some((method.to_owned(), path.to_owned())));
    let params: serde_json::Map<String, serde_json::Value> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.into()))
        .collect();
    let event = serde_json::json!({
        "version": "2.0",
        "routeKey": format!("{method} {path}"),
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"content-type": "application/json"},
        "queryStringParameters": if params.is_empty() { serde_json::Value::Null } else { params.into() },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "authorizer": {"iam": {
                "accessKey": "ASIA000000000000TEST",
                "accountId": "123456789012",
                "callerId": "AROA000000000000TEST:alice",
                "principalOrgId": null,
                "userArn": CALLER_ARN,
                "userId": "AROA000000000000TEST:alice"
            }},
            "domainName": "local.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "local",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "10.0.0.1", "userAgent": "test"},
            "requestId": format!("req-{}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos()),
            "routeKey": format!("{method} {path}"),
            "stage": "$default",
            "time": "25/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1_795_600_000_000_i64
        },
        "body": body.map(|b| b.to_string()),
        "isBase64Encoded": false
    });
    lambda_http::request::from_str(&event.to_string()).expect("a valid API Gateway v2 event")
}

thread_local! {
    /// The last request built on this thread (each tokio test has its own),
    /// so `parts` can file its answer as a contract sample.
    static LAST: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

/// Status and JSON body of a handler's answer. With `JUM_CONTRACT_SAMPLES`
/// set (make test), each answer is also written there, and
/// docs/contracts/check_contacts_api.py validates it against the OpenAPI.
pub fn parts(response: lambda_http::Response<lambda_http::Body>) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let body: &[u8] = response.body().as_ref();
    let body: serde_json::Value = serde_json::from_slice(body).expect("a JSON body");
    if let (Ok(dir), Some((method, path))) = (
        std::env::var("JUM_CONTRACT_SAMPLES"),
        LAST.with(|l| l.borrow().clone()),
    ) {
        let segments: Vec<&str> = path.split('/').collect();
        let template = segments
            .iter()
            .enumerate()
            .map(|(i, seg)| match i {
                2 => "{wa_id}",
                4 if segments[3] == "media" => "{media_id}",
                _ => seg,
            })
            .collect::<Vec<_>>()
            .join("/");
        if status != 405 && template.starts_with("/contacts/") {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let sample = serde_json::json!({"method": method, "path": template, "status": status, "body": body});
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(
                std::path::Path::new(&dir).join(format!("{}-{n}.json", std::process::id())),
                sample.to_string(),
            );
        }
    }
    (status, body)
}
