use aws_sdk_secretsmanager::Client;

use crate::ports::SecretsError;
use crate::secrets::SecretFetcher;

/// Reads the WhatsApp secret's JSON text from Secrets Manager.
#[derive(Clone)]
pub struct SecretsManagerFetcher {
    client: Client,
    secret_id: String,
}

impl SecretsManagerFetcher {
    pub fn new(client: Client, secret_id: impl Into<String>) -> Self {
        Self {
            client,
            secret_id: secret_id.into(),
        }
    }
}

impl SecretFetcher for SecretsManagerFetcher {
    async fn fetch(&self) -> Result<String, SecretsError> {
        let out = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_id)
            .send()
            .await
            .map_err(|e| {
                SecretsError::Fetch(
                    aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string(),
                )
            })?;
        out.secret_string
            .ok_or_else(|| SecretsError::Malformed("secret has no string value".into()))
    }
}
