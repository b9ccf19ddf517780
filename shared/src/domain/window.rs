//! Meta's customer-service window: for 24 hours after a person's last
//! message the business may answer with any message; outside it, only an
//! approved template reaches them (Meta refuses the rest with 131047).
//! The sender checks it before calling Meta, and STOP's confirmation is
//! sent only while it is open.

/// The window's length, counted from the person's last inbound message.
pub const CUSTOMER_SERVICE_WINDOW_SECS: i64 = 24 * 3600;

/// Whether a free-form message may go out at `now` to someone whose last
/// message arrived at `last_inbound_at` (Unix seconds). Exact to the
/// second: open strictly less than 24 hours after that message.
pub fn is_open(last_inbound_at: Option<i64>, now: i64) -> bool {
    last_inbound_at.is_some_and(|t| now - t < CUSTOMER_SERVICE_WINDOW_SECS)
}

/// The oldest message time that keeps the window open at `now`: the
/// window is read from the messages stored at or after it.
pub fn open_since(now: i64) -> i64 {
    now - CUSTOMER_SERVICE_WINDOW_SECS + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_messages_read_for_the_window_are_exactly_those_that_keep_it_open() {
        let now = 1_800_000_000;
        assert!(is_open(Some(open_since(now)), now));
        assert!(!is_open(Some(open_since(now) - 1), now));
    }

    #[test]
    fn the_window_closes_exactly_twenty_four_hours_after_the_last_message() {
        let t = 1_800_000_000;
        assert!(is_open(Some(t), t));
        assert!(is_open(Some(t), t + CUSTOMER_SERVICE_WINDOW_SECS - 1));
        assert!(!is_open(Some(t), t + CUSTOMER_SERVICE_WINDOW_SECS));
    }

    #[test]
    fn someone_who_never_wrote_has_no_window() {
        assert!(!is_open(None, 1_800_000_000));
    }
}
