//! What can go wrong, each with its exit code (documented in `jum --help`):
//! 1 a critical finding (`doctor`), 3 not found, 4 refused by a check, 5 AWS or network. Usage errors are
//! clap's own, which exit 2 with the usage and a hint.

use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The stack, a queue or a message is not there.
    #[error("{message}")]
    NotFound {
        message: String,
        hint: Option<String>,
    },
    /// The input is well-formed but a check refuses it (a command the
    /// sender would reject).
    #[error("{message}")]
    Refused {
        message: String,
        hint: Option<String>,
    },
    /// `jum doctor` found a critical finding (the findings are printed).
    #[error("{message}")]
    Critical { message: String },
    /// AWS or the network failed.
    #[error("{message}")]
    Aws {
        message: String,
        hint: Option<String>,
    },
}

impl CliError {
    pub fn not_found(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::NotFound {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn refused(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::Refused {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// An AWS SDK error, with its full context (service code and message).
    pub fn aws(what: &str, e: impl std::error::Error) -> Self {
        let context = aws_sdk_sqs::error::DisplayErrorContext(e).to_string();
        // The SDK's account of a credentials chain that found nothing runs to
        // a screenful (every provider tried); one line says what to do.
        let no_credentials = [
            "while loading credentials",
            "no credentials found in chain",
            "credential provider was not enabled",
        ];
        if no_credentials.iter().any(|m| context.contains(m)) {
            return Self::Aws {
                message: format!("{what}: no AWS credentials could be loaded"),
                hint: Some("set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and AWS_REGION, as for the AWS CLI".into()),
            };
        }
        Self::Aws {
            message: format!("{what}: {context}"),
            hint: Some("check the credentials, the region and --endpoint-url (or that `make dev` is running)".into()),
        }
    }

    pub fn code(&self) -> u8 {
        match self {
            Self::Critical { .. } => 1,
            Self::NotFound { .. } => 3,
            Self::Refused { .. } => 4,
            Self::Aws { .. } => 5,
        }
    }

    pub fn hint(&self) -> Option<&str> {
        match self {
            Self::NotFound { hint, .. } | Self::Refused { hint, .. } | Self::Aws { hint, .. } => {
                hint.as_deref()
            }
            Self::Critical { .. } => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Self::Critical { .. } => "critical",
            Self::NotFound { .. } => "not_found",
            Self::Refused { .. } => "refused",
            Self::Aws { .. } => "aws",
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({"error": self.kind(), "message": self.to_string(), "hint": self.hint(), "exit_code": self.code()})
    }
}
