//! Outbound-command parsing on arbitrary bodies: a command is accepted or
//! rejected with a reason, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::domain::outbound::{parse_command, salvage_idempotency_key};

fuzz_target!(|body: &[u8]| {
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    if let Err(e) = parse_command(text) {
        let _ = e.reason();
        let _ = salvage_idempotency_key(text);
    }
});
