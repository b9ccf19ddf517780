//! The `retention` function: each run (hourly) finishes pending erasures,
//! then sweeps the partitions whose `sweep_day` has come (a Query per day on
//! the sparse `sweep` index, never a Scan), then the day-keyed diagnostics
//! and audit partitions past their retention, then counts the media files
//! older than retention allows. Every part is bounded and resumes where the
//! last run stopped (state item `SWEEP`/`STATE`).

pub mod aws;
pub mod config;

use shared::domain::erasure::diagnostic_days;
use shared::domain::privacy::{day_of, day_start};
use shared::ports::contacts::{DatedLog, Eraser, ReceiptStore, SweepStore};
use shared::ports::media::MediaBucket;
use shared::ports::{Clock, StoreError};
use shared::telemetry::Metrics;

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Days diagnostics keep their TTL: how far back erasure searches them.
    pub retention_days: u32,
    pub audit_days: u32,
    pub webhook_log_days: u32,
    /// Partitions swept per run; the rest waits for the next run.
    pub max_partitions: usize,
    pub max_pending_erasures: usize,
    pub erase_batch_items: usize,
    pub dated_items_per_run: usize,
    /// How late S3 lifecycle expiry may delete a media file: it rounds the
    /// expiry up to the next midnight UTC (up to 1 day), runs once a day and
    /// then queues the deletion (AWS: usually within a day or two). A file
    /// older than `retention_days` + this is overdue (docs/privacy.md).
    pub media_expiry_grace_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            retention_days: 30,
            audit_days: 30,
            webhook_log_days: 30,
            max_partitions: 2000,
            max_pending_erasures: 20,
            erase_batch_items: 5000,
            dated_items_per_run: 20_000,
            media_expiry_grace_days: 3,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub items_deleted: u64,
    pub partitions_swept: usize,
    pub erasures_completed: usize,
    pub erasures_pending: usize,
    /// How long past its expiry the oldest personal data may still be
    /// stored: 0 when the sweep is up to date, else measured from the start
    /// of the oldest day bucket it did not finish (an upper bound).
    pub overdue_secs: i64,
    /// Files deleted from the media bucket by the erasures finished here.
    pub objects_deleted: u64,
    /// Media files older than `retention_days` + `media_expiry_grace_days`:
    /// lifecycle expiry has missed them. Not an age: `overdue_secs` counts
    /// them as at least the grace period overdue.
    pub media_objects_overdue: u64,
    /// Calls to the media bucket that failed (erasures stay pending, the
    /// over-age count is missing): retried by the next run.
    pub media_errors: u64,
}

pub struct Sweeper<S, R, E, C, M> {
    pub sweep: S,
    pub receipts: R,
    pub eraser: E,
    pub clock: C,
    /// The stack's media bucket: erasures delete the contact's files, and
    /// the run counts files past retention.
    pub media: M,
    pub settings: Settings,
}

fn next_day(day: &str) -> String {
    day_start(day).map_or_else(|| day.to_owned(), |s| day_of(s + 86_400))
}

impl<S: SweepStore, R: ReceiptStore, E: Eraser, C: Clock, M: MediaBucket> Sweeper<S, R, E, C, M> {
    pub async fn run(&self) -> Result<Report, StoreError> {
        let now = self.clock.now_secs();
        let mut report = Report::default();
        self.finish_erasures(now, &mut report).await?;
        let mut state = self.sweep.state().await?;
        let today = day_of(now);
        let mut day = state
            .next_day
            .clone()
            .filter(|d| *d <= today)
            .unwrap_or_else(|| today.clone());
        let mut budget = self.settings.max_partitions;
        let mut behind: Option<String> = None;
        loop {
            let (pks, next) = self
                .sweep
                .due(&day, state.cursor.take(), budget.clamp(1, 100))
                .await?;
            for pk in &pks {
                report.items_deleted += self.sweep.sweep_partition(pk, now).await?.deleted;
                report.partitions_swept += 1;
            }
            budget = budget.saturating_sub(pks.len());
            if next.is_some() {
                state.cursor = next;
                if budget == 0 {
                    behind = Some(day.clone());
                    break;
                }
                continue;
            }
            if day >= today {
                break;
            }
            day = next_day(&day);
            if budget == 0 {
                behind = Some(day.clone());
                break;
            }
        }
        state.next_day = Some(day);
        for (log, days) in [
            (DatedLog::Diagnostics, self.settings.webhook_log_days),
            (DatedLog::Audit, self.settings.audit_days),
        ] {
            let cutoff = now - i64::from(days) * 86_400;
            let cutoff_day = day_of(cutoff);
            let mut d = state
                .dated
                .get(&log)
                .cloned()
                .unwrap_or_else(|| day_of(cutoff - 7 * 86_400));
            let mut left = self.settings.dated_items_per_run;
            while d <= cutoff_day {
                // Whole days before the cut-off day; within it, up to the second.
                let before_ms = if d < cutoff_day {
                    i64::MAX / 2
                } else {
                    cutoff * 1000
                };
                let (deleted, finished) = self
                    .sweep
                    .sweep_dated(log, &d, before_ms, left.min(1000))
                    .await?;
                report.items_deleted += deleted;
                left = left.saturating_sub(deleted as usize);
                if !finished && left == 0 {
                    break;
                }
                if finished {
                    if d == cutoff_day {
                        break;
                    }
                    d = next_day(&d);
                }
            }
            state.dated.insert(log, d);
        }
        state.ran_at = Some(now);
        self.sweep.save_state(&state).await?;
        report.overdue_secs = behind
            .and_then(|d| day_start(&d))
            .map_or(0, |start| (now - start).max(0));
        self.count_media_overdue(now, &mut report).await;
        Ok(report)
    }

