//! The review's reads of the table (the sweep's state, point-in-time
//! recovery) and its run items (docs/data-model.md, "Review runs").

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, PointInTimeRecoveryStatus};

use super::attrs::{n, s, store_error};
use super::keys::{review_run_sk, REVIEW_PK};
use super::DynamoStore;
use crate::domain::privacy::day_of;
use crate::domain::review::PitrFacts;
use crate::ports::review::{FactError, ReviewRun, ReviewTable};
use crate::ports::{Retry, StoreError};

fn fact(e: StoreError) -> FactError {
    FactError {
        source_name: "dynamodb",
        message: e.to_string(),
        retry: e.retry,
    }
}

impl ReviewTable for DynamoStore {
    async fn last_sweep(&self) -> Result<Option<i64>, FactError> {
        // The sweep's own reader of its state: one place knows that item.
        let state = crate::ports::contacts::SweepStore::state(self)
            .await
            .map_err(fact)?;
        Ok(state.ran_at)
    }

    async fn point_in_time_recovery(&self) -> Result<PitrFacts, FactError> {
        let out = self
            .client
            .describe_continuous_backups()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|e| fact(store_error("describe continuous backups", e)))?;
        let pitr = out
            .continuous_backups_description
            .and_then(|d| d.point_in_time_recovery_description);
        let Some(pitr) = pitr else {
            return Err(FactError {
                source_name: "dynamodb",
                message: "DescribeContinuousBackups answered without a point-in-time description"
                    .into(),
                retry: Retry::Permanent,
            });
        };
        Ok(PitrFacts {
            enabled: pitr.point_in_time_recovery_status == Some(PointInTimeRecoveryStatus::Enabled),
            period_days: pitr
                .recovery_period_in_days
                .and_then(|d| u32::try_from(d).ok()),
        })
    }

    async fn save_run(&self, run: &ReviewRun) -> Result<(), FactError> {
        let findings = serde_json::to_string(&run.findings).map_err(|e| FactError {
            source_name: "dynamodb",
            message: format!("findings do not serialise: {e}"),
            retry: Retry::Permanent,
        })?;
        let item: HashMap<String, AttributeValue> = HashMap::from([
            ("pk".to_owned(), s(REVIEW_PK)),
            ("sk".to_owned(), s(review_run_sk(&day_of(run.ran_at)))),
            ("type".to_owned(), s("review_run")),
            ("ran_at".to_owned(), n(run.ran_at)),
            ("expires_at".to_owned(), n(run.expires_at)),
            ("ok".to_owned(), n(run.counts.ok)),
            ("warning".to_owned(), n(run.counts.warning)),
            ("critical".to_owned(), n(run.counts.critical)),
            ("findings".to_owned(), s(findings)),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map(drop)
            .map_err(|e| fact(store_error("put review run", e)))
    }
}
