"""The local stack's S3 buckets: created in moto with the encryption, public
access block, ownership and lifecycle template.yaml gives them. A part of
`provision.LocalStack`, which supplies the template (`resources`,
`resolver`), the clients and `attrs`; imports only template.py.
"""

from __future__ import annotations

import re
from typing import Any

from template import scalar_to_str


class BucketProvisioning:
    """Bucket provisioning for `LocalStack` (its attributes are used here)."""

    def _bucket_name(self, logical_id: str) -> str:
        props = self.resources[logical_id].get("Properties", {}) or {}
        if "BucketName" in props:
            return scalar_to_str(self.resolver.resolve(props["BucketName"]))
        # CloudFormation generates a lower-case name; so does this.
        name = re.sub(r"[^a-z0-9-]", "-", f"{self.stack_name}-{logical_id}".lower())
        return name[:63].strip("-")

    def _bucket_attrs(self, logical_id: str, name: str) -> dict[str, Any]:
        s3 = self.clients["s3"]
        try:
            s3.head_bucket(Bucket=name)
        except s3.exceptions.ClientError:
            raise self._missing(logical_id) from None
        return {"Ref": name, "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"}

    def ensure_bucket(self, logical_id: str) -> None:
        """The bucket with its encryption, public access block, ownership
        and lifecycle as the template sets them (moto keeps them; it does
        not run the lifecycle). The TLS-only bucket policy is not applied:
        the local stack speaks plain HTTP to moto."""
        s3 = self.clients["s3"]
        props = self.resolver.resolve(self.resources[logical_id].get("Properties", {}) or {})
        name = self._bucket_name(logical_id)
        request: dict[str, Any] = {"Bucket": name}
        if self.region != "us-east-1":
            request["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            s3.create_bucket(**request)
        except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
            pass
        if props.get("BucketEncryption"):
            # CloudFormation's ServerSideEncryptionByDefault is the API's
            # ApplyServerSideEncryptionByDefault.
            rules = [
                {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if props.get("PublicAccessBlockConfiguration"):
            block = {k: v in (True, "true") for k, v in props["PublicAccessBlockConfiguration"].items()}
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)
        if props.get("OwnershipControls"):
            s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=props["OwnershipControls"])
        rules = (props.get("LifecycleConfiguration") or {}).get("Rules") or []
        if rules:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name, LifecycleConfiguration={"Rules": [self._lifecycle_rule(r) for r in rules]}
            )
        self.attrs[logical_id] = self._bucket_attrs(logical_id, name)

    @staticmethod
    def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
        """CloudFormation's rule as S3's API spells it."""
        out: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
        if "ExpirationInDays" in rule:
            out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
        abort = rule.get("AbortIncompleteMultipartUpload")
        if abort:
            out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": int(abort["DaysAfterInitiation"])}
        return out
