//! Ports of the automation the processor runs after storing a message.

use std::future::Future;

use super::StoreError;
use crate::domain::ids::ContactKey;

pub use crate::domain::records::ContactState;

#[derive(Debug, Clone, PartialEq)]
pub struct RecentMessage {
    pub direction: String,
    pub message_type: String,
    pub timestamp: i64,
    pub wamid: String,
    /// Only filled when the business lets message text leave the table.
    pub text: Option<String>,
}

pub trait AutomationStore: Send + Sync {
    fn contact_state(
        &self,
        contact: &ContactKey,
        now: i64,
    ) -> impl Future<Output = Result<ContactState, StoreError>> + Send;
    /// How many messages the contact sent at or after `since` (Meta's
    /// timestamps), the `n` just stored at `now` included: a store that
    /// holds the messages counts them (no write); a fake records them.
    fn count_inbound(
        &self,
        contact: &ContactKey,
        since: i64,
        now: i64,
        n: u32,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;
    /// `Some(until)` hands the conversation to a human until then; `None` releases it.
    fn set_handoff(
        &self,
        contact: &ContactKey,
        until: Option<i64>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn pause_automation(
        &self,
        contact: &ContactKey,
        until: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn add_tags(
        &self,
        contact: &ContactKey,
        tags: &[String],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Newest first.
    fn recent_messages(
        &self,
        contact: &ContactKey,
        limit: u32,
        with_text: bool,
    ) -> impl Future<Output = Result<Vec<RecentMessage>, StoreError>> + Send;
}
