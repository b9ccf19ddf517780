//! Graph API error objects, shaped like the ones Meta returns (meta-api §7):
//! `{"error":{"message","type","code",["error_subcode"],["error_data"],["is_transient"],"fbtrace_id"}}`.

use serde_json::{json, Map, Value};

/// Where Meta's status webhook errors point to (see the 131049 status example).
const ERROR_CODES_HREF: &str = "/documentation/business-messaging/whatsapp/support/error-codes";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    pub http_status: u16,
    pub code: u32,
    pub subcode: Option<u32>,
    pub error_type: &'static str,
    /// Full `message`, e.g. `(#131008) Required parameter is missing`.
    pub message: String,
    /// `error_data.details`; only WhatsApp-specific errors carry `error_data`.
    pub details: Option<String>,
    pub is_transient: Option<bool>,
    /// `error_user_title` and `error_user_msg`, which some Graph errors add
    /// (boxed: most errors have none, and the type stays small).
    pub user_message: Option<Box<(String, String)>>,
}

struct Entry {
    code: u32,
    http: u16,
    title: &'static str,
    details: Option<&'static str>,
}

const fn e(code: u32, http: u16, title: &'static str, details: Option<&'static str>) -> Entry {
    Entry {
        code,
        http,
        title,
        details,
    }
}

// HTTP statuses follow Meta's error-code table (Nov 2025), except code 1,
// which the table lists as 400 but which we only emit as an injected server
// error, so it goes out as 500 like live "unknown error" answers.
const CATALOGUE: &[Entry] = &[
    e(0, 401, "We were unable to authenticate the app user", None),
    e(1, 500, "An unknown error has occurred.", None),
    e(2, 503, "An unexpected error has occurred. Please retry your request later.", None),
    e(3, 500, "Capability or permissions issue.", None),
    e(4, 400, "Application request limit reached", None),
    e(10, 403, "Permission denied", None),
    e(33, 400, "This phone number has been deleted", None),
    e(100, 400, "Invalid parameter", None),
    e(200, 403, "Permissions error", None),
    e(368, 403, "Temporarily blocked for policies violations", None),
    e(80007, 400, "Rate limit issues", Some("The WhatsApp Business Account has reached its rate limit.")),
    e(130429, 400, "Rate limit hit", Some("Cloud API message throughput has been reached.")),
    e(130472, 400, "User's number is part of an experiment", Some("Failed to send message because this user's phone number is part of an experiment.")),
    e(130497, 403, "Business account is restricted from messaging users in this country", None),
    e(131000, 500, "Something went wrong", Some("Something went wrong. Please try again later.")),
    e(131005, 403, "Access denied", Some("Permission is either not granted or has been removed.")),
    e(131008, 400, "Required parameter is missing", None),
    e(131009, 400, "Parameter value is not valid", None),
    e(131016, 500, "Service unavailable", Some("A service is temporarily unavailable. Please try again later.")),
    e(131021, 400, "Recipient cannot be sender", Some("Sender and recipient phone number is the same.")),
    e(131026, 400, "Message undeliverable", Some("Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted our new Terms of Service and Privacy Policy; the recipient is using an old WhatsApp version.")),
    e(131030, 400, "Recipient phone number not in allowed list", Some("Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.")),
    e(131031, 403, "Business Account locked", Some("The business account has been locked.")),
    e(131042, 400, "Business eligibility payment issue", Some("There was an error related to your payment method.")),
    e(131045, 500, "Incorrect certificate", None),
    e(131047, 400, "Re-engagement message", Some("Message failed to send because more than 24 hours have passed since the customer last replied to this number.")),
    e(131048, 400, "Spam rate limit hit", Some("Message failed to send because there are restrictions on how many messages can be sent from this phone number.")),
    e(131049, 400, "This message was not delivered to maintain healthy ecosystem engagement.", Some("In order to maintain a healthy ecosystem engagement, the message failed to be delivered.")),
    e(131050, 400, "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.", Some("The user has stopped marketing messages.")),
    e(131051, 400, "Unsupported message type", Some("Message type is not currently supported.")),
    e(131052, 400, "Media download error", Some("Unable to download the media sent by the user.")),
    e(131053, 400, "Media upload error", Some("Unable to upload the media used in the message.")),
    e(131056, 400, "(Business Account, Consumer Account) pair rate limit hit", Some("Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.")),
    e(131057, 500, "Account in maintenance mode", Some("Business Account is in maintenance mode.")),
    e(132000, 400, "Number of parameters does not match the expected number of params", None),
    e(132001, 404, "Template name does not exist in the translation", None),
    e(132005, 400, "Translated text too long", None),
    e(132007, 400, "Template Format Character Policy Violated", None),
    e(132012, 400, "Parameter format does not match format in the created template", None),
    e(132015, 400, "Template is Paused", None),
    e(132016, 400, "Template is Disabled", None),
    e(133010, 400, "Phone number Not Registered", None),
    e(135000, 400, "Generic user error", None),
];

