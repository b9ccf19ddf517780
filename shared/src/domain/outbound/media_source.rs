//! Media a command names as an S3 object instead of Meta's `id` or a
//! `link`: `{"s3": {"key": "outbound/…", "bucket": "…"}}` (docs/sending.md,
//! "Files from S3"). The parser checks the reference's shape and the prefix
//! rule it can check alone; [`MediaSources`] checks the bucket against the
//! deployment's list; [`check_object`] checks the object's type and size
//! against Meta's limits before any upload; [`with_media_ids`] turns each
//! reference into Meta's `id` once uploaded.

use serde_json::{Map, Value};

use super::command::{OutboundCommand, OutboundMessage};
use super::error::CommandError;
use super::field_checks::Obj;
use crate::domain::media::{essence, MediaKind};

/// Keys in the stack's own bucket must start with this: the bucket also
/// holds customers' files (`c/…`), which a command must never send on.
pub const OUTBOUND_PREFIX: &str = "outbound/";
/// S3's limit on a key, in bytes.
pub const S3_KEY_MAX_BYTES: usize = 1024;
/// Template parameter types that carry a file (header media).
pub const TEMPLATE_MEDIA_TYPES: [&str; 3] = ["image", "video", "document"];

/// One `s3` reference of a command, and where in `message` it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Media {
    /// JSON pointer into `message` to the media object (`/image`,
    /// `/template/components/0/parameters/0/document`).
    pub pointer: String,
    pub kind: MediaKind,
    /// `None`: the stack's bucket.
    pub bucket: Option<String>,
    pub key: String,
}

/// Checks an `s3` object (`path` is the media object's, relative to
/// `message`). Called only when the media object has `s3`.
pub(super) fn check_s3(media: &Obj, path: &str) -> Result<(), CommandError> {
    let bad = |rule: &str| CommandError::InvalidMediaSource(format!("message.{path}.s3 {rule}"));
    if media.contains_key("id") || media.contains_key("link") {
        return Err(CommandError::InvalidMediaSource(format!(
            "message.{path} must have exactly one of id, link or s3"
        )));
    }
    let Some(Value::Object(s3)) = media.get("s3") else {
        return Err(bad("must be an object with key and optionally bucket"));
    };
    if s3.keys().any(|k| !matches!(k.as_str(), "key" | "bucket")) {
        return Err(bad("may have only key and bucket"));
    }
    let key = match s3.get("key") {
        Some(Value::String(k)) => k,
        None => return Err(bad("key is required")),
        Some(_) => return Err(bad("key must be a string")),
    };
    if let Some(rule) = key_fault(key) {
        return Err(bad(&format!("key {rule}")));
    }
    match s3.get("bucket") {
        None => {
            if !under_outbound(key) {
                return Err(bad(
                    "key must start with outbound/ in the stack's bucket (a customer's file is never sent on)",
                ));
            }
        }
        Some(Value::String(b)) if is_bucket_name(b) => {}
        Some(_) => {
            return Err(bad(
                "bucket must be an S3 bucket name (3 to 63 of a-z, 0-9, . and -)",
            ))
        }
    }
    Ok(())
}

/// Why a key cannot name an object the sender may read, if it cannot.
fn key_fault(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        return Some("must not be empty");
    }
    if key.len() > S3_KEY_MAX_BYTES {
        return Some("must be at most 1024 bytes");
    }
    if key.chars().any(char::is_control) {
        return Some("must not contain control characters");
    }
    if key.starts_with('/') {
        return Some("must not start with /");
    }
    // S3 keys are flat strings, but a `..` segment reads as "go up" to
    // every person and tool that looks at it: refused so no key can seem
    // to leave its prefix.
    if key
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Some("must not contain . or .. segments");
    }
    None
}

fn under_outbound(key: &str) -> bool {
    key.len() > OUTBOUND_PREFIX.len() && key.starts_with(OUTBOUND_PREFIX)
}

