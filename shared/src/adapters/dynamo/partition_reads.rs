//! One person's partition as the contacts API reads it: the profile, pages
//! of history, consent history and links, statuses by wamid, the export.
//! Its changes (profile, consent entries, links): `profile_changes.rs`.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::KeysAndAttributes;

use super::attrs::{n, s, store_error, with_current_names, Item};
use super::json::item_to_doc;
use super::keys::{
    contact_pk, decode_cursor, encode_cursor, status_sk, Paged, CONSENT_PREFIX, HANDOFF_SK,
    LINK_PREFIX, MESSAGE_PREFIX, PROFILE_SK,
};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::domain::privacy::LinkRequest;
use crate::ports::contacts::{
    ConsentEntry, ContactRecords, Doc, HistoryPage, Page, PageError, ProfileChange,
};
use crate::ports::StoreError;

const LIVE: &str = "attribute_not_exists(expires_at) OR expires_at > :now";

fn live(item: &Item, now: i64) -> bool {
    item.get("expires_at")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .is_none_or(|exp| exp > now)
}

/// A stored item as the API reads it (attributes under their current names).
fn doc(item: Item) -> Doc {
    item_to_doc(with_current_names(item))
}

/// A range of one partition: sort keys starting with `prefix` (all when
/// empty), after the sort key `after`; `None` for `now` sees expired items.
struct Range<'a> {
    prefix: &'a str,
    after: Option<String>,
    limit: usize,
    newest_first: bool,
    now: Option<i64>,
}

impl DynamoStore {
    async fn item(
        &self,
        contact: &ContactKey,
        sk: &str,
        now: i64,
    ) -> Result<Option<Doc>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("get contact item", e))?;
        Ok(out.item.filter(|i| live(i, now)).map(doc))
    }

    /// One page of `q`; `next` is the sort key to continue after.
    async fn range(
        &self,
        contact: &ContactKey,
        q: Range<'_>,
    ) -> Result<(Vec<Doc>, Option<String>), StoreError> {
        let pk = contact_pk(contact);
        let mut items = Vec::new();
        let mut start = q
            .after
            .as_ref()
            .map(|sk| HashMap::from([("pk".to_owned(), s(&pk)), ("sk".to_owned(), s(sk))]));
        // A filter is applied after `Limit`, so keep reading until the page is
        // full or the partition ends: a short page then really means the end.
        loop {
            let want = q.limit.saturating_sub(items.len()).max(1);
            let mut req = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression(if q.prefix.is_empty() {
                    "pk = :pk"
                } else {
                    "pk = :pk AND begins_with(sk, :prefix)"
                })
                .expression_attribute_values(":pk", s(&pk))
                .scan_index_forward(!q.newest_first)
                .limit(i32::try_from(want).unwrap_or(i32::MAX))
                .consistent_read(true)
                .set_exclusive_start_key(start.take());
            if !q.prefix.is_empty() {
                req = req.expression_attribute_values(":prefix", s(q.prefix));
            }
            if let Some(now) = q.now {
                req = req
                    .filter_expression(LIVE)
                    .expression_attribute_values(":now", n(now));
            }
            let out = req
                .send()
                .await
                .map_err(|e| store_error("query contact", e))?;
            items.extend(out.items.unwrap_or_default().into_iter().map(doc));
            let last = out
                .last_evaluated_key
                .and_then(|k| k.get("sk").and_then(|v| v.as_s().ok()).cloned());
            match last {
                Some(sk) if items.len() < q.limit => {
                    start = Some(HashMap::from([
                        ("pk".to_owned(), s(&pk)),
                        ("sk".to_owned(), s(sk)),
                    ]));
                }
                last => return Ok((items, last)),
            }
        }
    }

    async fn page(
        &self,
        contact: &ContactKey,
        after: Option<String>,
        paged: Paged,
        q: Range<'_>,
    ) -> Result<Page, PageError> {
        let after = match after {
            None => None,
            Some(c) => Some(decode_cursor(&c, paged).ok_or(PageError::BadCursor)?),
        };
        let (items, next) = self.range(contact, Range { after, ..q }).await?;
        Ok(Page {
            items,
            next: next.as_deref().map(encode_cursor),
        })
    }

    async fn all_live(
        &self,
        contact: &ContactKey,
        prefix: &str,
        limit: usize,
        now: i64,
    ) -> Result<Vec<Doc>, StoreError> {
        let q = Range {
            prefix,
            after: None,
            limit,
            newest_first: false,
            now: Some(now),
        };
        Ok(self.range(contact, q).await?.0)
    }
}

