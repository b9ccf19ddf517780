//! Retention: how long personal data is kept (`RetentionDays`, 30 by
//! default). The retention function (`functions/retention`) deletes what
//! is past it; the suppression list is the one thing that outlives it
//! (`consent::SuppressionRetention`), by design.

/// How long personal data is kept. Every stored item gets an `expires_at`
/// from here; reads treat items past it as gone even before DynamoDB's TTL
/// sweeper (which may lag by days) deletes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub days: u32,
}

impl Retention {
    pub const DEFAULT: Self = Self { days: 30 };

    pub fn expires_at(&self, from_unix_seconds: i64) -> i64 {
        from_unix_seconds + i64::from(self.days) * 86_400
    }
}
