//! The contacts API, SigV4-signed with the caller's own credentials (as
//! the AWS CLI resolves them), as its `AWS_IAM` routes require. Deployed,
//! API Gateway checks the signature; locally, infra/local/contacts_gateway.py
//! does, with botocore. Each answer's status becomes jum's exit code.

use std::time::Duration;

use serde_json::Value;

use crate::error::CliError;

pub struct ContactsApi {
    http: reqwest::Client,
    /// `https://…/contacts` (the `ContactsApiUrl` output) or the local gateway's.
    base: String,
    sdk: aws_config::SdkConfig,
}

impl ContactsApi {
    pub fn new(base: &str, sdk: &aws_config::SdkConfig) -> Result<Self, CliError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| CliError::Aws {
                message: format!("an HTTP client: {e}"),
                hint: None,
            })?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            sdk: sdk.clone(),
        })
    }

    /// `METHOD {base}/{wa_id}{suffix}?{query}` with a JSON body; the answer's
    /// JSON on 2xx (`status` too: 202 is a pending erasure), else the error
    /// with the exit code its status means.
    pub async fn call(
        &self,
        method: &str,
        wa_id: &str,
        suffix: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<(u16, Value), CliError> {
        let mut url = format!("{}/{}{suffix}", self.base, wa_id);
        if !query.is_empty() {
            let q: Vec<String> = query
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect();
            url = format!("{url}?{}", q.join("&"));
        }
        let body = body.map(Value::to_string).unwrap_or_default();
        let signed = sigv4_headers(
            &self.sdk,
            "execute-api",
            method,
            &url,
            &body,
            "application/json",
        )
        .await?;
        let mut request = self
            .http
            .request(method.parse().expect("a method jum names"), &url);
        for (name, value) in signed {
            request = request.header(name, value);
        }
        if !body.is_empty() {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.map_err(|e| CliError::Aws {
            message: format!("the contacts API did not answer: {}", chain(&e.without_url())),
            hint: Some("locally: is `make dev` running (its contacts gateway)? deployed: check the network and --stack".into()),
        })?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok((status, json));
        }
        Err(refusal(status, &json))
    }

    /// One of the export's short-lived file links (presigned: no signing).
    pub async fn download(&self, url: &str) -> Result<Vec<u8>, CliError> {
        let failed = |e: String| CliError::Aws {
            message: format!("a file of the export could not be fetched: {e}"),
            hint: Some("its link lasts 5 minutes: run the export again".into()),
        };
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(failed(format!("the bucket answered {}", response.status())));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        Ok(bytes.to_vec())
    }
}

/// The SigV4 headers of one request to `service` (shared's signer), a
/// missing credential refused with what to set.
pub async fn sigv4_headers(
    sdk: &aws_config::SdkConfig,
    service: &str,
    method: &str,
    url: &str,
    body: &str,
    content_type: &str,
) -> Result<Vec<(String, String)>, CliError> {
    shared::adapters::sigv4::signed_headers(sdk, service, method, url, body, content_type)
        .await
        .map_err(|e| CliError::Refused {
            message: format!("the {service} call cannot be signed: {e}"),
            hint: Some("set AWS_PROFILE (or the AWS_* variables) as for the AWS CLI".into()),
        })
}

/// A non-2xx answer as jum's error: 404 not found (3); 403 and every other
/// 4xx refused (4), with what to check; 5xx the service (5).
fn refusal(status: u16, body: &Value) -> CliError {
    let said = body
        .get("error")
        .or_else(|| body.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("no reason given");
    let detail = body
        .get("detail")
        .or_else(|| body.get("reason"))
        .and_then(Value::as_str)
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let message = format!("the contacts API answered {status}: {said}{detail}");
    match status {
        404 => CliError::not_found(
            message,
            "nothing is stored for this contact (or it was erased); check the number",
        ),
        401 | 403 if said.contains("signature") || said.contains("security token") => {
            CliError::refused(
                message,
                "the signature was refused: check your AWS credentials (key id and secret), AWS_REGION and the clock",
            )
        }
        401 | 403 => CliError::refused(
            message,
            "the call is signed with your AWS credentials: they need the stack's ConversationReaderPolicyArn (profile, history, media) or PrivacyOfficerPolicyArn (every route, export and erasure included)",
        ),
        400..=499 => CliError::refused(message, "see docs/contracts/contacts-api.yaml for what each route takes"),
        _ => CliError::Aws {
            message,
            hint: Some("the contacts function failed: its logs have the request id".into()),
        },
    }
}

/// An error and its causes on one line ("error sending request" alone
/// does not say that the connection was refused).
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// RFC 3986's unreserved characters stay; everything else is encoded, as
/// SigV4's canonical query string does, so the signed and the sent URL agree.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub fn encode(v: &str) -> String {
    percent_encoding::utf8_percent_encode(v, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_is_sent_as_sigv4_encodes_it() {
        assert_eq!(encode("eyJh+b/c="), "eyJh%2Bb%2Fc%3D");
    }

    #[test]
    fn each_answer_has_the_exit_code_of_what_went_wrong() {
        let body = serde_json::json!({"error": "x"});
        assert_eq!(refusal(404, &body).code(), 3);
        assert_eq!(refusal(403, &body).code(), 4);
        assert_eq!(refusal(400, &body).code(), 4);
        assert_eq!(refusal(500, &body).code(), 5);
    }
}
