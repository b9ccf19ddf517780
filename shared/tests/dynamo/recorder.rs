//! A DynamoDB client whose HTTP connection records each request and answers
//! from a script: what serverless-rust-demo does with a replayed connection,
//! built on the SDK's own `HttpClient` trait (its `test-util` replay client
//! needs crates this workspace does not carry).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use serde_json::Value;
use shared::adapters::dynamo::DynamoStore;

pub const TABLE: &str = "jum-data";

/// One request as DynamoDB would receive it.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The operation (`PutItem`, `UpdateItem`…), from `X-Amz-Target`.
    pub operation: String,
    pub body: Value,
}

#[derive(Debug, Clone, Default)]
pub struct Recorder {
    sent: Arc<Mutex<Vec<Sent>>>,
    answers: Arc<Mutex<VecDeque<(u16, Value)>>>,
}

impl Recorder {
    /// The next request gets this answer; unscripted ones get `200 {}`.
    pub fn answer(&self, status: u16, body: Value) -> &Self {
        self.answers.lock().unwrap().push_back((status, body));
        self
    }

    /// DynamoDB's refusal of a condition, with the item as it was.
    pub fn refuse_condition(&self, old_item: Value) -> &Self {
        self.answer(
            400,
            serde_json::json!({
                "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                "message": "The conditional request failed",
                "Item": old_item,
            }),
        )
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    /// The only request sent, checked to be `operation`.
    pub fn only(&self, operation: &str) -> Value {
        let sent = self.sent();
        assert_eq!(sent.len(), 1, "one request: {sent:#?}");
        assert_eq!(sent[0].operation, operation);
        sent[0].body.clone()
    }

    pub fn store(&self) -> DynamoStore {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKID", "secret", None, None, "test"))
            .endpoint_url("http://dynamodb.test")
            .http_client(self.clone())
            .build();
        DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(config), TABLE)
    }
}

impl HttpConnector for Recorder {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or_default()
            .to_owned();
        let body = request
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        self.sent.lock().unwrap().push(Sent { operation, body });
        let (status, answer) = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or((200, serde_json::json!({})));
        let mut response = HttpResponse::new(
            StatusCode::try_from(status).expect("a status code"),
            SdkBody::from(answer.to_string()),
        );
        response
            .headers_mut()
            .insert("content-type", "application/x-amz-json-1.0");
        HttpConnectorFuture::ready(Ok(response))
    }
}

impl HttpClient for Recorder {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}
