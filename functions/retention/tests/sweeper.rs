//! The retention sweep against the in-memory fakes, with a fixed clock:
//! bounded runs that resume, day-keyed partitions cut at the second, and
//! erasures finished across runs (files in the media bucket included), the
//! over-age count of media files. `tests/tests/contacts/retention.rs` runs
//! the same sweep against moto.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use retention::{Settings, Sweeper};
use serde_json::json;
use shared::adapters::memory_contacts::{doc, MemoryPartitions, MemoryReceipts};
use shared::domain::ids::{ContactKey, WaId};
use shared::domain::privacy::{day_of, Receipt};
use shared::ports::contacts::{DatedLog, ReceiptStore};
use shared::ports::media::{BucketError, ByteStream, MediaBucket, MediaTarget, StoredObject};
use shared::ports::{Clock, Retry};

const NOW: i64 = 1_796_040_000;
const DAY: i64 = 86_400;

#[derive(Clone, Copy)]
struct At(i64);

impl Clock for At {
    fn now_ms(&self) -> i64 {
        self.0 * 1000
    }
}

/// The media bucket, for the sweep's two uses of it: key → last modified
/// (`c/<subject>/…`), and a switch for an outage.
#[derive(Default)]
struct Files {
    objects: Mutex<BTreeMap<String, i64>>,
    unavailable: Arc<Mutex<bool>>,
}

impl Files {
    fn seed(&self, subject: &str, name: &str, at: i64) {
        let key = format!("c/{subject}/{name}");
        self.objects.lock().unwrap().insert(key, at);
    }

    fn up(&self) -> Result<(), BucketError> {
        match *self.unavailable.lock().unwrap() {
            true => Err(BucketError {
                operation: "bucket",
                message: "unavailable".into(),
                retry: Retry::Retryable,
            }),
            false => Ok(()),
        }
    }

    fn unused<T>() -> Result<T, BucketError> {
        Err(BucketError {
            operation: "unused",
            message: "the sweep never calls this".into(),
            retry: Retry::Permanent,
        })
    }
}

impl MediaBucket for Files {
    async fn find(&self, _: &MediaTarget<'_>) -> Result<Option<StoredObject>, BucketError> {
        Self::unused()
    }
    async fn put(
        &self,
        _: &MediaTarget<'_>,
        _: &str,
        _: ByteStream,
    ) -> Result<StoredObject, BucketError> {
        Self::unused()
    }
    async fn presign(
        &self,
        _: &str,
        _: &str,
        _: std::time::Duration,
    ) -> Result<String, BucketError> {
        Self::unused()
    }
    async fn list(&self, _: &str) -> Result<Vec<StoredObject>, BucketError> {
        Self::unused()
    }
    async fn delete(&self, _: &str) -> Result<(), BucketError> {
        Self::unused()
    }
    async fn erase(&self, subject: &str) -> Result<u64, BucketError> {
        self.up()?;
        let prefix = format!("c/{subject}/");
        let mut objects = self.objects.lock().unwrap();
        let before = objects.len();
        objects.retain(|k, _| !k.starts_with(&prefix));
        Ok((before - objects.len()) as u64)
    }
    async fn count_older_than(&self, cutoff: i64) -> Result<u64, BucketError> {
        self.up()?;
        Ok(self
            .objects
            .lock()
            .unwrap()
            .values()
            .filter(|at| **at < cutoff)
            .count() as u64)
    }
}

type TestSweeper = Sweeper<MemoryPartitions, MemoryReceipts, MemoryPartitions, At, Files>;

fn sweeper(settings: Settings) -> TestSweeper {
    let partitions = MemoryPartitions::default();
    Sweeper {
        sweep: partitions.clone(),
        receipts: MemoryReceipts::default(),
        eraser: partitions,
        clock: At(NOW),
        media: Files::default(),
        settings,
    }
}

fn contact(i: u32) -> ContactKey {
    ContactKey::Phone(WaId::parse(&format!("1650555{i:04}")).unwrap())
}

