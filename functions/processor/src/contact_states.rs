//! The stored facts that owe effects, and what the effects need to know of
//! each inbound message's contact (restriction, hand-off, pause, tags).

use std::collections::HashMap;

use shared::domain::ids::ContactKey;
use shared::domain::inbound::{Direction, ParsedChange, Update};
use shared::domain::records::ContactTouch;
use shared::ports::automation::{AutomationStore, ContactState};

use crate::error::IngestError;
use crate::processor::{Processor, ProcessorPorts};

/// The updates of one queue record that were stored by this attempt (or
/// whose effects a redelivery still owes).
pub(crate) type Owed<'a> = [(&'a ParsedChange, &'a Update)];

/// Contact states for the inbound messages whose effects are owed. Read
/// with automation off too: a restricted contact's messages set off nothing.
pub async fn contact_states<P: ProcessorPorts>(
    p: &Processor<P>,
    owed: &Owed<'_>,
    now: i64,
) -> Result<HashMap<ContactKey, ContactState>, IngestError> {
    let mut states = HashMap::new();
    for (_, update) in owed {
        if let Update::Message(m) = update {
            if m.direction == Direction::Inbound && !states.contains_key(&m.contact) {
                states.insert(
                    m.contact.clone(),
                    p.automation_store.contact_state(&m.contact, now).await?,
                );
            }
        }
    }
    Ok(states)
}

/// Restricted (GDPR Art. 18): stored, never announced nor automated.
pub(crate) fn is_restricted(
    states: &HashMap<ContactKey, ContactState>,
    contact: &ContactKey,
) -> bool {
    states.get(contact).is_some_and(|s| s.restricted)
}

/// A profile's expiry follows the contact's last activity, but is written
/// for that alone at most once a day: it may lag the last message by up to
/// this much.
const EXPIRY_STEP_SECS: i64 = 86_400;

/// Whether `touch` brings the profile something: the contact is new, Meta
/// sent another name, username or business number, or the expiry must move
/// (a day or more later than the stored one). Most messages bring nothing,
/// and then the message's own write is the only one (issue #19).
pub(crate) fn is_news(touch: &ContactTouch, state: &ContactState) -> bool {
    let differs =
        |new: Option<&str>, old: &Option<String>| new.is_some_and(|n| Some(n) != old.as_deref());
    !state.exists
        || differs(touch.profile_name.as_deref(), &state.profile_name)
        || differs(touch.username.as_deref(), &state.username)
        || differs(
            touch.phone_number_id.as_ref().map(|p| p.as_str()),
            &state.phone_number_id,
        )
        || state
            .expires_at
            .is_none_or(|stored| touch.expires_at - stored >= EXPIRY_STEP_SECS)
}
