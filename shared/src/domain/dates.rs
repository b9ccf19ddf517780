//! Dates as the connector writes them: RFC 3339 for people and contracts,
//! `yyyy-mm-dd` (UTC) for day-keyed partitions.

/// RFC 3339 (UTC) of a Unix time; empty if out of range.
pub fn rfc3339(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// `yyyy-mm-dd` (UTC) of a Unix time: the bucket of day-keyed partitions.
pub fn day_of(secs: i64) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(secs.max(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Unix time of 00:00 UTC on a `yyyy-mm-dd` day.
pub fn day_start(day: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(day, fmt)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}
