"""Provisioning of the local (moto) stack: creates or looks up the tables,
queues, buckets, secrets, event bus and rules template.yaml declares, under a stack name, and merges the
function environment resolved to those local resources.

Uses template.py for reading and resolving the template; imports nothing from
the pollers or the CLI (stack.py), which build on it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from buckets import BucketProvisioning
from events import (
    ARCHIVE_TYPE,
    BUS_TYPE,
    CONNECTION_TYPE,
    DESTINATION_TYPE,
    ROLE_TYPE,
    RULE_TYPE,
    EventProvisioning,
)
from secrets_local import SecretProvisioning
from template import (
    BUCKET_TYPE,
    FUNCTION_TYPES,
    FUNCTION_URL_TYPE,
    NO_VALUE,
    QUEUE_TYPE,
    SECRET_TYPE,
    TABLE_TYPE,
    Resolver,
    StackError,
    load_template,
    log,
    references,
    scalar_to_str,
)


class LocalStack(BucketProvisioning, EventProvisioning, SecretProvisioning):
    def __init__(
        self,
        template_path: Path,
        endpoint_url: str,
        stack_name: str,
        region: str,
        parameter_overrides: dict[str, str],
    ) -> None:
        import boto3  # imported late: `--help` stays fast
        from botocore.config import Config

        self.template = load_template(template_path)
        self.resources: dict[str, dict[str, Any]] = self.template.get("Resources", {})
        self.endpoint_url = endpoint_url
        self.stack_name = stack_name
        self.region = region
        self.account_id = "123456789012"  # moto's default account
        self.parameters = self._parameters(parameter_overrides)
        session = boto3.session.Session(
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
            aws_session_token=os.environ.get("AWS_SESSION_TOKEN") or None,
            region_name=region,
        )
        config = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60)
        self.clients = {
            name: session.client(name, endpoint_url=endpoint_url, config=config)
            for name in ("dynamodb", "sqs", "secretsmanager", "s3", "events")
        }
        # Local attribute values per logical id: {"Ref": ..., "Arn": ..., ...}
        self.attrs: dict[str, dict[str, Any]] = {}
        self.resolver = Resolver(
            self.template, stack_name, region, self.account_id, self.parameters, self._ref, self.get_att
        )

    # -- parameters ---------------------------------------------------------

    def _parameters(self, overrides: dict[str, str]) -> dict[str, str]:
        params = {}
        declared = self.template.get("Parameters", {}) or {}
        for name, spec in declared.items():
            if name in overrides:
                params[name] = overrides[name]
            elif "Default" in spec:
                params[name] = scalar_to_str(spec["Default"])
            else:
                raise StackError(f"parameter {name} has no Default; pass --parameter {name}=VALUE")
        unknown = set(overrides) - set(declared)
        if unknown:
            raise StackError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        return params

    # -- resource attribute lookup ------------------------------------------

    def _ref(self, logical_id: str) -> Any:
        return self._attr(logical_id, "Ref")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        return self._attr(logical_id, attribute)

    def _attr(self, logical_id: str, attribute: str) -> Any:
        if logical_id not in self.resources:
            raise StackError(f"{logical_id!r} is neither a parameter nor a resource of the template")
        if logical_id not in self.attrs:
            self.attrs[logical_id] = self._lookup(logical_id)
        attrs = self.attrs[logical_id]
        if attribute not in attrs:
            rtype = self.resources[logical_id].get("Type")
            raise StackError(f"{logical_id} ({rtype}): attribute {attribute!r} has no local value")
        return attrs[attribute]

    def _of_type(self, rtype: str) -> list[str]:
        out = []
        for logical_id, res in self.resources.items():
            if res.get("Type") != rtype:
                continue
            cond = res.get("Condition")
            if cond and not self.resolver.condition(cond):
                continue
            out.append(logical_id)
        return out

    def _physical_name(self, logical_id: str, prop: str) -> str:
        props = self.resources[logical_id].get("Properties", {}) or {}
        if prop in props:
            return scalar_to_str(self.resolver.resolve(props[prop]))
        # CloudFormation would generate one; locally the stack name keeps it unique.
        return f"{self.stack_name}-{logical_id}"

    def _lookup(self, logical_id: str) -> dict[str, Any]:
        """Attribute values of an existing local resource (no creation)."""
        rtype = self.resources[logical_id].get("Type")
        if rtype == TABLE_TYPE:
            return self._table_attrs(logical_id, self._physical_name(logical_id, "TableName"))
        if rtype == QUEUE_TYPE:
            return self._queue_attrs(logical_id, None)
        if rtype == SECRET_TYPE:
            return self._secret_attrs(logical_id, self._physical_name(logical_id, "Name"))
        if rtype == BUCKET_TYPE:
            return self._bucket_attrs(logical_id, self._bucket_name(logical_id))
        if rtype == BUS_TYPE:
            return self._bus_attrs(logical_id, self._physical_name(logical_id, "Name"))
        if rtype == ROLE_TYPE:
            return self.role_attrs(logical_id)
        if rtype == "AWS::Serverless::HttpApi":
            # Locally the functions are served by `cargo lambda watch`, not an
            # API: the id only fills URLs such as the review's WEBHOOK_URL,
            # which `make doctor` replaces with the local webhook URL.
            return {"Ref": "local-http-api"}
        if rtype == FUNCTION_URL_TYPE:
            return {"FunctionUrl": self._function_url(logical_id)}
        raise StackError(
            f"{logical_id} ({rtype}) has no local equivalent; only tables, queues, buckets, secrets, buses and function URLs do"
        )

    def _function_url(self, logical_id: str) -> str:
        """A function URL (WebhookEndpoint=FunctionUrl) is what `cargo lambda
        watch` already serves locally, whatever the parameter: each binary at
        /lambda-url/<binary>/ on JUM_LAMBDA_PORT (dev.sh), with the request
        events a function URL sends. Nothing to create; its permissions
        (AWS::Lambda::Permission) have no local equivalent and are never
        looked up."""
        target = (self.resources[logical_id].get("Properties") or {}).get("TargetFunctionArn") or {}
        function = (target.get("Fn::GetAtt") or [None])[0]
        metadata = (self.resources.get(function) or {}).get("Metadata") or {}
        binary = (metadata.get("BuildProperties") or {}).get("Binary")
        if not binary:
            raise StackError(f"{logical_id}: TargetFunctionArn names no function built from a binary")
        port = os.environ.get("JUM_LAMBDA_PORT") or "9000"
        return f"http://127.0.0.1:{port}/lambda-url/{binary}/"

    def _missing(self, logical_id: str) -> StackError:
        return StackError(
            f"{logical_id} does not exist in {self.endpoint_url} for stack {self.stack_name!r}; run `stack.py bootstrap` first"
        )

    # -- DynamoDB ------------------------------------------------------------

    def _table_attrs(self, logical_id: str, name: str) -> dict[str, Any]:
        ddb = self.clients["dynamodb"]
        try:
            table = ddb.describe_table(TableName=name)["Table"]
        except ddb.exceptions.ResourceNotFoundException:
            raise self._missing(logical_id) from None
        attrs = {"Ref": name, "Arn": table["TableArn"]}
        if "LatestStreamArn" in table:
            attrs["StreamArn"] = table["LatestStreamArn"]
        return attrs

    def ensure_table(self, logical_id: str) -> None:
        ddb = self.clients["dynamodb"]
        props = self.resolver.resolve(self.resources[logical_id].get("Properties", {}) or {})
        name = self._physical_name(logical_id, "TableName")
        request: dict[str, Any] = {
            "TableName": name,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if props.get(key):
                indexes = []
                for index in props[key]:
                    index = {k: v for k, v in index.items() if k in ("IndexName", "KeySchema", "Projection")}
                    indexes.append(index)
                request[key] = indexes
        if props.get("StreamSpecification"):
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        try:
            ddb.create_table(**request)
        except ddb.exceptions.ResourceInUseException:
            pass  # already there (re-run, or a concurrent bootstrap of the same stack)
        pitr = props.get("PointInTimeRecoverySpecification") or {}
        if pitr.get("PointInTimeRecoveryEnabled") in (True, "true", "True"):
            spec = {"PointInTimeRecoveryEnabled": True}
            if pitr.get("RecoveryPeriodInDays") is not None:
                spec["RecoveryPeriodInDays"] = int(pitr["RecoveryPeriodInDays"])
            ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification=spec)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled") in (True, "true", "True"):
            current = ddb.describe_time_to_live(TableName=name).get("TimeToLiveDescription", {})
            if current.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING") or current.get(
                "AttributeName"
            ) != ttl["AttributeName"]:
                try:
                    ddb.update_time_to_live(
                        TableName=name,
                        TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
                    )
                except ddb.exceptions.ClientError as e:  # concurrent enable of the same table
                    if "already enabled" not in str(e).lower():
                        raise
        self.attrs[logical_id] = self._table_attrs(logical_id, name)

    # -- SQS -----------------------------------------------------------------

    _QUEUE_ATTRIBUTES = {
        # CloudFormation property -> SQS attribute
        "VisibilityTimeout": "VisibilityTimeout",
        "MessageRetentionPeriod": "MessageRetentionPeriod",
        "DelaySeconds": "DelaySeconds",
        "MaximumMessageSize": "MaximumMessageSize",
        "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
        "RedrivePolicy": "RedrivePolicy",
        "RedriveAllowPolicy": "RedriveAllowPolicy",
        "FifoQueue": "FifoQueue",
        "ContentBasedDeduplication": "ContentBasedDeduplication",
        "DeduplicationScope": "DeduplicationScope",
        "FifoThroughputLimit": "FifoThroughputLimit",
        "SqsManagedSseEnabled": "SqsManagedSseEnabled",
    }

    def _queue_name(self, logical_id: str) -> str:
        props = self.resources[logical_id].get("Properties", {}) or {}
        if "QueueName" in props:
            return scalar_to_str(self.resolver.resolve(props["QueueName"]))
        name = f"{self.stack_name}-{logical_id}"
        return name + ".fifo" if self.resolver.resolve(props.get("FifoQueue")) in (True, "true") else name

    def _queue_attrs(self, logical_id: str, url: str | None) -> dict[str, Any]:
        sqs = self.clients["sqs"]
        name = self._queue_name(logical_id)
        try:
            if url is None:
                url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        except sqs.exceptions.QueueDoesNotExist:
            raise self._missing(logical_id) from None
        return {"Ref": url, "QueueUrl": url, "Arn": arn, "QueueName": name}

    def ensure_queue(self, logical_id: str) -> None:
        sqs = self.clients["sqs"]
        props = self.resolver.resolve(self.resources[logical_id].get("Properties", {}) or {})
        attributes = {}
        for prop, attribute in self._QUEUE_ATTRIBUTES.items():
            if prop in props:
                value = props[prop]
                if isinstance(value, (dict, list)):
                    # moto's redrive expects numbers where CloudFormation allows strings
                    if prop == "RedrivePolicy" and "maxReceiveCount" in value:
                        value = {**value, "maxReceiveCount": int(value["maxReceiveCount"])}
                    value = json.dumps(value, separators=(",", ":"))
                attributes[attribute] = scalar_to_str(value)
        name = self._queue_name(logical_id)
        try:
            url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        except sqs.exceptions.ClientError as e:
            if "exist" not in str(e).lower():
                raise
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            settable = {k: v for k, v in attributes.items() if k not in ("FifoQueue",)}
            if settable:
                sqs.set_queue_attributes(QueueUrl=url, Attributes=settable)
        self.attrs[logical_id] = self._queue_attrs(logical_id, url)

    # -- whole stack ---------------------------------------------------------

    def bootstrap(self) -> None:
        # In dependency order: what a later resource names exists first
        # (queues among themselves: DLQs before the queues that use them).
        self._ensure_all(TABLE_TYPE, self.ensure_table)
        for logical_id in self._queues_in_dependency_order():
            self.ensure_queue(logical_id)
        for rtype, ensure in (
            (SECRET_TYPE, self.ensure_secret),
            (BUCKET_TYPE, self.ensure_bucket),
            (BUS_TYPE, self.ensure_bus),
            (CONNECTION_TYPE, self.ensure_connection),
            (DESTINATION_TYPE, self.ensure_destination),
            (ARCHIVE_TYPE, self.ensure_archive),
            (RULE_TYPE, self.ensure_rule),
        ):
            self._ensure_all(rtype, ensure)

    def _ensure_all(self, rtype: str, ensure) -> None:
        for logical_id in self._of_type(rtype):
            ensure(logical_id)

    def _queues_in_dependency_order(self) -> list[str]:
        queues = self._of_type(QUEUE_TYPE)
        deps = {q: references(self.resources[q].get("Properties", {})) & set(queues) for q in queues}
        ordered: list[str] = []
        visiting: set[str] = set()

        def visit(q: str) -> None:
            if q in ordered:
                return
            if q in visiting:
                raise StackError(f"queue dependency cycle through {q}")
            visiting.add(q)
            for d in sorted(deps[q]):
                visit(d)
            visiting.discard(q)
            ordered.append(q)

        for q in queues:
            visit(q)
        return ordered

    def local_resources(self) -> dict[str, Any]:
        ids = (
            self._of_type(TABLE_TYPE)
            + self._of_type(QUEUE_TYPE)
            + self._of_type(SECRET_TYPE)
            + self._of_type(BUCKET_TYPE)
            + self._of_type(BUS_TYPE)
        )
        return {logical_id: self._ref(logical_id) for logical_id in ids}

    def function_env(self) -> dict[str, str]:
        """Globals.Function env merged with every function's own env."""
        globals_env = (
            (((self.template.get("Globals") or {}).get("Function") or {}).get("Environment") or {}).get("Variables")
            or {}
        )
        merged: dict[str, Any] = {}
        sources: dict[str, str] = {}
        layers = [("Globals", globals_env)]
        for logical_id in self._of_type(FUNCTION_TYPES[0]) + self._of_type(FUNCTION_TYPES[1]):
            props = self.resources[logical_id].get("Properties", {}) or {}
            layers.append((logical_id, ((props.get("Environment") or {}).get("Variables") or {})))
        for source, variables in layers:
            for key, raw in variables.items():
                value = self.resolver.resolve(raw)
                if value is NO_VALUE:
                    continue
                value = scalar_to_str(value)
                if key in merged and merged[key] != value and sources[key] != "Globals":
                    log(f"warning: {key} differs between {sources[key]} and {source}; using {source}'s")
                merged[key] = value
                sources[key] = source
        return merged

