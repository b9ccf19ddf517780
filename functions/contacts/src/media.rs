//! The copies of the files a contact sent (issue #15): a short-lived link to
//! one, and the list of all of them for the export. Both are reads of
//! message content, audited like the history (`read_media`, `export`).

use std::time::Duration;

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::{json, Value};
use shared::domain::dates::rfc3339;
use shared::domain::media::MediaState;
use shared::domain::ContactKey;
use shared::ports::contacts::{ContactRecords, Doc, HistoryPage};
use shared::ports::media::{MediaBucket, MediaTarget};

use crate::reads::MAX_PAGE;
use crate::{respond, ApiError, Contacts, ContactsPorts};

/// How long a link to a file works: five minutes, long enough to fetch a
/// 100 MB document, short enough that a link copied into a ticket or a log
/// is dead by the time anyone else reads it. A link signed with the
/// function's temporary credentials also dies with them, never later.
pub const MEDIA_LINK_TTL: Duration = Duration::from_secs(300);

fn media_of(doc: &Doc) -> Option<&Value> {
    doc.get("media").filter(|m| m.is_object())
}

impl<P: ContactsPorts> Contacts<P> {
    /// The message (newest first, a page of 100 at a time) whose media has
    /// this id; recent files are found in the first page.
    async fn message_with_media(
        &self,
        contact: &ContactKey,
        media_id: &str,
    ) -> Result<Option<Doc>, ApiError> {
        let now = self.now();
        let mut after = None;
        loop {
            let q = HistoryPage {
                after,
                limit: MAX_PAGE,
                newest_first: true,
            };
            let page = self.records.history(contact, q, now).await?;
            let found = page.items.into_iter().find(|m| {
                media_of(m)
                    .and_then(|x| x.get("id"))
                    .and_then(Value::as_str)
                    == Some(media_id)
            });
            if found.is_some() {
                return Ok(found);
            }
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(None),
            }
        }
    }

    /// `GET /contacts/{wa_id}/media/{media_id}`: a GET link to the stored
    /// copy, valid for [`MEDIA_LINK_TTL`]. 404 `not_found` when the contact
    /// has no live message with this media (or the copy is gone), 404
    /// `media_not_stored` with the `state` (and `reason`) when the copy is
    /// pending, unavailable or failed. Served to a restricted contact's
    /// readers too, as their history is: restriction stops processing, not
    /// the reading of what is kept (docs/privacy.md, Restriction).
    pub(crate) async fn media_link(
        &self,
        contact: &ContactKey,
        subject: &str,
        media_id: &str,
    ) -> Result<Response<Body>, ApiError> {
        let message = self
            .message_with_media(contact, media_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        // The business's own sends through the API are not copied: their
        // file is the business's, not the contact's.
        if message.get("direction").and_then(Value::as_str) == Some("out") {
            return Err(ApiError::NotFound);
        }
        let media = media_of(&message).ok_or(ApiError::NotFound)?;
        let state = media
            .get("state")
            .and_then(Value::as_str)
            .and_then(MediaState::parse)
            .unwrap_or(MediaState::Pending);
        if state != MediaState::Stored {
            return Err(ApiError::MediaNotStored {
                state: state.as_str(),
                reason: media
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        let wamid = message
            .get("wamid")
            .and_then(Value::as_str)
            .ok_or(ApiError::NotFound)?;
        let target = MediaTarget {
            subject_hash: subject,
            wamid,
            media_id,
        };
        // The item says stored; the bucket has the last word (lifecycle
        // expiry may have run a little ahead of the message's own expiry).
        let Some(object) = self.media.find(&target).await? else {
            tracing::warn!("media recorded as stored but not in the bucket");
            return Err(ApiError::NotFound);
        };
        let url = self
            .media
            .presign(subject, &object.key, MEDIA_LINK_TTL)
            .await?;
        let expires_at = self.now() + MEDIA_LINK_TTL.as_secs() as i64;
        Ok(respond(
            StatusCode::OK,
            json!({
                "contact": contact.storage_id(),
                "media_id": media_id,
                "wamid": wamid,
                "mime_type": media.get("mime_type").cloned().unwrap_or(Value::Null),
                "bytes": object.bytes,
                "url": url,
                "ttl_seconds": MEDIA_LINK_TTL.as_secs(),
                "expires_at": rfc3339(expires_at),
            }),
        ))
    }

    /// Every object the contact has in the bucket, each with a link valid
    /// for [`MEDIA_LINK_TTL`]: what the export hands over of their files.
    /// Listed from the bucket, not from the messages, so a copy whose
    /// message is already gone is listed too.
    pub(crate) async fn media_export(&self, subject: &str) -> Result<Vec<Value>, ApiError> {
        let mut objects = self.media.list(subject).await?;
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        let expires_at = rfc3339(self.now() + MEDIA_LINK_TTL.as_secs() as i64);
        let mut out = Vec::with_capacity(objects.len());
        for o in objects {
            let url = self.media.presign(subject, &o.key, MEDIA_LINK_TTL).await?;
            out.push(json!({
                "key": o.key,
                "bytes": o.bytes,
                "stored_at": rfc3339(o.last_modified),
                "url": url,
                "expires_at": expires_at,
            }));
        }
        Ok(out)
    }
}
