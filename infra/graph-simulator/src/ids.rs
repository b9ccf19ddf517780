//! Message ids (wamids) and fbtrace ids.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::faults::Rng;

/// Produces wamids laid out like real ones (base64 of a small binary record
/// holding the user's number and a hex message key), so code that sniffs or
/// length-checks ids sees something realistic.
///
/// Unlike fault decisions, ids are NOT derived from the seed: a restarted
/// `make dev` simulator must not reuse ids that a persistent dedupe table
/// already holds. The run tag comes from the start time instead.
#[derive(Debug)]
pub struct IdGen {
    run_tag: u32,
    counter: AtomicU64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Outgoing,
    Incoming,
}

impl IdGen {
    pub fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Self {
            run_tag: (Rng::new(nanos).next_u64() >> 32) as u32,
            counter: AtomicU64::new(1),
        }
    }

    /// Differs from one start to the next; media ids use it too.
    pub fn run_tag(&self) -> u32 {
        self.run_tag
    }

    pub fn wamid(&self, user_digits: &str, direction: Direction) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        // Meta's outgoing keys are 18 hex chars, incoming ones 20.
        let (marker, key) = match direction {
            Direction::Outgoing => (
                0x11u8,
                format!("{:08X}{:010X}", self.run_tag, n & 0xFF_FFFF_FFFF),
            ),
            Direction::Incoming => (
                0x12u8,
                format!("{:08X}{:012X}", self.run_tag, n & 0xFFFF_FFFF_FFFF),
            ),
        };
        let user: String = user_digits.chars().take(32).collect();
        let mut raw = vec![0x1C, 0x18, user.len() as u8];
        raw.extend_from_slice(user.as_bytes());
        raw.extend_from_slice(&[0x15, 0x02, 0x00, marker, 0x18, key.len() as u8]);
        raw.extend_from_slice(key.as_bytes());
        raw.push(0x00);
        format!("wamid.{}", STANDARD.encode(raw))
    }
}

impl Default for IdGen {
    fn default() -> Self {
        Self::new()
    }
}

/// 23 characters from the alphabet seen in real fbtrace ids.
pub fn fbtrace_id(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..23)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wamid_should_decode_like_metas_layout() {
        let ids = IdGen::new();
        let id = ids.wamid("16505551234", Direction::Outgoing);
        let raw = STANDARD.decode(id.strip_prefix("wamid.").unwrap()).unwrap();
        assert_eq!(&raw[..3], &[0x1C, 0x18, 11]);
        assert_eq!(&raw[3..14], b"16505551234");
        assert_eq!(raw[17], 0x11);
        assert_eq!(raw[19], 18);
        assert_eq!(raw.len(), 3 + 11 + 6 + 18 + 1);
    }

    #[test]
    fn wamids_should_be_unique() {
        let ids = IdGen::new();
        let a = ids.wamid("1", Direction::Outgoing);
        let b = ids.wamid("1", Direction::Outgoing);
        let c = ids.wamid("1", Direction::Incoming);
        assert_ne!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn fbtrace_id_should_be_23_chars() {
        assert_eq!(fbtrace_id(&mut Rng::new(1)).len(), 23);
    }
}
