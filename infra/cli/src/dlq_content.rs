//! `jum dlq show --show-content`: a dead letter's body is personal data (a
//! customer's message, a command naming a number), so reading it is a read
//! of that person's data and goes in their audit trail, as a contacts API
//! read does: action `read_dlq_content`, the caller's IAM principal, the
//! queue as detail, the SQS message id as request id. Each record's audit
//! is written before its body is printed; if it cannot be, nothing is.

use std::time::Duration;

use serde_json::Value;
use shared::adapters::dynamo::DynamoStore;
use shared::adapters::hashing::SecretHasher;
use shared::adapters::secrets_manager::SecretsManagerFetcher;
use shared::domain::ids::{ContactKey, WaId};
use shared::ports::contacts::{Auditor, HashingAuditor};

use crate::error::CliError;
use crate::target::Stack;

pub const ACTION: &str = "read_dlq_content";

pub struct ContentReader {
    auditor: HashingAuditor<SecretHasher<SecretsManagerFetcher>, DynamoStore>,
    principal: String,
}

impl ContentReader {
    /// Who is asking (STS GetCallerIdentity) and where their reads are
    /// recorded: the stack's table, under the keyed hash the stack's
    /// hashing secret (`<stack>/hashing`) gives, kept AuditRetentionDays.
    pub async fn new(s: &Stack, sdk: &aws_config::SdkConfig) -> Result<Self, CliError> {
        let principal = aws_sdk_sts::Client::new(sdk)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| CliError::aws("STS GetCallerIdentity (who reads the content)", e))?
            .arn
            .unwrap_or_default();
        let fetcher = SecretsManagerFetcher::new(
            aws_sdk_secretsmanager::Client::new(sdk),
            format!("{}/hashing", s.name),
        );
        Ok(Self {
            auditor: HashingAuditor {
                hasher: SecretHasher::new(fetcher, Duration::from_secs(300)),
                log: DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &s.table),
                days: s.audit_retention_days,
            },
            principal,
        })
    }

    /// Audits the read of one record for every person it names, then
    /// gives its content (JSON if it is JSON).
    pub async fn read(&self, queue: &str, message_id: &str, body: &str) -> Result<Value, CliError> {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        for contact in contacts_named(body) {
            self.auditor
                .audit(&contact, ACTION, Some(queue), &self.principal, message_id, now_ms)
                .await
                .map_err(|e| CliError::Aws {
                    message: format!("the read could not be audited, so the content is not shown: {e}"),
                    hint: Some("--show-content needs secretsmanager:GetSecretValue on <stack>/hashing and dynamodb:PutItem on the table".into()),
                })?;
        }
        Ok(serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_owned())))
    }
}

/// The people a record names: every number under a key Meta or a command
/// uses for one (`from`, `wa_id`, `recipient_id`, `to`), looking inside
/// JSON carried as a string (the inbound record holds Meta's raw body).
pub fn contacts_named(body: &str) -> Vec<ContactKey> {
    let mut found = Vec::new();
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        walk(&v, &mut found);
    }
    found.sort();
    found.dedup();
    found
}

fn walk(v: &Value, found: &mut Vec<ContactKey>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if let ("from" | "wa_id" | "recipient_id" | "to", Value::String(s)) =
                    (k.as_str(), v)
                {
                    if let Ok(w) = WaId::parse(s) {
                        found.push(ContactKey::Phone(w));
                    }
                }
                walk(v, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(i, found)),
        Value::String(s) if s.starts_with('{') || s.starts_with('[') => {
            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                walk(&inner, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_numbers_of_a_raw_webhook_inside_a_record_are_found_once() {
        let raw = serde_json::json!({"entry": [{"changes": [{"value": {
            "contacts": [{"wa_id": "16505551234"}],
            "messages": [{"from": "16505551234"}],
            "statuses": [{"recipient_id": "16505559999"}]}}]}]});
        let record = serde_json::json!({"request": {"body": raw.to_string()}}).to_string();
        let ids: Vec<String> = contacts_named(&record)
            .iter()
            .map(ContactKey::storage_id)
            .collect();
        assert_eq!(ids, ["16505551234", "16505559999"]);
        assert!(contacts_named(r#"{"to": "+16505550000"}"#).len() == 1);
        assert!(contacts_named("not json").is_empty());
    }
}
