//! Meta's error object and what the sender should do about it (meta-api §7).
//!
//! The decision is built on `code`, as Meta advises: not on the subcode
//! (deprecated), the title, or the HTTP status (130429 comes with HTTP 400).
//! The status only decides when there is no code at all.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct GraphError {
    pub http_status: u16,
    pub code: Option<i64>,
    pub subcode: Option<i64>,
    pub message: Option<String>,
    /// `error_data.details`: the WhatsApp-specific explanation.
    pub details: Option<String>,
    pub fbtrace_id: Option<String>,
}

/// Reads `{"error":{"message","type","code","error_subcode","error_data":{"details"},"fbtrace_id"}}`.
/// Tolerant: a body that is not JSON, or not this shape, gives `code: None`.
pub fn parse_graph_error(http_status: u16, body: &[u8]) -> GraphError {
    let value: Option<Value> = serde_json::from_slice(body).ok();
    let error = value.as_ref().and_then(|v| v.get("error"));
    let field = |key: &str| error.and_then(|e| e.get(key));
    let string = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    GraphError {
        http_status,
        code: int(field("code")),
        subcode: int(field("error_subcode")),
        message: string(field("message")),
        details: string(field("error_data").and_then(|d| d.get("details"))),
        fbtrace_id: string(field("fbtrace_id")),
    }
}

/// A number, or a number written as a string.
fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureClass {
    /// 130429, 131057, 4, 80007, 133016: too fast for the number or app;
    /// retry with backoff.
    Throughput,
    /// 131056: too many messages to this recipient; retry this recipient
    /// after 4^X seconds (X = 0, 1, 2, …), others are fine.
    PairRate,
    /// 131048: the number is limited for quality; open a circuit breaker
    /// for the business number and retry later.
    SpamRate,
    /// 0, 190, or HTTP 401 without a known code: the access token is bad.
    /// Fail loudly and keep the message for a retry once it is fixed.
    Token,
    /// 1, 2, 131000, 131016, 133004, and any HTTP 5xx without a known code
    /// (an unparseable 5xx included): retry with backoff.
    Transient,
    /// Everything else: the message failed; retrying cannot help.
    Permanent,
}

impl FailureClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Throughput => "throughput",
            Self::PairRate => "pair_rate",
            Self::SpamRate => "spam_rate",
            Self::Token => "token",
            Self::Transient => "transient",
            Self::Permanent => "permanent",
        }
    }

    /// Whether the message should be tried again (at some point).
    pub fn is_retryable(self) -> bool {
        !matches!(self, Self::Permanent)
    }
}

pub fn classify(e: &GraphError) -> FailureClass {
    use FailureClass::*;
    match e.code {
        Some(130429 | 131057 | 4 | 80007 | 133016) => Throughput,
        Some(131056) => PairRate,
        Some(131048) => SpamRate,
        Some(0 | 190) => Token,
        Some(1 | 2 | 131000 | 131016 | 133004) => Transient,
        Some(code) if is_known(code) => Permanent,
        // No code, or one Meta's table does not list: the status decides.
        _ => match e.http_status {
            401 => Token,
            429 => Throughput,
            408 | 500..=599 => Transient,
            _ => Permanent,
        },
    }
}

const UNKNOWN: &str = "unknown error code";

/// Whether `code` is in Meta's error-code table (meta-api §7).
pub fn is_known(code: i64) -> bool {
    describe(code) != UNKNOWN
}

/// A short meaning of the code, from Meta's error-code table (meta-api §7).
pub fn describe(code: i64) -> &'static str {
    match code {
        0 => "authentication failed",
        1 => "unknown API error (possibly a server error)",
        2 => "API service temporarily unavailable",
        3 => "capability or permissions issue",
        4 => "app API call rate limit reached",
        10 => "permission denied",
        33 => "business phone number deleted",
        100 => "invalid parameter",
        190 => "access token expired",
        200..=299 => "API permission missing",
        368 => "temporarily blocked for policy violations",
        80007 => "WhatsApp Business Account rate limit reached",
        130403 => "business has blocked the user",
        130429 => "throughput limit reached",
        130472 => "user's number is part of an experiment",
        130497 => "business restricted from messaging users in this country",
        131000 => "something went wrong",
        131005 => "access denied",
        131008 => "required parameter missing",
        131009 => "parameter value not valid",
        131016 => "service unavailable",
        131021 => "recipient cannot be the sender",
        131026 => "message undeliverable",
        131030 => "recipient not in the allowed list",
        131031 => "business account locked",
        131037 => "display name approval needed",
        131042 => "payment method issue",
        131045 => "incorrect certificate",
        131047 => "more than 24 hours since the customer last replied",
        131048 => "spam rate limit hit",
        131049 => "not delivered to maintain healthy ecosystem engagement",
        131050 => "user stopped marketing messages",
        131051 => "unsupported message type",
        131052 => "media download error",
        131053 => "media upload error",
        131056 => "pair rate limit hit",
        131057 => "account in maintenance mode",
        131063 => "marketing templates disabled on Cloud API",
        131064 => "limited for template classification violations",
        132000 => "template parameter count mismatch",
        132001 => "template does not exist",
        132005 => "template text too long after parameters",
        132007 => "template format character policy violated",
        132012 => "template parameter format mismatch",
        132015 => "template paused for low quality",
        132016 => "template disabled",
        132068 => "flow is blocked",
        132069 => "flow is throttled",
        133000 => "incomplete deregistration",
        133004 => "server temporarily unavailable",
        133005 => "two-step verification PIN mismatch",
        133006 => "phone number needs re-verification",
        133008 => "too many two-step verification PIN guesses",
        133009 => "two-step verification PIN guessed too fast",
        133010 => "phone number not registered",
        133015 => "wait before registering this number again",
        133016 => "register/deregister rate limit reached",
        134011 => "payments terms of service not accepted",
        135000 => "generic user error",
        _ => UNKNOWN,
    }
}

#[cfg(test)]
#[path = "graph_error_tests.rs"]
mod tests;