impl ContactRecords for DynamoStore {
    async fn profile(&self, contact: &ContactKey, now: i64) -> Result<Option<Doc>, StoreError> {
        self.item(contact, PROFILE_SK, now).await
    }

    async fn handoff(&self, contact: &ContactKey, now: i64) -> Result<Option<Doc>, StoreError> {
        self.item(contact, HANDOFF_SK, now).await
    }

    async fn exists(&self, contact: &ContactKey, now: i64) -> Result<bool, StoreError> {
        Ok(!self.all_live(contact, "", 1, now).await?.is_empty())
    }

    async fn holds_anything(&self, contact: &ContactKey) -> Result<bool, StoreError> {
        let q = Range {
            prefix: "",
            after: None,
            limit: 1,
            newest_first: false,
            now: None,
        };
        Ok(!self.range(contact, q).await?.0.is_empty())
    }

    async fn history(
        &self,
        contact: &ContactKey,
        p: HistoryPage,
        now: i64,
    ) -> Result<Page, PageError> {
        let q = Range {
            prefix: MESSAGE_PREFIX,
            after: None,
            limit: p.limit,
            newest_first: p.newest_first,
            now: Some(now),
        };
        self.page(contact, p.after, Paged::History, q).await
    }

    async fn consent_history(
        &self,
        contact: &ContactKey,
        limit: usize,
        now: i64,
    ) -> Result<Vec<Doc>, StoreError> {
        self.all_live(contact, CONSENT_PREFIX, limit, now).await
    }

    async fn links(
        &self,
        contact: &ContactKey,
        limit: usize,
        now: i64,
    ) -> Result<Vec<Doc>, StoreError> {
        self.all_live(contact, LINK_PREFIX, limit, now).await
    }

    async fn export(
        &self,
        contact: &ContactKey,
        after: Option<String>,
        limit: usize,
    ) -> Result<Page, PageError> {
        let q = Range {
            prefix: "",
            after: None,
            limit,
            newest_first: false,
            now: None,
        };
        self.page(contact, after, Paged::Everything, q).await
    }

    async fn statuses(
        &self,
        contact: &ContactKey,
        wamids: Vec<String>,
        now: i64,
    ) -> Result<HashMap<String, Doc>, StoreError> {
        let pk = contact_pk(contact);
        let mut found = HashMap::new();
        for chunk in wamids.chunks(100) {
            let mut keys: Vec<Item> = chunk
                .iter()
                .map(|w| {
                    HashMap::from([
                        ("pk".to_owned(), s(&pk)),
                        ("sk".to_owned(), s(status_sk(w))),
                    ])
                })
                .collect();
            // Unprocessed keys come back under throttling: ask again for them.
            for _ in 0..5 {
                if keys.is_empty() {
                    break;
                }
                let ask = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut keys)))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| StoreError {
                        operation: "batch get statuses",
                        message: e.to_string(),
                        retry: crate::ports::Retry::Permanent,
                    })?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, ask)
                    .send()
                    .await
                    .map_err(|e| store_error("batch get statuses", e))?;
                for item in out
                    .responses
                    .unwrap_or_default()
                    .remove(&self.table)
                    .unwrap_or_default()
                {
                    if !live(&item, now) {
                        continue;
                    }
                    if let Some(w) = item.get("wamid").and_then(|v| v.as_s().ok()).cloned() {
                        found.insert(w, doc(item));
                    }
                }
                keys = out
                    .unprocessed_keys
                    .unwrap_or_default()
                    .remove(&self.table)
                    .map(|k| k.keys)
                    .unwrap_or_default();
            }
        }
        Ok(found)
    }

    async fn change_profile(
        &self,
        contact: &ContactKey,
        change: &ProfileChange,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.apply_profile_change(contact, change, now).await
    }

    async fn append_consent(
        &self,
        contact: &ContactKey,
        entry: &ConsentEntry<'_>,
    ) -> Result<(), StoreError> {
        self.put_consent_entry(contact, entry).await
    }

    async fn add_link(
        &self,
        contact: &ContactKey,
        link: &LinkRequest,
        linked_at: i64,
        expires_at: i64,
    ) -> Result<Doc, StoreError> {
        self.put_link(contact, link, linked_at, expires_at).await
    }
}
