//! The review's Graph calls on the sending client (ACCOUNT.md, "Integration
//! settings"): `debug_token` with the app token, `subscribed_apps`, a
//! number's health fields. Tokens travel in the query of `debug_token`
//! (Meta's design), so no error here ever carries a URL.

use secrecy::ExposeSecret;
use serde_json::Value;

use super::graph::{answer, GraphClient};
use crate::domain::review::{NumberFacts, TokenFacts};
use crate::ports::review::{AccountGraph, FactError};
use crate::ports::{Retry, SecretSource};

const SOURCE: &str = "graph";
/// What the review reads of a number; Meta answers only what it has.
const NUMBER_FIELDS: &str = "status,quality_rating,name_status,whatsapp_business_manager_messaging_limit,messaging_limit_tier,webhook_configuration";

fn error(message: impl Into<String>, retry: Retry) -> FactError {
    FactError {
        source_name: SOURCE,
        message: message.into(),
        retry,
    }
}

/// Meta's `{"error": {"code", "message"}}` as a short text (no URL, no token).
fn graph_error(status: u16, body: &Value) -> FactError {
    let e = &body["error"];
    let code = e["code"]
        .as_i64()
        .map_or_else(String::new, |c| format!(", code {c}"));
    let message = e["message"].as_str().unwrap_or("no error message");
    let retry = if status >= 500 || status == 429 {
        Retry::Retryable
    } else {
        Retry::Permanent
    };
    error(format!("Graph answered {status}{code}: {message}"), retry)
}

/// Percent-encoding of a query or form value (RFC 3986 unreserved kept).
pub(crate) fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// `debug_token`'s `data`; `None` when Meta answered without one.
pub fn token_facts(body: &Value) -> Option<TokenFacts> {
    let data = body.get("data").filter(|d| d.is_object())?;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(text).collect())
            .unwrap_or_default()
    };
    let wabas = data["granular_scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["scope"] == "whatsapp_business_management")
        .flat_map(|g| strings(&g["target_ids"]))
        .collect();
    Some(TokenFacts {
        is_valid: data["is_valid"].as_bool().unwrap_or(false),
        expires_at: data["expires_at"].as_i64().unwrap_or(0),
        scopes: strings(&data["scopes"]),
        error: data["error"]["message"].as_str().map(str::to_owned),
        wabas,
    })
}

/// A number's fields; `webhook_configuration` names the number's override
/// first, then the WABA's, then the app's (Meta's precedence).
pub fn number_facts(body: &Value) -> NumberFacts {
    let hook = &body["webhook_configuration"];
    NumberFacts {
        status: text(&body["status"]),
        quality_rating: text(&body["quality_rating"]),
        name_status: text(&body["name_status"]),
        messaging_limit: text(&body["whatsapp_business_manager_messaging_limit"])
            .or_else(|| text(&body["messaging_limit_tier"])),
        webhook_url: ["phone_number", "whatsapp_business_account", "application"]
            .iter()
            .find_map(|k| text(&hook[*k])),
    }
}

impl<S: SecretSource> GraphClient<S> {
    async fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> Result<Value, FactError> {
        let mut url = format!("{}/{}/{}", self.base_url, self.version, path);
        for (i, (name, value)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&format!("{name}={}", form_encode(value)));
        }
        let mut request = self.http.get(url);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let (status, bytes) = answer(request)
            .await
            .map_err(|e| error(e, Retry::Retryable))?;
        let body: Value = serde_json::from_slice(&bytes).map_err(|_| {
            error(
                format!("Graph answered {status} with a body that is not JSON"),
                Retry::Retryable,
            )
        })?;
        if !(200..300).contains(&status) {
            return Err(graph_error(status, &body));
        }
        Ok(body)
    }

    async fn access_token(&self) -> Result<String, FactError> {
        let secrets = self
            .secrets
            .secrets()
            .await
            .map_err(|e| error(format!("secret unavailable: {e}"), Retry::Retryable))?;
        secrets
            .access_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned())
            .ok_or_else(|| error("no access_token in the secret", Retry::Permanent))
    }
}

impl<S: SecretSource> AccountGraph for GraphClient<S> {
    async fn token(&self) -> Result<TokenFacts, FactError> {
        let secrets = self
            .secrets
            .secrets()
            .await
            .map_err(|e| error(format!("secret unavailable: {e}"), Retry::Retryable))?;
        let Some(app_id) = secrets.app_id.as_deref().filter(|a| !a.is_empty()) else {
            return Err(error(
                "the secret has no app_id, so there is no app token (app_id|app_secret) to ask debug_token with",
                Retry::Permanent,
            ));
        };
        let input = self.access_token().await?;
        let app_token = format!("{app_id}|{}", secrets.app_secret.expose_secret());
        let body = self
            .get(
                "debug_token",
                &[
                    ("input_token", input.as_str()),
                    ("access_token", app_token.as_str()),
                ],
                None,
            )
            .await?;
        token_facts(&body)
            .ok_or_else(|| error("debug_token answered without data", Retry::Permanent))
    }

    async fn subscribed(&self, waba_id: &str) -> Result<bool, FactError> {
        let secrets = self
            .secrets
            .secrets()
            .await
            .map_err(|e| error(format!("secret unavailable: {e}"), Retry::Retryable))?;
        let token = self.access_token().await?;
        let body = self
            .get(&format!("{waba_id}/subscribed_apps"), &[], Some(&token))
            .await?;
        let apps = body["data"]
            .as_array()
            .ok_or_else(|| error("subscribed_apps answered without data", Retry::Permanent))?;
        // With the app id known, this app must be among them; without it, any app.
        Ok(match secrets.app_id.as_deref() {
            Some(app_id) => apps
                .iter()
                .any(|a| a["whatsapp_business_api_data"]["id"].as_str() == Some(app_id)),
            None => !apps.is_empty(),
        })
    }

    async fn number(&self, phone_number_id: &str) -> Result<NumberFacts, FactError> {
        let token = self.access_token().await?;
        let body = self
            .get(phone_number_id, &[("fields", NUMBER_FIELDS)], Some(&token))
            .await?;
        Ok(number_facts(&body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn debug_token_data_gives_validity_expiry_scopes_and_the_managed_wabas() {
        let t = token_facts(&json!({"data": {"is_valid": true, "expires_at": 0,
            "scopes": ["whatsapp_business_messaging", "whatsapp_business_management"],
            "granular_scopes": [{"scope": "whatsapp_business_management", "target_ids": ["1", "2"]},
                                {"scope": "whatsapp_business_messaging", "target_ids": ["9"]}]}}))
        .unwrap();
        assert!(t.is_valid);
        assert_eq!(t.wabas, ["1", "2"]);
        assert_eq!(t.scopes.len(), 2);
    }

    #[test]
    fn an_answer_without_data_is_none_and_a_number_without_fields_is_all_none() {
        assert_eq!(token_facts(&json!({"error": {"code": 190}})), None);
        assert_eq!(number_facts(&json!({"id": "1"})), NumberFacts::default());
    }

    #[test]
    fn the_numbers_own_webhook_override_wins_over_the_apps() {
        let n = number_facts(&json!({"webhook_configuration":
            {"application": "https://a/", "phone_number": "https://n/"}}));
        assert_eq!(n.webhook_url.as_deref(), Some("https://n/"));
    }
}