/// A live profile due for the sweep on `due_day`, and one expired message.
fn seed_contact(s: &TestSweeper, i: u32, due_day: &str) {
    s.sweep.seed_profile(
        &contact(i),
        doc(json!({"type": "contact", "expires_at": NOW + 10 * DAY, "sweep_day": due_day})),
    );
    s.sweep.seed_message(
        &contact(i),
        NOW - 40 * DAY,
        &format!("wamid.{i}"),
        doc(json!({"type": "message", "expires_at": NOW - 100})),
    );
}

#[tokio::test]
async fn a_run_over_its_budget_says_how_far_behind_it_is_and_the_next_runs_catch_up() {
    let s = sweeper(Settings {
        max_partitions: 2,
        ..Settings::default()
    });
    let two_days_ago = day_of(NOW - 2 * DAY);
    let yesterday = day_of(NOW - DAY);
    for i in 0..3 {
        seed_contact(&s, i, &two_days_ago);
    }
    for i in 3..5 {
        seed_contact(&s, i, &yesterday);
    }
    // Where an earlier run left off.
    s.sweep.sweep_state.lock().unwrap().next_day = Some(two_days_ago);

    let mut reports = Vec::new();
    for _ in 0..3 {
        reports.push(s.run().await.unwrap());
    }
    let swept: Vec<usize> = reports.iter().map(|r| r.partitions_swept).collect();
    assert_eq!(swept, [2, 2, 1], "two partitions a run, resuming each time");
    assert!(reports[0].overdue_secs > reports[1].overdue_secs);
    assert!(reports[1].overdue_secs > 0);
    assert_eq!(reports[2].overdue_secs, 0, "caught up");
    assert_eq!(reports.iter().map(|r| r.items_deleted).sum::<u64>(), 5);
    for i in 0..5 {
        let left = s.sweep.partition(&contact(i));
        assert_eq!(left.len(), 1, "only the live profile is left");
        assert_eq!(
            left[0]["sweep_day"],
            day_of(NOW + 10 * DAY),
            "due again when it expires"
        );
    }
}

#[tokio::test]
async fn diagnostics_and_audit_records_past_retention_are_deleted_to_the_second() {
    let s = sweeper(Settings::default());
    let cutoff = NOW - 30 * DAY;
    for (log, day, at) in [
        (DatedLog::Diagnostics, day_of(cutoff), cutoff - 1),
        (DatedLog::Diagnostics, day_of(cutoff), cutoff + 1),
        (DatedLog::Audit, day_of(cutoff - DAY), cutoff - DAY),
        (DatedLog::Audit, day_of(NOW), NOW - 5),
    ] {
        s.sweep
            .seed_dated(log, &day, at * 1000, "req", doc(json!({"at": at})));
    }
    let report = s.run().await.unwrap();
    assert_eq!(report.items_deleted, 2);
    let kept = |log: DatedLog, day: String| s.sweep.dated_records(log, &day).len();
    assert_eq!(
        kept(DatedLog::Diagnostics, day_of(cutoff)),
        1,
        "the later one stays"
    );
    assert_eq!(kept(DatedLog::Audit, day_of(cutoff - DAY)), 0);
    assert_eq!(kept(DatedLog::Audit, day_of(NOW)), 1);
}

#[tokio::test]
async fn an_erasure_left_pending_is_finished_over_runs_and_its_receipt_completed() {
    let s = sweeper(Settings {
        erase_batch_items: 2,
        ..Settings::default()
    });
    seed_contact(&s, 7, &day_of(NOW));
    s.sweep.seed_other(
        &contact(7),
        "a link to crm order 1",
        doc(json!({"expires_at": NOW + DAY})),
    );
    let receipt = Receipt {
        receipt_id: "er_1".into(),
        subject_hash: "hash-of-7".into(),
        requested_at: NOW - 60,
        completed_at: None,
        items_deleted: 0,
        objects_deleted: 0,
        expires_at: NOW + 30 * DAY,
    };
    s.receipts.save(&receipt, Some(&contact(7))).await.unwrap();

    let first = s.run().await.unwrap();
    assert_eq!((first.erasures_pending, first.erasures_completed), (1, 0));
    let second = s.run().await.unwrap();
    assert_eq!((second.erasures_pending, second.erasures_completed), (0, 1));
    assert!(s.sweep.partition(&contact(7)).is_empty());
    let done = s
        .receipts
        .by_subject("hash-of-7", NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.completed_at, Some(NOW));
    assert_eq!(done.items_deleted, 3);
    assert!(s.receipts.pending.lock().unwrap().is_empty());
}

