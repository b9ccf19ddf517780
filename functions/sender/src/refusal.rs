//! Meta refused a send: the outcome for good, or a retry after the delay
//! its error class asks for.

use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::{classify, FailureClass, OutboundCommand};
use shared::ports::sending::{GraphCallError, LedgerKey, OutboundLedger, Outcome, Throttle};
use shared::ports::{Clock, StoreError};

use crate::deliver::{jitter, Step};
use crate::{Sender, SenderPorts};

impl<P: SenderPorts> Sender<P> {
    pub(crate) async fn refused(
        &self,
        cmd: &OutboundCommand,
        key: &LedgerKey,
        number: &PhoneNumberId,
        error: GraphCallError,
        receive_count: u32,
    ) -> Result<Step, StoreError> {
        let now = self.clock.now_secs();
        let (class, graph_error) = match error {
            GraphCallError::Api(e) => (classify(&e), Some(e)),
            GraphCallError::Network(message) => {
                tracing::warn!(error = %message, "no answer from the Graph API");
                (FailureClass::Transient, None)
            }
        };
        let code = graph_error.as_ref().and_then(|e| e.code);
        let delay = self.settings.retry.delay(class, receive_count, jitter());
        let why = match class {
            FailureClass::Permanent => {
                tracing::warn!(
                    code,
                    details = graph_error.as_ref().and_then(|e| e.details.as_deref()),
                    "Meta refused the message"
                );
                let reason =
                    code.map_or_else(|| "graph_error".to_owned(), |c| format!("graph_error_{c}"));
                self.finish(
                    cmd,
                    key,
                    number,
                    Outcome::Failed {
                        reason,
                        error: graph_error,
                    },
                )
                .await?;
                return Ok(Step::Done("failed"));
            }
            FailureClass::SpamRate => {
                tracing::error!(
                    code,
                    "spam rate limit: pausing sends from this business number"
                );
                self.throttle
                    .pause(number, now + i64::from(self.settings.retry.spam_pause_secs))
                    .await?;
                "spam_rate"
            }
            FailureClass::Token => {
                tracing::error!(code, "ACCESS TOKEN REJECTED: fix the access_token in the secret; commands are kept and retried");
                "token"
            }
            FailureClass::Throughput => "throughput",
            FailureClass::PairRate => "pair_rate",
            FailureClass::Transient => "transient",
        };
        self.ledger.release(key, why, now).await?;
        Ok(Step::Retry {
            seconds: delay,
            why,
        })
    }
}
