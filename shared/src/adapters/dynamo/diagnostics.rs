use std::collections::HashMap;

use super::attrs::{n, s, store_error, webhook_log, WEBHOOK_REQUEST};
use super::keys::{diagnostic_pk, diagnostic_sk};
use super::DynamoStore;
use crate::domain::records::DiagnosticRecord;
use crate::ports::{DiagnosticStore, StoreError};

impl DiagnosticStore for DynamoStore {
    async fn put_diagnostic(&self, d: DiagnosticRecord<'_>) -> Result<(), StoreError> {
        let req = d.from.request;
        let mut item = HashMap::from([
            ("pk".to_owned(), s(diagnostic_pk(req.received_at_ms))),
            (
                "sk".to_owned(),
                s(diagnostic_sk(req.received_at_ms, &req.request_id, d.index)),
            ),
            ("type".to_owned(), s("diagnostic")),
            ("kind".to_owned(), s(d.kind.as_str())),
            ("field".to_owned(), s(d.field)),
            ("waba_id".to_owned(), s(d.from.waba_id)),
            ("content".to_owned(), s(d.raw)),
            (WEBHOOK_REQUEST.to_owned(), webhook_log(req)),
            ("expires_at".to_owned(), n(d.expires_at)),
        ]);
        if let Some(p) = d.from.phone_number_id {
            item.insert("phone_number_id".into(), s(p.as_str()));
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("put diagnostic", e))
    }
}
