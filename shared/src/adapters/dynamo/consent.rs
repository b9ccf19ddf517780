//! The suppression list and the marketing opt-in on DynamoDB. Suppressions
//! live under the keyed subject hash, so they outlive the contact's
//! partition (retention, erasure) without holding the number.

use std::collections::HashMap;

use super::attrs::{is_conditional_failure, n, s, store_error, Item};
use super::keys::{contact_pk, suppression_pk, MARKETING_OPT_IN_SK};
use super::DynamoStore;
use crate::domain::consent::{ConsentCategory, ConsentFacts, ConsentUpdate};
use crate::domain::ids::ContactKey;
use crate::ports::consent::ConsentLedger;
use crate::ports::contacts::SubjectHasher;
use crate::ports::{Retry, StoreError};

/// The table plus the hashing key that names people on the suppression list.
pub struct KeyedConsent<H> {
    pub store: DynamoStore,
    pub hasher: H,
}

fn live(item: &Item, now: i64) -> bool {
    !super::profiles::is_expired(item, now)
}

impl<H: SubjectHasher> KeyedConsent<H> {
    async fn pk(&self, contact: &ContactKey) -> Result<String, StoreError> {
        let hash = self.hasher.hash(contact).await.map_err(|e| StoreError {
            operation: "hash subject",
            message: e.to_string(),
            retry: Retry::Retryable,
        })?;
        Ok(suppression_pk(&hash))
    }

    /// Ignores a refused condition: a newer change is already in force.
    async fn conditional<T, E, R>(
        result: Result<T, aws_sdk_dynamodb::error::SdkError<E, R>>,
        operation: &'static str,
    ) -> Result<(), StoreError>
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
        R: std::fmt::Debug,
    {
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(store_error(operation, e)),
        }
    }

    async fn suppress(
        &self,
        pk: &str,
        category: ConsentCategory,
        u: &ConsentUpdate<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut item = HashMap::from([
            ("pk".to_owned(), s(pk)),
            ("sk".to_owned(), s(category.as_str())),
            ("type".to_owned(), s("suppression")),
            ("category".to_owned(), s(category.as_str())),
            ("source".to_owned(), s(u.source.as_str())),
            ("at".to_owned(), n(u.at)),
            ("recorded_at".to_owned(), n(now)),
        ]);
        if let Some(exp) = u.suppression_expires_at {
            item.insert("expires_at".into(), n(exp));
        }
        self.put_unless_newer(item, "at", u.at, "put suppression")
            .await
    }

    /// Puts `item` unless the stored one's `time_attr` is newer than `at`.
    async fn put_unless_newer(
        &self,
        item: Item,
        time_attr: &str,
        at: i64,
        operation: &'static str,
    ) -> Result<(), StoreError> {
        let put = self
            .store
            .client
            .put_item()
            .table_name(&self.store.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk) OR #at <= :at")
            .expression_attribute_names("#at", time_attr)
            .expression_attribute_values(":at", n(at))
            .send()
            .await;
        Self::conditional(put, operation).await
    }

    async fn lift(&self, pk: &str, category: ConsentCategory, at: i64) -> Result<(), StoreError> {
        let delete = self
            .store
            .client
            .delete_item()
            .table_name(&self.store.table)
            .key("pk", s(pk))
            .key("sk", s(category.as_str()))
            .condition_expression("#at <= :at")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":at", n(at))
            .send()
            .await;
        Self::conditional(delete, "lift suppression").await
    }
}

impl<H: SubjectHasher> ConsentLedger for KeyedConsent<H> {
    async fn facts(&self, contact: &ContactKey, now: i64) -> Result<ConsentFacts, StoreError> {
        let pk = self.pk(contact).await?;
        let out = self
            .store
            .client
            .query()
            .table_name(&self.store.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("read suppressions", e))?;
        let mut facts = ConsentFacts::default();
        for item in out.items().iter().filter(|i| live(i, now)) {
            match item
                .get("sk")
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
            {
                Some("marketing") => facts.suppressed_marketing = true,
                Some("utility") => facts.suppressed_utility = true,
                _ => {}
            }
        }
        let opt_in = self
            .store
            .client
            .get_item()
            .table_name(&self.store.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(MARKETING_OPT_IN_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("read opt-in", e))?;
        facts.marketing_opt_in = opt_in.item.is_some_and(|i| live(&i, now));
        Ok(facts)
    }

    async fn update(&self, contact: &ContactKey, u: &ConsentUpdate<'_>) -> Result<(), StoreError> {
        let pk = self.pk(contact).await?;
        let now = super::now_secs();
        for &category in u.categories {
            if u.opted_in {
                self.lift(&pk, category, u.at).await?;
            } else {
                self.suppress(&pk, category, u, now).await?;
            }
        }
        let marketing = u.categories.contains(&ConsentCategory::Marketing);
        if marketing && !u.opted_in {
            // The opt-in is withdrawn: its record has no purpose any more.
            let delete = self
                .store
                .client
                .delete_item()
                .table_name(&self.store.table)
                .key("pk", s(contact_pk(contact)))
                .key("sk", s(MARKETING_OPT_IN_SK))
                .condition_expression("given_at <= :at")
                .expression_attribute_values(":at", n(u.at))
                .send()
                .await;
            return Self::conditional(delete, "delete opt-in").await;
        }
        let Some(evidence) = u.evidence.as_ref().filter(|_| u.opted_in) else {
            return Ok(());
        };
        let item = HashMap::from([
            ("pk".to_owned(), s(contact_pk(contact))),
            ("sk".to_owned(), s(MARKETING_OPT_IN_SK)),
            ("type".to_owned(), s("opt_in")),
            (
                "category".to_owned(),
                s(ConsentCategory::Marketing.as_str()),
            ),
            ("source".to_owned(), s(u.source.as_str())),
            ("given_at".to_owned(), n(evidence.given_at)),
            ("evidence".to_owned(), s(&evidence.detail)),
            ("recorded_at".to_owned(), n(now)),
            ("expires_at".to_owned(), n(u.opt_in_expires_at)),
        ]);
        self.put_unless_newer(item, "given_at", evidence.given_at, "put opt-in")
            .await?;
        // A contact without a profile is still found by the retention sweep.
        self.store
            .mark_for_sweep(contact, u.opt_in_expires_at, now)
            .await
    }
}
