//! The template sync's Graph calls (ACCOUNT.md "Templates"): every page of
//! `GET /{waba-id}/message_templates` and of `GET /{waba-id}/phone_numbers`.
//! Pages are followed by their `after` cursor on our own base URL, not by
//! the absolute `next` link, so `GRAPH_API_BASE_URL` holds for every page.

use secrecy::ExposeSecret;
use serde_json::Value;

use super::graph::{answer, GraphClient};
use super::graph_account::form_encode;
use crate::domain::pacing::BusinessNumber;
use crate::domain::templates::{TemplateDefinition, WabaId};
use crate::ports::templates::{SyncError, TemplateSource};
use crate::ports::SecretSource;

const TEMPLATE_FIELDS: &str =
    "name,language,status,category,components,parameter_format,quality_score,id";
/// What the sync keeps of each number: its WABA (the list it is in), the
/// display number account webhooks name it by, and its throughput level.
const NUMBER_FIELDS: &str = "id,display_phone_number,throughput";
/// Meta's largest page; 250 templates take 3 pages.
const PAGE_LIMIT: &str = "100";
/// 100 pages of 100: far more templates than Meta lets a WABA have; a
/// cursor loop ends here instead of running forever.
const MAX_PAGES: usize = 100;

impl<S: SecretSource> GraphClient<S> {
    /// Every page's `data` of `path`, in order.
    async fn all_pages(&self, path: &str, fields: &str) -> Result<Vec<Value>, SyncError> {
        let secrets = self
            .secrets
            .secrets()
            .await
            .map_err(|e| SyncError(format!("secret unavailable: {e}")))?;
        let token = secrets
            .access_token
            .as_ref()
            .ok_or_else(|| SyncError("no access_token in the secret".into()))?;
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        for page in 1..=MAX_PAGES {
            let mut url = format!(
                "{}/{}/{path}?fields={}&limit={PAGE_LIMIT}",
                self.base_url,
                self.version,
                form_encode(fields)
            );
            if let Some(cursor) = &after {
                url.push_str(&format!("&after={}", form_encode(cursor)));
            }
            let (status, bytes) = answer(self.http.get(url).bearer_auth(token.expose_secret()))
                .await
                .map_err(|e| SyncError(format!("{path} page {page}: {e}")))?;
            let body: Value = serde_json::from_slice(&bytes).map_err(|_| {
                SyncError(format!(
                    "{path} page {page}: Graph answered {status} with a body that is not JSON"
                ))
            })?;
            if !(200..300).contains(&status) {
                let code = body["error"]["code"]
                    .as_i64()
                    .map_or_else(String::new, |c| format!(", code {c}"));
                let message = body["error"]["message"].as_str().unwrap_or("no message");
                return Err(SyncError(format!(
                    "{path} page {page}: Graph answered {status}{code}: {message}"
                )));
            }
            let data = body["data"]
                .as_array()
                .ok_or_else(|| SyncError(format!("{path} page {page}: answered without data")))?;
            out.extend(data.iter().cloned());
            let next = body["paging"]["cursors"]["after"]
                .as_str()
                .filter(|_| body["paging"]["next"].is_string())
                .map(str::to_owned);
            match next {
                Some(cursor) if after.as_deref() != Some(cursor.as_str()) => after = Some(cursor),
                _ => return Ok(out),
            }
        }
        Err(SyncError(format!(
            "{path}: more than {MAX_PAGES} pages; stopped"
        )))
    }
}

impl<S: SecretSource> TemplateSource for GraphClient<S> {
    async fn templates(&self, waba: &WabaId) -> Result<Vec<TemplateDefinition>, SyncError> {
        let data = self
            .all_pages(&format!("{waba}/message_templates"), TEMPLATE_FIELDS)
            .await?;
        // An entry without a name or language cannot be sent: not kept.
        Ok(data
            .iter()
            .filter_map(TemplateDefinition::from_graph)
            .collect())
    }

    async fn phone_numbers(&self, waba: &WabaId) -> Result<Vec<BusinessNumber>, SyncError> {
        let data = self
            .all_pages(&format!("{waba}/phone_numbers"), NUMBER_FIELDS)
            .await?;
        Ok(data.iter().filter_map(BusinessNumber::from_graph).collect())
    }
}
