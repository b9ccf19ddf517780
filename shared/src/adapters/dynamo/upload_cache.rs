//! The sender's upload cache: which Meta media id an S3 object (at one
//! ETag) was uploaded as from one business number, so a file sent to many
//! customers is uploaded once. Items expire (TTL) after 29 days, a day
//! before Meta forgets an uploaded id (meta-api §5.1).

use std::collections::HashMap;

use super::attrs::{n, s, store_error};
use super::keys::{upload_pk, UPLOAD_SK};
use super::DynamoStore;
use crate::ports::media::{UploadCache, UploadKey};
use crate::ports::StoreError;

fn pk(key: &UploadKey<'_>) -> String {
    upload_pk(key.phone_number_id, key.bucket, key.key, key.etag)
}

impl UploadCache for DynamoStore {
    async fn cached(&self, key: &UploadKey<'_>, now: i64) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(key)))
            .key("sk", s(UPLOAD_SK))
            .send()
            .await
            .map_err(|e| store_error("read upload cache", e))?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        // TTL deletes late (up to days): an expired item is a miss.
        let live = item
            .get("expires_at")
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|at| at > now);
        Ok(item
            .get("media_id")
            .and_then(|v| v.as_s().ok())
            .filter(|_| live)
            .cloned())
    }

    async fn remember(
        &self,
        key: &UploadKey<'_>,
        media_id: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let item = HashMap::from([
            ("pk".to_owned(), s(pk(key))),
            ("sk".to_owned(), s(UPLOAD_SK)),
            ("type".to_owned(), s("upload")),
            ("media_id".to_owned(), s(media_id)),
            (
                "phone_number_id".to_owned(),
                s(key.phone_number_id.as_str()),
            ),
            ("bucket".to_owned(), s(key.bucket)),
            ("key".to_owned(), s(key.key)),
            ("etag".to_owned(), s(key.etag)),
            ("expires_at".to_owned(), n(expires_at)),
        ]);
        // Unconditional: two attempts that both uploaded leave the later id,
        // and either id sends the same file.
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("remember upload", e))
    }
}

#[cfg(test)]
mod tests {
    use super::super::keys::upload_pk;
    use crate::domain::ids::PhoneNumberId;

    #[test]
    fn each_number_object_and_etag_gets_its_own_short_key() {
        let number = PhoneNumberId::parse("106540352242922").unwrap();
        let long_key = format!("outbound/{}", "a".repeat(1000));
        let pk = upload_pk(&number, "jum-media", &long_key, "\"e1\"");
        assert!(pk.starts_with("UPLOAD#106540352242922#"));
        assert_eq!(pk.len(), "UPLOAD#106540352242922#".len() + 64);
        // S3 quotes ETags; quoted or not, the same object.
        assert_eq!(pk, upload_pk(&number, "jum-media", &long_key, "e1"));
        assert_ne!(pk, upload_pk(&number, "jum-media", &long_key, "\"e2\""));
        // Length-prefixed parts: moving a character between bucket and key changes the key.
        assert_ne!(
            upload_pk(&number, "ab", "c/x", "e"),
            upload_pk(&number, "abc", "/x", "e")
        );
        let other = PhoneNumberId::parse("106540352242923").unwrap();
        assert_ne!(pk, upload_pk(&other, "jum-media", &long_key, "\"e1\""));
    }
}
