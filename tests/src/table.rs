//! The table as a test reads it, behind the connector's back.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::world::World;

pub type Item = HashMap<String, AttributeValue>;

impl World {
    /// Every item in the table (tests only: production code never scans).
    pub async fn items(&self) -> Vec<Item> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .ddb
                .scan()
                .table_name(&self.table)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return items;
            }
        }
    }

    pub async fn items_of_type(&self, kind: &str) -> Vec<Item> {
        self.items()
            .await
            .into_iter()
            .filter(|i| s(i, "type") == Some(kind))
            .collect()
    }

    /// The sender's ledger entry for `key` as the sender reads it back: a
    /// claim still `sending` whose sent message is stored in the partition
    /// (with the key) reads `sent`, with the message's wamid and time
    /// (docs/sending.md, "At most once").
    pub async fn ledger_entry(&self, wa_id: &str, key: &str) -> Option<Item> {
        let pk = format!("C#{wa_id}");
        let mut entry = self.get(&pk, &format!("OUT#{key}")).await?;
        if s(&entry, "state") == Some("sending") {
            let sent = self.items().await.into_iter().find(|i| {
                s(i, "pk") == Some(pk.as_str())
                    && s(i, "idempotency_key") == Some(key)
                    && s(i, "direction") == Some("out")
            });
            if let Some(m) = sent {
                entry.insert("state".into(), AttributeValue::S("sent".into()));
                entry.insert("wamid".into(), m["wamid"].clone());
                entry.insert("sent_at".into(), m["ts"].clone());
            }
        }
        Some(entry)
    }

    pub async fn get(&self, pk: &str, sk: &str) -> Option<Item> {
        self.ddb
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(pk.into()))
            .key("sk", AttributeValue::S(sk.into()))
            .consistent_read(true)
            .send()
            .await
            .expect("get item")
            .item
    }
}

pub fn s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

pub fn n(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}
