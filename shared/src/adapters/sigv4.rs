//! SigV4 for the few AWS calls made without an SDK client: the review's
//! SNS query call (no SNS crate in the workspace), and in `jum` the
//! contacts API (`execute-api`) and CloudWatch's query API. The SDK's own
//! signer, with the SDK configuration's credentials and region.

use std::time::SystemTime;

use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    /// The configuration has no credentials provider at all.
    #[error("no AWS credentials configured")]
    NoProvider,
    /// The provider found none, or failed (it may succeed later).
    #[error("no AWS credentials: {0}")]
    Credentials(String),
    #[error("signing: {0}")]
    Signing(String),
}

/// The headers to add (`authorization`, `x-amz-date`, the session token)
/// for `method url` to `service` with `body`, sent as `content_type` (a
/// signed header) when the body is not empty.
pub async fn signed_headers(
    sdk: &aws_config::SdkConfig,
    service: &str,
    method: &str,
    url: &str,
    body: &str,
    content_type: &str,
) -> Result<Vec<(String, String)>, SigningError> {
    let provider = sdk.credentials_provider().ok_or(SigningError::NoProvider)?;
    let identity = provider
        .provide_credentials()
        .await
        .map_err(|e| SigningError::Credentials(e.to_string()))?
        .into();
    let region = sdk
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".into());
    let signing = |e: &dyn std::fmt::Display| SigningError::Signing(e.to_string());
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&region)
        .name(service)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| signing(&e))?
        .into();
    let headers: Vec<(&str, &str)> = match body.is_empty() {
        true => Vec::new(),
        false => vec![("content-type", content_type)],
    };
    let signable = SignableRequest::new(
        method,
        url,
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| signing(&e))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| signing(&e))?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

/// The text of the first `<name>…</name>` of a query API's XML answer
/// (`Code`, `NextToken`…): the few fields read here need no XML parser.
pub fn first_tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    xml.split(open.as_str())
        .nth(1)?
        .split(close.as_str())
        .next()
}

/// Every `<name>…</name>` of a query API's XML answer, in order.
pub fn all_tags<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    xml.split(open.as_str())
        .skip(1)
        .filter_map(|p| p.split(close.as_str()).next())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_from_a_query_answer() {
        let xml = "<R><Code>Throttling</Code><A>x</A><A>y</A></R>";
        assert_eq!(first_tag(xml, "Code"), Some("Throttling"));
        assert_eq!(first_tag(xml, "NextToken"), None);
        assert_eq!(all_tags(xml, "A"), ["x", "y"]);
    }
}