fn pending_receipt(subject: &str) -> Receipt {
    Receipt {
        receipt_id: format!("er_{subject}"),
        subject_hash: subject.into(),
        requested_at: NOW - 60,
        completed_at: None,
        items_deleted: 0,
        objects_deleted: 0,
        expires_at: NOW + 30 * DAY,
    }
}

#[tokio::test]
async fn a_pending_erasure_is_finished_with_the_contacts_files_and_its_receipt_counts_them() {
    let s = sweeper(Settings::default());
    seed_contact(&s, 8, &day_of(NOW));
    s.media.seed("hash-of-8", "wamid.8/m1", NOW - DAY);
    s.media.seed("hash-of-8", "wamid.8/m2", NOW - DAY);
    s.media.seed("hash-of-9", "wamid.9/m1", NOW - DAY);
    s.receipts
        .save(&pending_receipt("hash-of-8"), Some(&contact(8)))
        .await
        .unwrap();

    let report = s.run().await.unwrap();

    assert_eq!((report.erasures_completed, report.objects_deleted), (1, 2));
    let done = s
        .receipts
        .by_subject("hash-of-8", NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.completed_at, done.objects_deleted), (Some(NOW), 2));
    let left: Vec<String> = s.media.objects.lock().unwrap().keys().cloned().collect();
    assert_eq!(
        left,
        ["c/hash-of-9/wamid.9/m1"],
        "someone else's file stays"
    );
}

#[tokio::test]
async fn when_the_bucket_fails_the_erasure_stays_pending_and_the_next_run_finishes_it() {
    let s = sweeper(Settings::default());
    seed_contact(&s, 8, &day_of(NOW));
    s.media.seed("hash-of-8", "wamid.8/m1", NOW - DAY);
    s.receipts
        .save(&pending_receipt("hash-of-8"), Some(&contact(8)))
        .await
        .unwrap();
    *s.media.unavailable.lock().unwrap() = true;

    let failed = s.run().await.unwrap();
    assert_eq!((failed.erasures_pending, failed.erasures_completed), (1, 0));
    assert_eq!(failed.media_errors, 2, "the erasure and the over-age count");
    assert!(
        s.sweep.partition(&contact(8)).is_empty(),
        "the items went anyway"
    );

    *s.media.unavailable.lock().unwrap() = false;
    let next = s.run().await.unwrap();
    assert_eq!((next.erasures_completed, next.objects_deleted), (1, 1));
    assert!(s.receipts.pending.lock().unwrap().is_empty());
}

#[tokio::test]
async fn media_files_older_than_retention_and_the_lifecycle_grace_are_counted_overdue() {
    let s = sweeper(Settings {
        retention_days: 30,
        media_expiry_grace_days: 3,
        ..Settings::default()
    });
    // Lifecycle may still be on its way for the first two; not for the third.
    s.media.seed("a", "w/1", NOW - 20 * DAY);
    s.media.seed("a", "w/2", NOW - 33 * DAY + 60);
    s.media.seed("b", "w/3", NOW - 33 * DAY - 60);

    let report = s.run().await.unwrap();

    assert_eq!(report.media_objects_overdue, 1);
    assert!(
        report.overdue_secs >= 3 * DAY,
        "the alarm's metric says at least the grace: {report:?}"
    );
    s.media.objects.lock().unwrap().remove("c/b/w/3");
    let caught_up = s.run().await.unwrap();
    assert_eq!(
        (caught_up.media_objects_overdue, caught_up.overdue_secs),
        (0, 0)
    );
}