/// S3's naming rule for buckets (general purpose): 3 to 63 lower-case
/// letters, digits, dots and hyphens, starting and ending with a letter or
/// digit.
pub fn is_bucket_name(name: &str) -> bool {
    let ok_char = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-';
    let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name.bytes().all(ok_char)
        && edge(name.as_bytes().first())
        && edge(name.as_bytes().last())
}

/// Every `s3` reference of a command, in document order: the message's own
/// media object, or a template's header parameters (carousel cards too).
pub fn s3_media(cmd: &OutboundCommand) -> Vec<S3Media> {
    let OutboundMessage::Message {
        message_type,
        object,
    } = &cmd.message
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if let Some(kind) = MediaKind::parse(message_type) {
        if let Some(media) = object.get(message_type.as_str()).and_then(Value::as_object) {
            push(&mut found, format!("/{message_type}"), kind, media);
        }
    } else if message_type == "template" {
        if let Some(components) = object.get("template").and_then(|t| t.get("components")) {
            walk_components(&mut found, "/template/components", components);
        }
    }
    found
}

fn walk_components(found: &mut Vec<S3Media>, at: &str, components: &Value) {
    for (i, component) in components.as_array().into_iter().flatten().enumerate() {
        let at = format!("{at}/{i}");
        for (j, parameter) in component
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(kind) = media_parameter_type(parameter) else {
                continue;
            };
            if let Some(media) = parameter.get(kind).and_then(Value::as_object) {
                let pointer = format!("{at}/parameters/{j}/{kind}");
                push(
                    found,
                    pointer,
                    MediaKind::parse(kind).unwrap_or(MediaKind::Document),
                    media,
                );
            }
        }
        if let Some(cards) = component.get("cards") {
            for (k, card) in cards.as_array().into_iter().flatten().enumerate() {
                if let Some(inner) = card.get("components") {
                    walk_components(found, &format!("{at}/cards/{k}/components"), inner);
                }
            }
        }
    }
}

/// A template parameter's `type` when it carries a file.
pub(super) fn media_parameter_type(parameter: &Value) -> Option<&'static str> {
    let kind = parameter.get("type")?.as_str()?;
    TEMPLATE_MEDIA_TYPES.iter().copied().find(|t| *t == kind)
}

fn push(found: &mut Vec<S3Media>, pointer: String, kind: MediaKind, media: &Map<String, Value>) {
    let Some(s3) = media.get("s3") else { return };
    let text = |k: &str| s3.get(k).and_then(Value::as_str).map(str::to_owned);
    if let Some(key) = text("key") {
        found.push(S3Media {
            pointer,
            kind,
            bucket: text("bucket"),
            key,
        });
    }
}

/// The command with each reference at `pointer` replaced by Meta's `id`
/// (`caption` and `filename` kept). Pointers that find no media object are
/// left alone: they come from [`s3_media`] of the same command.
pub fn with_media_ids(cmd: &OutboundCommand, ids: &[(String, String)]) -> OutboundCommand {
    let mut out = cmd.clone();
    if let OutboundMessage::Message { object, .. } = &mut out.message {
        let mut message = Value::Object(std::mem::take(object));
        for (pointer, id) in ids {
            if let Some(Value::Object(media)) = message.pointer_mut(pointer) {
                media.remove("s3");
                media.insert("id".into(), Value::String(id.clone()));
            }
        }
        if let Value::Object(m) = message {
            *object = m;
        }
    }
    out
}

/// Why a named bucket may not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceRefusal {
    /// Not the stack's bucket, and not in `OutboundMediaBuckets`.
    #[error("media_bucket_not_allowed")]
    BucketNotAllowed,
    /// The stack's bucket named explicitly, with a key outside `outbound/`.
    #[error("media_key_outside_prefix")]
    OutsidePrefix,
}