    /// Lifecycle expiry deletes media files on its own schedule; a file
    /// still there `media_expiry_grace_days` after its retention ended is
    /// personal data kept too long, and `PersonalDataOverdueMs` says so (at
    /// least the grace period, which is above the alarm's one day).
    async fn count_media_overdue(&self, now: i64, report: &mut Report) {
        let days = i64::from(self.settings.retention_days)
            + i64::from(self.settings.media_expiry_grace_days);
        match self.media.count_older_than(now - days * 86_400).await {
            Ok(n) => {
                report.media_objects_overdue = n;
                if n > 0 {
                    let grace = i64::from(self.settings.media_expiry_grace_days) * 86_400;
                    report.overdue_secs = report.overdue_secs.max(grace);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "media over-age count failed");
                report.media_errors += 1;
            }
        }
    }

    async fn finish_erasures(&self, now: i64, report: &mut Report) -> Result<(), StoreError> {
        let days = diagnostic_days(now, self.settings.retention_days);
        for (mut receipt, contact) in self
            .receipts
            .pending(self.settings.max_pending_erasures)
            .await?
        {
            let erased = self
                .eraser
                .erase(&contact, self.settings.erase_batch_items, &days)
                .await?;
            receipt.items_deleted += erased.deleted;
            report.items_deleted += erased.deleted;
            // The contact's files, after the items (as the contacts API
            // does), on every pass: the prefix may hold a file copied after
            // the API's own pass. A failure leaves the erasure pending.
            let files = match self.media.erase(&receipt.subject_hash).await {
                Ok(n) => Some(n),
                Err(e) => {
                    tracing::warn!(receipt_id = %receipt.receipt_id, error = %e, "media erasure failed");
                    report.media_errors += 1;
                    None
                }
            };
            receipt.objects_deleted += files.unwrap_or(0);
            report.objects_deleted += files.unwrap_or(0);
            if erased.finished && files.is_some() {
                receipt.completed_at = Some(now);
                self.receipts.save(&receipt, None).await?;
                report.erasures_completed += 1;
            } else {
                self.receipts.save(&receipt, Some(&contact)).await?;
                report.erasures_pending += 1;
            }
        }
        Ok(())
    }

    /// One run, logged and counted (EMF).
    pub async fn handle(&self) -> Result<Report, StoreError> {
        let report = self.run().await?;
        let mut m = Metrics::new("retention");
        m.count("ItemsDeleted", "", "", report.items_deleted);
        m.count("PartitionsSwept", "", "", report.partitions_swept as u64);
        m.count(
            "ErasuresCompleted",
            "",
            "",
            report.erasures_completed as u64,
        );
        m.count("ErasuresPending", "", "", report.erasures_pending as u64);
        m.count("MediaObjectsDeleted", "", "", report.objects_deleted);
        m.count("MediaObjectsOverdue", "", "", report.media_objects_overdue);
        m.count("MediaBucketErrors", "", "", report.media_errors);
        m.max_ms("PersonalDataOverdueMs", (report.overdue_secs * 1000) as f64);
        tracing::info!(?report, "retention sweep");
        m.flush(self.clock.now_ms());
        Ok(report)
    }
}
