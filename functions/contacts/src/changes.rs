//! Rectification, links, restriction and consent: each a validated change.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::{json, Value};
use shared::domain::consent::{ConsentCategory, ConsentSource, ConsentUpdate, OptInEvidence};
use shared::domain::events::payloads::{
    ChangeSource, ConsentChanged, HandoffReleased, HandoffRequested, ReleaseReason,
    RestrictionChanged,
};
use shared::domain::events::Event;
use shared::domain::privacy::HandoffRequest;
use shared::domain::privacy::{
    ConsentRequest, InputError, LinkRequest, ProfileCorrection, RestrictionRequest,
};
use shared::domain::ContactKey;
use shared::ports::consent::ConsentLedger;
use shared::ports::contacts::{ConsentEntry, ContactRecords, ProfileChange};
use shared::ports::EventSink;

use crate::{public, respond, ApiError, Caller, Contacts, ContactsPorts};

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

/// Changes need the records, the clock, and the events queue for hand-offs.
impl<P: ContactsPorts> Contacts<P> {
    async fn change(&self, contact: &ContactKey, change: ProfileChange) -> Result<Value, ApiError> {
        let now = self.now();
        if !self.records.change_profile(contact, &change, now).await? {
            return Err(ApiError::NotFound);
        }
        let profile = self
            .records
            .profile(contact, now)
            .await?
            .ok_or(ApiError::NotFound)?;
        Ok(public(profile))
    }

    pub(crate) async fn correct(
        &self,
        contact: &ContactKey,
        body: Value,
    ) -> Result<Response<Body>, ApiError> {
        let c = ProfileCorrection::parse(&body)?;
        let profile = self.change(contact, ProfileChange::Correct(c)).await?;
        Ok(respond(StatusCode::OK, json!({"profile": profile})))
    }

    /// Restricts processing (GDPR Art. 18) or lifts the restriction, and
    /// tells internal systems once per change: `contact.restricted` or
    /// `contact.restriction_lifted`, with no reason (it may hold personal
    /// data). The profile remembers which change was announced, so a repeat
    /// request after a failed publish announces it again, with the same id.
    pub(crate) async fn restrict(
        &self,
        contact: &ContactKey,
        body: Value,
    ) -> Result<Response<Body>, ApiError> {
        let r = RestrictionRequest::parse(&body)?;
        let mut profile = self.change(contact, ProfileChange::Restrict(r)).await?;
        let num = |k: &str| profile.get(k).and_then(Value::as_i64);
        let (seq, announced) = (num("restriction_seq"), num("restriction_announced_seq"));
        if let Some(seq) = seq.filter(|seq| announced != Some(*seq)) {
            let at_ms = num("restriction_changed_ms").unwrap_or_default();
            let payload = RestrictionChanged {
                restricted: profile.get("restricted").and_then(Value::as_bool) == Some(true),
                source: ChangeSource::Api,
            };
            let event = Event::new(
                &payload,
                &format!("{}|{seq}|{at_ms}", contact.storage_id()),
                at_ms.div_euclid(1000),
                None,
                Some(contact),
            );
            self.publish(event).await?;
            profile = self
                .change(contact, ProfileChange::RestrictionAnnounced(seq))
                .await?;
        }
        Ok(respond(StatusCode::OK, json!({"profile": profile})))
    }

    async fn publish(&self, event: Event) -> Result<(), ApiError> {
        self.events
            .publish(std::slice::from_ref(&event))
            .await
            .map_err(|e| {
                ApiError::Store(shared::ports::StoreError {
                    operation: "publish event",
                    message: e.message,
                    retry: e.retry,
                })
            })
    }

    /// An agent takes the conversation (the bot stops answering) or gives it
    /// back; internal systems hear of it either way.
    pub(crate) async fn handoff(
        &self,
        contact: &ContactKey,
        body: Value,
    ) -> Result<Response<Body>, ApiError> {
        let h = HandoffRequest::parse(&body)?;
        let now = self.now();
        let until = h.active.then(|| now + i64::from(h.minutes) * 60);
        let profile = self.change(contact, ProfileChange::Handoff(until)).await?;
        let fact = format!("api|{}|{now}", contact.storage_id());
        let event = match until {
            Some(until) => {
                let payload = HandoffRequested {
                    source: ChangeSource::Api,
                    until,
                    wamid: None,
                    rule: None,
                };
                Event::new(&payload, &fact, now, None, Some(contact))
            }
            None => {
                let payload = HandoffReleased {
                    reason: ReleaseReason::Api,
                    handoff_until: None,
                };
                Event::new(&payload, &fact, now, None, Some(contact))
            }
        };
        self.publish(event).await?;
        Ok(respond(StatusCode::OK, json!({"profile": profile})))
    }

    /// Works with or without a profile: an opt-out must be recorded for a
    /// number the business holds elsewhere, and an opt-in lets marketing go
    /// to someone who has not written yet. Emits `contact.opted_out` /
    /// `contact.opted_in` once per request, like the keyword does.
    pub(crate) async fn consent(
        &self,
        contact: &ContactKey,
        body: Value,
        who: &Caller,
    ) -> Result<Response<Body>, ApiError> {
        let c = ConsentRequest::parse(&body)?;
        let now = self.now();
        let retention = self.expires(self.settings.retention_days);
        let categories = c.categories();
        self.consent
            .update(
                contact,
                &ConsentUpdate {
                    categories,
                    opted_in: c.opted_in,
                    source: ConsentSource::Api,
                    at: now,
                    evidence: categories.contains(&ConsentCategory::Marketing).then(|| {
                        OptInEvidence {
                            given_at: now,
                            detail: format!("contacts API, request {}", who.request_id),
                        }
                    }),
                    opt_in_expires_at: retention,
                    suppression_expires_at: self.settings.suppression_retention.expires_at(now),
                },
            )
            .await?;
        let mut profile = None;
        if self
            .records
            .change_profile(contact, &ProfileChange::Consent(c.clone()), now)
            .await?
        {
            profile = self.records.profile(contact, now).await?.map(public);
        }
        // The history entry, the item the processor writes for Meta's
        // user_preferences, with source `api`.
        let entry = ConsentEntry {
            at: now,
            value: c.state(),
            category: c.category_name(),
            source: "api",
            expires_at: retention,
        };
        self.records.append_consent(contact, &entry).await?;
        let payload = ConsentChanged {
            opted_in: c.opted_in,
            source: ChangeSource::Api,
            category: c.category_name(),
        };
        let event = Event::new(
            &payload,
            &format!(
                "api|{}|{now}|{}|{}",
                contact.storage_id(),
                c.state(),
                c.category_name()
            ),
            now,
            None,
            Some(contact),
        );
        self.publish(event).await?;
        Ok(respond(
            StatusCode::OK,
            json!({"profile": profile, "consent": {"state": c.state(), "category": c.category_name()}}),
        ))
    }

    pub(crate) async fn link(
        &self,
        contact: &ContactKey,
        body: Value,
    ) -> Result<Response<Body>, ApiError> {
        let l = LinkRequest::parse(&body)?;
        if !self.exists(contact).await? {
            return Err(ApiError::NotFound);
        }
        let expires_at = self.expires(self.settings.retention_days);
        let doc = self
            .records
            .add_link(contact, &l, self.now(), expires_at)
            .await?;
        Ok(respond(StatusCode::CREATED, json!({"link": public(doc)})))
    }
}