impl SourceRefusal {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::BucketNotAllowed => "media_bucket_not_allowed",
            Self::OutsidePrefix => "media_key_outside_prefix",
        }
    }
}

/// The buckets commands may name: the stack's own (`MEDIA_BUCKET`), only
/// under `outbound/`, and the business's own buckets listed in
/// `OutboundMediaBuckets`, whole (listing one says all of it is the
/// business's files to send; the sender's role can read exactly those).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaSources {
    pub stack_bucket: Option<String>,
    pub other_buckets: Vec<String>,
}

impl MediaSources {
    /// The bucket to read `media` from, or why it may not be read.
    pub fn bucket_for(&self, media: &S3Media) -> Result<String, SourceRefusal> {
        let named = media.bucket.as_deref();
        let stack = self.stack_bucket.as_deref();
        let in_stack_bucket = match (named, stack) {
            (None, Some(_)) => true,
            (Some(b), Some(s)) => b == s,
            (_, None) => false,
        };
        if in_stack_bucket {
            return if under_outbound(&media.key) {
                Ok(stack.unwrap_or_default().to_owned())
            } else {
                Err(SourceRefusal::OutsidePrefix)
            };
        }
        match named {
            Some(b) if self.other_buckets.iter().any(|o| o == b) => Ok(b.to_owned()),
            _ => Err(SourceRefusal::BucketNotAllowed),
        }
    }
}

/// Why an object cannot be sent as the kind the command names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectRefusal {
    #[error("media_type_not_accepted")]
    TypeNotAccepted { mime: Option<String> },
    #[error("media_too_large")]
    TooLarge { bytes: u64, limit: u64 },
    #[error("media_empty")]
    Empty,
}

impl ObjectRefusal {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::TypeNotAccepted { .. } => "media_type_not_accepted",
            Self::TooLarge { .. } => "media_too_large",
            Self::Empty => "media_empty",
        }
    }
}

/// S3 stores this when an upload names no type: it says nothing.
const UNTYPED: [&str; 2] = ["binary/octet-stream", "application/octet-stream"];

/// The MIME type to upload an object as, and whether Meta takes it as
/// `kind` at its size. The object's `Content-Type` decides; when it has
/// none (or S3's untyped default), the key's extension does. A sticker may
/// be animated (500 KB) or not (100 KB), which only its bytes tell: the
/// larger limit is applied here and Meta judges the rest (131053).
pub fn check_object(
    kind: MediaKind,
    content_type: Option<&str>,
    key: &str,
    bytes: u64,
) -> Result<String, ObjectRefusal> {
    let declared = content_type
        .map(essence)
        .filter(|m| !m.is_empty() && !UNTYPED.contains(&m.as_str()));
    let mime = declared.or_else(|| mime_from_extension(key).map(str::to_owned));
    let mime = match mime {
        Some(m) if kind.accepts(&m) => m,
        other => return Err(ObjectRefusal::TypeNotAccepted { mime: other }),
    };
    if bytes == 0 {
        return Err(ObjectRefusal::Empty);
    }
    let limit = kind.limit_bytes(kind == MediaKind::Sticker);
    if bytes > limit {
        return Err(ObjectRefusal::TooLarge { bytes, limit });
    }
    Ok(mime)
}

/// The MIME type of the extensions of the types Meta accepts (meta-api §5.1).
pub fn mime_from_extension(key: &str) -> Option<&'static str> {
    let name = key.rsplit('/').next()?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "3gp" => "video/3gpp",
        "aac" => "audio/aac",
        "amr" => "audio/amr",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "ogg" => "audio/ogg",
        "opus" => "audio/opus",
        "txt" => "text/plain",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "ppt" => "application/vnd.ms-powerpoint",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => return None,
    })
}

/// The file name Meta is given with an upload: the key's last segment.
pub fn upload_filename(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

#[cfg(test)]
#[path = "media_source_tests.rs"]
mod tests;
