//! Meta's supported media types and their size limits (meta-api §5.1 and
//! the Media page's "Supported media types"), and sample files for
//! injected customer messages.

use crate::faults::Rng;

const KB: usize = 1024;
const MB: usize = 1024 * 1024;

/// The largest file Meta handles at all (documents; inbound files over it
/// arrive as webhook error 131052). Uploads stop being read past it.
pub const MAX_FILE_BYTES: usize = 100 * MB;

/// In the order Meta lists them in its upload error.
pub const ACCEPTED: &[&str] = &[
    "audio/aac",
    "audio/mp4",
    "audio/mpeg",
    "audio/amr",
    "audio/ogg",
    "audio/opus",
    "application/vnd.ms-powerpoint",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf",
    "text/plain",
    "application/vnd.ms-excel",
    "image/jpeg",
    "image/png",
    "image/webp",
    "video/mp4",
    "video/3gpp",
];

/// `audio/ogg; codecs=opus` → `audio/ogg`.
pub fn essence(mime: &str) -> String {
    mime.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub fn accepted(mime: &str) -> bool {
    ACCEPTED.contains(&essence(mime).as_str())
}

/// (limit in bytes, how Meta writes it) for an accepted type. A WebP is a
/// sticker: 500 KB when animated, 100 KB when static.
pub fn limit(mime: &str, head: &[u8]) -> (usize, &'static str) {
    let mime = essence(mime);
    match mime.split('/').next().unwrap_or("") {
        "image" if mime == "image/webp" => {
            if animated_webp(head) {
                (500 * KB, "500 KB")
            } else {
                (100 * KB, "100 KB")
            }
        }
        "image" => (5 * MB, "5 MB"),
        "audio" | "video" => (16 * MB, "16 MB"),
        _ => (MAX_FILE_BYTES, "100 MB"),
    }
}

/// The largest limit a file of this type can have, before its bytes are
/// seen (an animated sticker's for a WebP).
pub fn largest_limit(mime: &str) -> usize {
    if essence(mime) == "image/webp" {
        500 * KB
    } else {
        limit(mime, &[]).0
    }
}

/// RIFF….WEBPVP8X with the animation flag (bit 1 of the VP8X flags byte).
pub fn animated_webp(head: &[u8]) -> bool {
    head.len() > 20 && &head[0..4] == b"RIFF" && &head[8..16] == b"WEBPVP8X" && head[20] & 0x02 != 0
}

/// Default MIME type of an inbound message type, as Meta sends it.
pub fn inbound_mime(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "image" => "image/jpeg",
        "video" => "video/mp4",
        "audio" => "audio/ogg; codecs=opus",
        "document" => "application/pdf",
        "sticker" => "image/webp",
        _ => return None,
    })
}

/// `size` bytes that start like a file of that type (so sniffing tools
/// agree with the MIME type) followed by filler drawn from `seed`; two
/// seeds give two different files, hence two different digests.
pub fn sample(mime: &str, size: usize, seed: u64) -> Vec<u8> {
    let head: &[u8] = match essence(mime).as_str() {
        "image/jpeg" => b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
        "image/png" => b"\x89PNG\r\n\x1a\n",
        "image/webp" => b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        "video/mp4" | "audio/mp4" => b"\x00\x00\x00\x18ftypmp42",
        "audio/ogg" | "audio/opus" => b"OggS\x00\x02",
        "application/pdf" => b"%PDF-1.4\n",
        _ => b"",
    };
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&head[..head.len().min(size)]);
    let mut rng = Rng::new(seed);
    while out.len() < size {
        let word = rng.next_u64().to_le_bytes();
        let take = (size - out.len()).min(word.len());
        out.extend_from_slice(&word[..take]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_should_follow_metas_table() {
        assert_eq!(limit("image/jpeg", b"").0, 5 * MB);
        assert_eq!(limit("audio/ogg; codecs=opus", b"").0, 16 * MB);
        assert_eq!(limit("video/mp4", b"").0, 16 * MB);
        assert_eq!(limit("application/pdf", b"").0, 100 * MB);
        assert_eq!(
            limit("image/webp", &sample("image/webp", 64, 1)).0,
            100 * KB
        );
        let mut animated = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x02\0\0\0".to_vec();
        animated.resize(64, 0);
        assert!(animated_webp(&animated));
        assert_eq!(limit("image/webp", &animated).0, 500 * KB);
    }

    #[test]
    fn only_metas_types_should_be_accepted() {
        assert!(accepted("audio/ogg; codecs=opus"));
        assert!(accepted("IMAGE/PNG"));
        assert!(!accepted("video/quicktime"));
        assert!(!accepted("application/octet-stream"));
    }

    #[test]
    fn samples_should_have_the_size_asked_and_differ_by_seed() {
        let a = sample("image/jpeg", 5000, 1);
        assert_eq!(a.len(), 5000);
        assert_eq!(&a[..3], b"\xFF\xD8\xFF");
        assert_ne!(a, sample("image/jpeg", 5000, 2));
        assert_eq!(sample("text/plain", 3, 1).len(), 3);
    }
}
