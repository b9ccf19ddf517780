//! What the webhook and the processor agree on beyond Meta's JSON: the
//! stand-ins the webhook queues for a body it refused or could not cut.

/// The pseudo-field under which the webhook queues a signed POST it refused,
/// so the refusal is kept for troubleshooting like any other diagnostic.
pub const REJECTED_FIELD: &str = "_rejected";

/// The one key of the stand-in the webhook queues for a change value too
/// large for a queue message that has nothing to cut it by (no update
/// array, no contacts): `{"jum_oversized":{"bytes":…,"keys":[…],"head":"…"}}`.
/// Stored as an `oversized` diagnostic rather than dropped.
pub const OVERSIZED_KEY: &str = "jum_oversized";