impl GraphError {
    /// The canonical answer for `code`. Unknown codes still get Meta's shape.
    pub fn from_code(code: u32) -> Self {
        match code {
            190 => return Self::invalid_token(),
            2500 => return Self::unknown_path(""),
            _ => {}
        }
        let entry = CATALOGUE.iter().find(|entry| entry.code == code);
        let (http, title, details) = match entry {
            Some(entry) => (entry.http, entry.title, entry.details),
            None => (400, "Error", None),
        };
        // Codes 1 and 2 are generic Graph errors: no "(#n)" prefix, no
        // WhatsApp error_data, but a transient flag clients key retries on.
        let generic = matches!(code, 1 | 2);
        let message = if generic {
            title.to_string()
        } else {
            format!("(#{code}) {title}")
        };
        let whatsapp_specific = code >= 130_000 || code == 80007;
        let details = match (whatsapp_specific, details) {
            (true, Some(details)) => Some(details.to_string()),
            (true, None) => Some(title.to_string()),
            (false, _) => None,
        };
        Self {
            http_status: http,
            code,
            subcode: (code == 130429).then_some(2_494_055),
            error_type: "OAuthException",
            message,
            details,
            is_transient: generic.then_some(true),
            user_message: None,
        }
    }

    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    pub fn missing_token() -> Self {
        Self {
            http_status: 401,
            code: 190,
            subcode: None,
            error_type: "OAuthException",
            message: "Invalid OAuth access token - Cannot parse access token".into(),
            details: None,
            is_transient: None,
            user_message: None,
        }
    }

    pub fn invalid_token() -> Self {
        Self {
            http_status: 401,
            code: 190,
            subcode: Some(463),
            error_type: "OAuthException",
            message: "Error validating access token: Session has expired.".into(),
            details: None,
            is_transient: None,
            user_message: None,
        }
    }

    pub fn unknown_object(id: &str) -> Self {
        Self::unknown_object_for(id, "post")
    }

    /// Meta names the method in the message: "Unsupported get request. …".
    pub fn unknown_object_for(id: &str, method: &str) -> Self {
        Self {
            http_status: 400,
            code: 100,
            subcode: Some(33),
            error_type: "GraphMethodException",
            message: format!(
                "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
            ),
            details: None,
            is_transient: None,
            user_message: None,
        }
    }

    pub fn unknown_path(path: &str) -> Self {
        Self {
            http_status: 400,
            code: 2500,
            subcode: None,
            error_type: "OAuthException",
            message: format!("Unknown path components: {path}"),
            details: None,
            is_transient: None,
            user_message: None,
        }
    }

    /// `fields=` naming a field the node does not have.
    pub fn nonexisting_field(field: &str, node_type: &str) -> Self {
        let mut err = Self::from_code(100);
        err.message = format!(
            "(#100) Tried accessing nonexisting field ({field}) on node type ({node_type})"
        );
        err
    }

    /// 100 with Meta's `error_user_title` / `error_user_msg`.
    pub fn with_user_message(mut self, title: &str, msg: impl Into<String>) -> Self {
        self.user_message = Some(Box::new((title.to_string(), msg.into())));
        self
    }

    /// An app token (`app_id|app_secret`) that does not match the app.
    pub fn invalid_app_token() -> Self {
        let mut err = Self::missing_token();
        err.message = "Invalid OAuth access token signature.".into();
        err
    }

    /// `(#100) The parameter X is required.`, Meta's answer for a missing
    /// top-level parameter.
    pub fn required_parameter(name: &str) -> Self {
        let mut err = Self::from_code(100);
        err.message = format!("(#100) The parameter {name} is required.");
        err
    }

    /// 100 "Invalid parameter" with WhatsApp error_data.
    pub fn invalid_parameter(details: impl Into<String>) -> Self {
        Self::from_code(100).with_details(details)
    }

    /// 131008 for a missing field inside the message object.
    pub fn missing_parameter(details: impl Into<String>) -> Self {
        Self::from_code(131008).with_details(details)
    }

    /// 131009 for a present field with a value Meta refuses.
    pub fn invalid_value(details: impl Into<String>) -> Self {
        Self::from_code(131009).with_details(details)
    }

