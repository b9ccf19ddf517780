//! Rectification, links, restriction and consent: each a validated change.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::{json, Map, Value};
use shared::adapters::dynamo::PROFILE_SK;
use shared::domain::consent::{ConsentCategory, ConsentSource, ConsentUpdate, OptInEvidence};
use shared::domain::events::Event;
use shared::domain::privacy::HandoffRequest;
use shared::domain::privacy::{
    ConsentRequest, InputError, LinkRequest, ProfileCorrection, RestrictionRequest,
};
use shared::domain::ContactKey;
use shared::ports::consent::ConsentLedger;
use shared::ports::contacts::{ContactRecords, ProfileChange};
use shared::ports::{Clock, EventSink};

use crate::{public, respond, ApiError, Caller, Contacts};

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

/// Changes need the records, the clock, and the events queue for hand-offs.
impl<R: ContactRecords, E, Rc, A, H, C: Clock, Ev: EventSink, S: ConsentLedger>
    Contacts<R, E, Rc, A, H, C, Ev, S>
{
    async fn change(&self, contact: &ContactKey, change: ProfileChange) -> Result<Value, ApiError> {
        let now = self.now();
        if !self.records.change_profile(contact, &change, now).await? {
            return Err(ApiError::NotFound);
        }
        let profile = self
            .records
            .get(contact, PROFILE_SK, now)
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
            let restricted = profile.get("restricted").and_then(Value::as_bool) == Some(true);
            let kind = if restricted {
                "contact.restricted"
            } else {
                "contact.restriction_lifted"
            };
            let event = Event::new(
                kind,
                &format!("{}|{seq}|{at_ms}", contact.storage_id()),
                at_ms.div_euclid(1000),
                None,
                Some(contact),
                json!({"source": "api"}),
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
        let (kind, data) = match until {
            Some(until) => (
                "conversation.handoff_requested",
                json!({"source": "api", "until": until}),
            ),
            None => ("conversation.handoff_released", json!({"reason": "api"})),
        };
        let event = Event::new(
            kind,
            &format!("api|{}|{now}", contact.storage_id()),
            now,
            None,
            Some(contact),
            data,
        );
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
            profile = self
                .records
                .get(contact, PROFILE_SK, now)
                .await?
                .map(public);
        }
        // The history item, in the same shape the processor writes for Meta's
        // user_preferences, with source `api`.
        let mut doc = Map::new();
        doc.insert("type".into(), json!("consent"));
        doc.insert("value".into(), json!(c.state()));
        doc.insert("source".into(), json!("api"));
        doc.insert("ts".into(), json!(now));
        doc.insert("category".into(), json!(c.category_name()));
        doc.insert("expires_at".into(), json!(retention));
        self.records
            .put(
                contact,
                &shared::adapters::dynamo::consent_sk(now, c.state()),
                doc,
            )
            .await?;
        let kind = if c.opted_in {
            "contact.opted_in"
        } else {
            "contact.opted_out"
        };
        let event = Event::new(
            kind,
            &format!(
                "api|{}|{now}|{}|{}",
                contact.storage_id(),
                c.state(),
                c.category_name()
            ),
            now,
            None,
            Some(contact),
            json!({"source": "api", "category": c.category_name()}),
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
        let mut doc = Map::new();
        doc.insert("type".into(), json!("link"));
        doc.insert("system".into(), json!(l.system));
        doc.insert("record_type".into(), json!(l.kind));
        doc.insert("record_id".into(), json!(l.id));
        if let Some(w) = &l.wamid {
            doc.insert("wamid".into(), json!(w));
        }
        doc.insert("linked_at".into(), json!(self.now()));
        doc.insert(
            "expires_at".into(),
            json!(self.expires(self.settings.retention_days)),
        );
        let sk = match &l.wamid {
            // A message's link is its own item, so links never rewrite history.
            Some(w) => format!("{}#{w}", l.sort_key()),
            None => l.sort_key(),
        };
        self.records.put(contact, &sk, doc.clone()).await?;
        Ok(respond(StatusCode::CREATED, json!({"link": public(doc)})))
    }
}
