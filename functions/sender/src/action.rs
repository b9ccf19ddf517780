//! `mark_read` and `typing_indicator`: no ledger, no recipient record,
//! only pacing and the Graph call.

use shared::domain::consent::ConsentFacts;
use shared::domain::ids::PhoneNumberId;
use shared::domain::outbound::{classify, graph_body, FailureClass, OutboundCommand};
use shared::domain::sending::{precheck, Verdict};
use shared::ports::sending::{GraphApi, GraphCallError};
use shared::ports::{Clock, StoreError};

use crate::deliver::{jitter, Step};
use crate::{Sender, SenderPorts};

impl<P: SenderPorts> Sender<P> {
    pub(crate) async fn send_action(
        &self,
        cmd: &OutboundCommand,
        number: &PhoneNumberId,
        receive_count: u32,
    ) -> Result<Step, StoreError> {
        let now = self.clock.now_secs();
        let verdict = precheck(
            cmd,
            None,
            ConsentFacts::default(),
            self.settings.consent,
            now,
        );
        if verdict == Verdict::Expired {
            return Ok(Step::Done("expired"));
        }
        if !self.permit(number).await? {
            return Ok(Step::Retry {
                seconds: self.settings.retry.delay(
                    FailureClass::Throughput,
                    receive_count,
                    jitter(),
                ),
                why: "pacing",
            });
        }
        match self.graph.send(number, &graph_body(cmd, None)).await {
            Ok(_) => Ok(Step::Done("sent")),
            Err(GraphCallError::Api(e)) if classify(&e) == FailureClass::Permanent => {
                tracing::warn!(code = e.code, "Meta refused the action");
                Ok(Step::Done("failed"))
            }
            Err(e) => {
                let class = match &e {
                    GraphCallError::Api(e) => classify(e),
                    GraphCallError::Network(_) => FailureClass::Transient,
                };
                Ok(Step::Retry {
                    seconds: self.settings.retry.delay(class, receive_count, jitter()),
                    why: "action_retry",
                })
            }
        }
    }
}
