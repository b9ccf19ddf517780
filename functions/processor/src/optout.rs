//! STOP / START and Meta's marketing stop: written to the suppression list
//! (keyed hash, outlives retention) and the contact's consent history, for
//! every inbound text that is a stop or start word, whatever the automation
//! settings, blocklist, hand-off, restriction or flood pause. A legal duty,
//! not an automation feature.

use shared::domain::automation::{default_settings, opt_out_intent, OptIntent};
use shared::domain::consent::{ConsentCategory, ConsentSource, ConsentUpdate, OptInEvidence};
use shared::domain::events::payloads::ChangeSource;
use shared::domain::events::Event;
use shared::domain::ids::{ContactKey, PhoneNumberId};
use shared::domain::inbound::{ConsentChange, InboundMessage};
use shared::domain::queued::QueuedBatch;
use shared::domain::records::{ConsentRecord, ConsentState};
use shared::domain::window;
use shared::ports::consent::ConsentLedger;
use shared::ports::{Clock, ContactStore};
use shared::telemetry::Metrics;

use crate::error::IngestError;
use crate::events::consent_event;
use crate::outbox::Outbox;
use crate::processor::{Processor, ProcessorPorts};
use crate::reply::{reply_key, AutoReply};

/// Applies a stop or start word; `false` when `m` is not one (the rules
/// then run as usual). `flooded`: the confirmation is not sent, as no
/// automated reply is during a flood pause.
#[allow(clippy::too_many_arguments)]
pub async fn apply<P: ProcessorPorts>(
    p: &Processor<P>,
    batch: &QueuedBatch,
    m: &InboundMessage,
    number: Option<&PhoneNumberId>,
    flooded: bool,
    now: i64,
    out: &mut Outbox,
    metrics: &mut Metrics,
) -> Result<bool, IngestError> {
    let settings = match p.automation.as_deref() {
        Some(a) => &a.settings,
        None => default_settings(),
    };
    let Some(intent) = opt_out_intent(settings, &m.content) else {
        return Ok(false);
    };
    let (value, text, opted_in) = match intent {
        OptIntent::Stop => ("stop", &settings.stop_reply, false),
        OptIntent::Start => ("resume", &settings.start_reply, true),
    };
    let change = ConsentChange {
        contact: m.contact.clone(),
        category: "all".into(),
        value: value.into(),
        timestamp: m.timestamp,
    };
    p.contacts
        .apply_consent(ConsentRecord {
            change: &change,
            source: "keyword",
            origin: &batch.origin(),
            expires_at: p.retention.expires_at(p.clock.now_secs()),
        })
        .await?;
    // STOP suppresses marketing and utility (service replies inside the
    // window stay possible: the customer may write again); START lifts both
    // and is the customer's own marketing opt-in.
    p.consent
        .update(
            &m.contact,
            &ConsentUpdate {
                categories: &ConsentCategory::ALL,
                opted_in,
                source: ConsentSource::Keyword,
                at: m.timestamp,
                evidence: opted_in.then(|| OptInEvidence {
                    given_at: m.timestamp,
                    detail: format!("keyword reply {}", m.wamid),
                }),
                opt_in_expires_at: p.retention.expires_at(now),
                suppression_expires_at: p.suppression_retention.expires_at(now),
            },
        )
        .await?;
    metrics.count("ConsentChanged", "Source", "keyword", 1);
    if let Some(e) = consent_event(&change, number, ChangeSource::Keyword, "all") {
        out.events.push(e);
    }
    let blocklisted = match &m.contact {
        ContactKey::Phone(wa_id) => settings.blocklist.contains(wa_id.as_str()),
        ContactKey::Scoped(_) => false,
    };
    let window_open = window::is_open(Some(m.timestamp), now);
    // BSUID senders have no number to answer to: recorded, not answered.
    // Abuse guards (blocklist, flood) keep their promise of no replies.
    let ContactKey::Phone(wa_id) = &m.contact else {
        return Ok(true);
    };
    if window_open && !blocklisted && !flooded {
        let key = reply_key(&m.wamid, &format!("opt-{value}"));
        out.commands
            .push(AutoReply::text(key, wa_id.clone(), number.cloned(), text));
    }
    Ok(true)
}

/// Meta's `user_preferences`: the WhatsApp marketing stop (and `resume`)
/// concern marketing only; order updates keep flowing.
pub async fn meta_preference<P: ProcessorPorts>(
    p: &Processor<P>,
    c: &ConsentChange,
    number: Option<&PhoneNumberId>,
    now: i64,
) -> Result<Option<Event>, IngestError> {
    let opted_in = match c.state() {
        Some(ConsentState::OptedOut) => false,
        Some(ConsentState::OptedIn) => true,
        _ => return Ok(None),
    };
    p.consent
        .update(
            &c.contact,
            &ConsentUpdate {
                categories: &[ConsentCategory::Marketing],
                opted_in,
                source: ConsentSource::MetaUserPreferences,
                at: c.timestamp,
                // `resume` returns to where the person was before the stop;
                // it is not a recorded opt-in.
                evidence: None,
                opt_in_expires_at: p.retention.expires_at(now),
                suppression_expires_at: p.suppression_retention.expires_at(now),
            },
        )
        .await?;
    Ok(consent_event(
        c,
        number,
        ChangeSource::UserPreferences,
        "marketing",
    ))
}
