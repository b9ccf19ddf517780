//! How the contacts fake applies a profile change: the attributes each
//! change sets or removes, as the DynamoDB adapter's update expressions do.

use serde_json::{json, Map, Value};

use crate::ports::contacts::{Doc, ProfileChange};

/// The attributes each change sets or removes, as the DynamoDB adapter's
/// update expressions do.
pub(crate) fn apply(profile: &mut Doc, change: &ProfileChange, now: i64) {
    let mut set = |k: &str, v: Value| {
        profile.insert(k.to_owned(), v);
    };
    set("updated_at", json!(now));
    match change {
        ProfileChange::Correct(c) => {
            if let Some(v) = &c.display_name {
                set("display_name", json!(v));
            }
            if let Some(v) = &c.locale {
                set("locale", json!(v));
            }
            if !c.custom_fields.is_empty() {
                let fields = profile
                    .entry("custom_fields")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(fields) = fields {
                    for (k, v) in &c.custom_fields {
                        if v.is_null() {
                            fields.remove(k);
                        } else {
                            fields.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
        }
        ProfileChange::Handoff(Some(until)) => set("handoff_until", json!(until)),
        ProfileChange::Handoff(None) => {
            profile.remove("handoff_until");
        }
        ProfileChange::Restrict(r) => {
            let was = profile.get("restricted").and_then(Value::as_bool) == Some(true);
            let seq = profile.get("restriction_seq").and_then(Value::as_i64);
            let mut set = |k: &str, v: Value| {
                profile.insert(k.to_owned(), v);
            };
            if was != r.restricted {
                set("restriction_updated_at", json!(now));
                let ms = crate::ports::Clock::now_ms(&crate::ports::SystemClock);
                set("restriction_changed_ms", json!(ms));
                set("restriction_seq", json!(seq.unwrap_or(0) + 1));
            }
            set("restricted", json!(r.restricted));
            match &r.reason {
                Some(reason) => set("restriction_reason", json!(reason)),
                None => {
                    profile.remove("restriction_reason");
                }
            }
        }
        ProfileChange::RestrictionAnnounced(at) => set("restriction_announced_seq", json!(at)),
        ProfileChange::Consent(c) => {
            set("consent_state", json!(c.state()));
            set("consent_updated_at", json!(now));
            set("consent_source", json!("api"));
            match &c.category {
                Some(cat) => set("consent_category", json!(cat)),
                None => {
                    profile.remove("consent_category");
                }
            }
        }
    }
}
