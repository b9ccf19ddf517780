//! Meta's download as it streams into the bucket, checked chunk by chunk
//! (`domain::media::Verifier`). A failed check, or a source that breaks
//! off, ends the stream with an `Err`, so the bucket keeps nothing; the
//! cause is left in the [`Slot`] for the copy to answer with. At the end
//! the size and Meta's sha256 are checked *before* the stream ends, so an
//! upload completes only with the right bytes.

use std::sync::{Arc, Mutex};

use futures_util::stream::{self, StreamExt};
use shared::domain::media::{MediaFault, Verified, Verifier};
use shared::ports::media::{ByteStream, StreamError};

/// Why the stream stopped early.
#[derive(Debug, Clone)]
pub enum Stop {
    Fault(MediaFault),
    /// The download broke off (reset, timeout): worth a retry.
    Source(String),
}

#[derive(Debug, Default)]
pub struct Seen {
    pub stop: Option<Stop>,
    pub verified: Option<Verified>,
}

pub type Slot = Arc<Mutex<Seen>>;

pub fn checked(body: ByteStream, verifier: Verifier, slot: Slot) -> ByteStream {
    let state = (body, Some(verifier), slot);
    Box::pin(stream::unfold(
        state,
        |(mut body, verifier, slot)| async move {
            let mut verifier = verifier?;
            let stop = match body.next().await {
                Some(Ok(chunk)) => match verifier.feed(&chunk) {
                    Ok(()) => return Some((Ok(chunk), (body, Some(verifier), slot))),
                    Err(fault) => Stop::Fault(fault),
                },
                Some(Err(e)) => Stop::Source(e.0),
                None => match verifier.finish() {
                    Ok(verified) => {
                        slot.lock().expect("slot").verified = Some(verified);
                        return None;
                    }
                    Err(fault) => Stop::Fault(fault),
                },
            };
            let said = match &stop {
                Stop::Fault(f) => f.reason().to_owned(),
                Stop::Source(s) => s.clone(),
            };
            slot.lock().expect("slot").stop = Some(stop);
            Some((Err(StreamError(said)), (body, None, slot)))
        },
    ))
}
