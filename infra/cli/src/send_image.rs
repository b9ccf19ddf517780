//! `jum send --image SRC`: an image message. SRC is an S3 object
//! (`s3://bucket/key`, sent as the command's `s3` reference: the sender
//! uploads it to Meta once and sends by id), a public `https://` link, or
//! a local file, which jum first puts in the stack's media bucket under
//! `outbound/jum/` (the only prefix of that bucket a command may send; the
//! bucket's lifecycle expires it after RetentionDays like every object).

use sha2::{Digest, Sha256};

use crate::error::CliError;
use crate::target::Stack;

/// Meta's limit for an image (FACTS.md: 5 MB), checked before any upload.
const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone)]
pub enum ImageSource {
    S3 {
        bucket: String,
        key: String,
    },
    Link(String),
    /// A local file, to be put at `key` in the stack's bucket.
    File {
        key: String,
        content_type: &'static str,
        bytes: Vec<u8>,
    },
}

impl ImageSource {
    pub fn parse(src: &str) -> Result<Self, CliError> {
        if let Some(rest) = src.strip_prefix("s3://") {
            let (bucket, key) = rest
                .split_once('/')
                .filter(|(b, k)| !b.is_empty() && !k.is_empty())
                .ok_or_else(|| {
                    CliError::refused(
                        format!("{src:?} names no object"),
                        "write s3://BUCKET/KEY, e.g. s3://my-media/outbound/storm-2000.jpg",
                    )
                })?;
            return Ok(Self::S3 {
                bucket: bucket.into(),
                key: key.into(),
            });
        }
        if src.starts_with("https://") || src.starts_with("http://") {
            return Ok(Self::Link(src.into()));
        }
        let path = std::path::Path::new(src);
        let bytes = std::fs::read(path).map_err(|e| {
            CliError::not_found(
                format!("cannot read {src}: {e}"),
                "give a JPEG or PNG file, an s3://BUCKET/KEY or an https:// link",
            )
        })?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let content_type = match ext.as_str() {
            "jpg" | "jpeg" => "image/jpeg",
            "png" => "image/png",
            _ => {
                return Err(CliError::refused(
                    format!("{src}: Meta takes only JPEG and PNG images (media_type_not_accepted)"),
                    "convert it to .jpg or .png",
                ))
            }
        };
        if bytes.is_empty() || bytes.len() > MAX_IMAGE_BYTES {
            return Err(CliError::refused(
                format!(
                    "{src}: {} bytes; an image is 1 byte to 5 MB (media_too_large)",
                    bytes.len()
                ),
                "resize it",
            ));
        }
        // Named by content: sending the same file again reuses the object
        // (and the sender's upload cache, keyed by ETag, its Meta id).
        let digest = hex::encode(Sha256::digest(&bytes));
        let name: String = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("image")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Ok(Self::File {
            key: format!("outbound/jum/{}/{name}", &digest[..16]),
            content_type,
            bytes,
        })
    }

    /// The command's `image` object (without the caption).
    pub fn reference(&self) -> serde_json::Value {
        match self {
            Self::S3 { bucket, key } => serde_json::json!({"s3": {"bucket": bucket, "key": key}}),
            Self::Link(url) => serde_json::json!({"link": url}),
            // No bucket: the stack's, whatever its name.
            Self::File { key, .. } => serde_json::json!({"s3": {"key": key}}),
        }
    }

    /// Puts a local file in the stack's bucket, before the command that
    /// names it is queued.
    pub async fn upload(&self, sdk: &aws_config::SdkConfig, s: &Stack) -> Result<(), CliError> {
        let Self::File {
            key,
            content_type,
            bytes,
        } = self
        else {
            return Ok(());
        };
        aws_sdk_s3::Client::new(sdk)
            .put_object()
            .bucket(&s.bucket)
            .key(key)
            .content_type(*content_type)
            .body(bytes.clone().into())
            .send()
            .await
            .map_err(|e| CliError::aws("S3 PutObject (the image, to the stack's bucket)", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_s3_url_is_a_reference_with_its_bucket() {
        let s = ImageSource::parse("s3://shop-media/outbound/a.jpg").unwrap();
        assert_eq!(
            s.reference(),
            serde_json::json!({"s3": {"bucket": "shop-media", "key": "outbound/a.jpg"}})
        );
        assert_eq!(
            ImageSource::parse("s3://shop-media/").unwrap_err().code(),
            4
        );
    }

    #[test]
    fn a_missing_file_is_not_found_and_a_pdf_is_refused() {
        assert_eq!(
            ImageSource::parse("/nonexistent/a.jpg").unwrap_err().code(),
            3
        );
        let pdf = std::env::temp_dir().join(format!("jum-{}.pdf", std::process::id()));
        std::fs::write(&pdf, b"%PDF-1.7").unwrap();
        assert_eq!(
            ImageSource::parse(pdf.to_str().unwrap())
                .unwrap_err()
                .code(),
            4
        );
        let _ = std::fs::remove_file(pdf);
    }
}
