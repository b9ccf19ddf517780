"""The local stack's secrets: created in moto with local values (the
WhatsApp credentials from JUM_* variables or dev defaults; a generated
secret as `dev-<key>`). A part of `provision.LocalStack`, which supplies the
template (`resources`), the clients and `attrs`.
"""

from __future__ import annotations

import json
import os
from typing import Any


class SecretProvisioning:
    """Secret provisioning for `LocalStack` (its attributes are used here)."""

    def _secret_attrs(self, logical_id: str, name: str) -> dict[str, Any]:
        sm = self.clients["secretsmanager"]
        try:
            arn = sm.describe_secret(SecretId=name)["ARN"]
        except sm.exceptions.ResourceNotFoundException:
            raise self._missing(logical_id) from None
        return {"Ref": arn, "Id": arn, "Name": name}

    @staticmethod
    def local_secret_value() -> str:
        value = {
            "app_secret": os.environ.get("JUM_APP_SECRET") or "dev-app-secret",
            "verify_token": os.environ.get("JUM_VERIFY_TOKEN") or "dev-verify-token",
            "access_token": os.environ.get("JUM_ACCESS_TOKEN") or "dev-access-token",
            # The simulator's app id: the review's app token is app_id|app_secret.
            "app_id": os.environ.get("JUM_APP_ID") or "1091827364554637",
        }
        if os.environ.get("JUM_PREVIOUS_APP_SECRET"):
            value["previous_app_secret"] = os.environ["JUM_PREVIOUS_APP_SECRET"]
            if os.environ.get("JUM_PREVIOUS_APP_SECRET_SINCE"):
                value["previous_app_secret_since"] = os.environ["JUM_PREVIOUS_APP_SECRET_SINCE"]
        return json.dumps(value)

    def local_value_of(self, logical_id: str) -> str:
        """The WhatsApp credentials for that secret; for any other secret, its
        SecretStringTemplate with the generated key set to `dev-<key>`."""
        props = self.resources[logical_id].get("Properties", {}) or {}
        generate = props.get("GenerateSecretString") or {}
        template = str(generate.get("SecretStringTemplate") or "")
        if "app_secret" in template or not generate:
            return self.local_secret_value()
        if not template:
            # A generated plain string (the events webhook's token).
            return "dev-" + logical_id
        value = json.loads(template or "{}")
        key = generate.get("GenerateStringKey")
        if key:
            value[key] = "dev-" + key.replace("_", "-")
        return json.dumps(value)

    def ensure_secret(self, logical_id: str) -> None:
        sm = self.clients["secretsmanager"]
        name = self._physical_name(logical_id, "Name")
        secret = self.local_value_of(logical_id)
        try:
            sm.create_secret(Name=name, SecretString=secret)
        except sm.exceptions.ResourceExistsException:
            current = sm.get_secret_value(SecretId=name).get("SecretString")
            if current != secret:
                sm.put_secret_value(SecretId=name, SecretString=secret)
        self.attrs[logical_id] = self._secret_attrs(logical_id, name)
