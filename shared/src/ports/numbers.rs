//! Each business number's throughput level, as the template sync last read
//! it from Meta and as a `THROUGHPUT_UPGRADE` webhook raised it since: the
//! sender paces each number by it (docs/sending.md, "Pacing"). Business
//! data, not personal data: no customer in it, so no `expires_at`.

use std::future::Future;

use super::StoreError;
use crate::domain::ids::PhoneNumberId;
use crate::domain::pacing::ThroughputLevel;

pub trait NumberLevels: Send + Sync {
    /// The number's level; `None`: no sync has listed the number, or Meta
    /// named no level this version knows.
    fn throughput(
        &self,
        number: &PhoneNumberId,
    ) -> impl Future<Output = Result<Option<ThroughputLevel>, StoreError>> + Send;
    /// A webhook's new level for the number Meta names by its display
    /// digits. `false`: no sync has listed that number yet (the next one
    /// reads the level from Meta).
    fn set_throughput(
        &self,
        display_digits: &str,
        level: ThroughputLevel,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