    /// Title as used in status webhook `errors[]`: the message without "(#n) ".
    pub fn title(&self) -> &str {
        let prefix = format!("(#{}) ", self.code);
        self.message.strip_prefix(&prefix).unwrap_or(&self.message)
    }

    /// The synchronous answer body.
    pub fn to_body(&self, fbtrace_id: &str) -> Value {
        let mut error = Map::new();
        error.insert("message".into(), json!(self.message));
        error.insert("type".into(), json!(self.error_type));
        error.insert("code".into(), json!(self.code));
        if let Some(details) = &self.details {
            error.insert(
                "error_data".into(),
                json!({"messaging_product": "whatsapp", "details": details}),
            );
        }
        if let Some(subcode) = self.subcode {
            error.insert("error_subcode".into(), json!(subcode));
        }
        if let Some(transient) = self.is_transient {
            error.insert("is_transient".into(), json!(transient));
        }
        if let Some(user_message) = &self.user_message {
            let (title, msg) = user_message.as_ref();
            error.insert("error_user_title".into(), json!(title));
            error.insert("error_user_msg".into(), json!(msg));
        }
        error.insert("fbtrace_id".into(), json!(fbtrace_id));
        json!({ "error": error })
    }

    /// The v16+ object found in `statuses[].errors[]`.
    pub fn to_webhook_error(&self) -> Value {
        let title = self.title();
        json!({
            "code": self.code,
            "title": title,
            "message": title,
            "error_data": {"details": self.details.clone().unwrap_or_else(|| title.to_string())},
            "href": ERROR_CODES_HREF,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_error_should_match_metas_example() {
        let body = GraphError::from_code(130429).to_body("Az8or2yhqkZfEZ-_4Qn_Bam");
        let example: Value = serde_json::from_str(include_str!(
            "../tests/fixtures/meta_error_130429.response.json"
        ))
        .unwrap();
        assert_eq!(body, example);
    }

    #[test]
    fn invalid_token_should_be_401_oauth_190_with_subcode_463_and_no_error_data() {
        let err = GraphError::invalid_token();
        assert_eq!(err.http_status, 401);
        let body = err.to_body("trace");
        assert_eq!(body["error"]["code"], 190);
        assert_eq!(body["error"]["error_subcode"], 463);
        assert_eq!(body["error"]["type"], "OAuthException");
        assert!(body["error"].get("error_data").is_none());
        assert_eq!(body["error"]["fbtrace_id"], "trace");
    }

    #[test]
    fn missing_parameter_should_carry_whatsapp_error_data() {
        let body = GraphError::missing_parameter("text['body'] is required").to_body("t");
        assert_eq!(
            body["error"]["message"],
            "(#131008) Required parameter is missing"
        );
        assert_eq!(body["error"]["code"], 131008);
        assert_eq!(body["error"]["error_data"]["messaging_product"], "whatsapp");
        assert_eq!(
            body["error"]["error_data"]["details"],
            "text['body'] is required"
        );
    }

    #[test]
    fn unknown_phone_number_id_should_be_graph_method_exception_100_33() {
        let err = GraphError::unknown_object("123");
        assert_eq!(err.http_status, 400);
        let body = err.to_body("t");
        assert_eq!(body["error"]["type"], "GraphMethodException");
        assert_eq!(body["error"]["code"], 100);
        assert_eq!(body["error"]["error_subcode"], 33);
    }

    #[test]
    fn server_errors_should_have_5xx_statuses() {
        assert_eq!(GraphError::from_code(1).http_status, 500);
        assert_eq!(GraphError::from_code(2).http_status, 503);
        assert_eq!(GraphError::from_code(131000).http_status, 500);
        assert_eq!(GraphError::from_code(131016).http_status, 500);
        assert_eq!(
            GraphError::from_code(2).to_body("t")["error"]["is_transient"],
            true
        );
    }

    #[test]
    fn webhook_error_should_match_metas_failed_status_shape() {
        let err = GraphError::from_code(131049).to_webhook_error();
        assert_eq!(err["code"], 131049);
        assert_eq!(
            err["title"],
            "This message was not delivered to maintain healthy ecosystem engagement."
        );
        assert_eq!(err["message"], err["title"]);
        assert_eq!(
            err["error_data"]["details"],
            "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."
        );
        assert_eq!(err["href"], ERROR_CODES_HREF);
    }

    #[test]
    fn unknown_codes_should_still_get_metas_shape() {
        let err = GraphError::from_code(424242);
        assert_eq!(err.http_status, 400);
        assert_eq!(err.message, "(#424242) Error");
    }
}
