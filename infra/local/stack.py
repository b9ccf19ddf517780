#!/usr/bin/env python3
"""Local (moto) copy of the SAM stack in template.yaml.

template.yaml is the single source of truth: every table, queue and secret and
every function environment variable is read from it; nothing here lists names.

Sub-commands
  bootstrap  create (or update) the tables, queues and secrets of the template
             in a moto server under a stack name; idempotent and safe to run
             concurrently with other stack names.  --json prints
             {"stack_name", "resources": {LogicalId: name/url/arn}, "env": {...}}.
  env        print KEY=VALUE lines: the merged function environment resolved to
             the local resources, plus AWS_* variables for the moto endpoint.
  poll       play the Lambda SQS event-source mapping for one queue and one
             function served by `cargo lambda watch`.

Local secret values come from $JUM_APP_SECRET, $JUM_VERIFY_TOKEN,
$JUM_ACCESS_TOKEN and (optional) $JUM_PREVIOUS_APP_SECRET.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import signal
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
DEFAULT_REGION = "us-east-1"
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
TABLE_TYPE = "AWS::DynamoDB::Table"
QUEUE_TYPE = "AWS::SQS::Queue"
SECRET_TYPE = "AWS::SecretsManager::Secret"


def log(msg: str) -> None:
    print(f"stack.py: {msg}", file=sys.stderr, flush=True)


class StackError(Exception):
    pass


# --------------------------------------------------------------------------
# Template loading (CloudFormation short-form tags -> long form)
# --------------------------------------------------------------------------


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns `!Ref X` into {"Ref": X}, `!Sub s` into
    {"Fn::Sub": s}, `!GetAtt A.B` into {"Fn::GetAtt": ["A", "B"]}, etc."""


def _cfn_tag(loader: yaml.Loader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {f"Fn::{tag_suffix}": value}


CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_template(path: Path) -> dict[str, Any]:
    with open(path, "rb") as f:
        return yaml.load(f, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass


# --------------------------------------------------------------------------
# Intrinsic-function resolution against local values
# --------------------------------------------------------------------------

_NO_VALUE = object()
_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


class Resolver:
    """Resolves intrinsic functions.  `ref(logical_id)` and
    `get_att(logical_id, attribute)` are provided by the caller and supply the
    local value of resources (table name, queue URL, secret ARN...)."""

    def __init__(
        self,
        template: dict[str, Any],
        stack_name: str,
        region: str,
        account_id: str,
        parameters: dict[str, str],
        ref: Callable[[str], Any],
        get_att: Callable[[str, str], Any],
    ) -> None:
        self.template = template
        self.parameters = parameters
        self.pseudo = {
            "AWS::StackName": stack_name,
            "AWS::Region": region,
            "AWS::AccountId": account_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{account_id}:stack/{stack_name}/local",
            "AWS::NotificationARNs": [],
        }
        self._ref = ref
        self._get_att = get_att
        self._conditions: dict[str, bool] = {}

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self._ref(name)

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            expr = self.template.get("Conditions", {}).get(name)
            if expr is None:
                raise StackError(f"unknown condition {name!r}")
            self._conditions[name] = bool(self.resolve(expr))
        return self._conditions[name]

    def sub(self, text: str, extra: dict[str, Any]) -> str:
        def replace(m: re.Match[str]) -> str:
            var = m.group(1).strip()
            if var in extra:
                value = extra[var]
            elif "." in var and not var.startswith("AWS::"):
                resource, _, attribute = var.partition(".")
                value = self._get_att(resource, attribute)
            else:
                value = self.ref(var)
            return scalar_to_str(value)

        out = _SUB_VAR.sub(replace, text)
        return out.replace("${!", "${")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [v for v in items if v is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::GetAtt":
                if isinstance(arg, str):
                    arg = arg.split(".", 1)
                return self._get_att(arg[0], self.resolve(arg[1]))
            if key == "Fn::Sub":
                if isinstance(arg, str):
                    return self.sub(arg, {})
                text, variables = arg
                return self.sub(text, {k: self.resolve(v) for k, v in variables.items()})
            if key == "Fn::Join":
                sep, items = arg
                return str(sep).join(scalar_to_str(v) for v in self.resolve(items))
            if key == "Fn::Select":
                index, items = self.resolve(arg)
                return items[int(index)]
            if key == "Fn::Split":
                sep, text = self.resolve(arg)
                return str(text).split(sep)
            if key == "Fn::If":
                name, if_true, if_false = arg
                return self.resolve(if_true if self.condition(name) else if_false)
            if key == "Fn::Equals":
                a, b = self.resolve(arg)
                return scalar_to_str(a) == scalar_to_str(b)
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Fn::And":
                return all(self.resolve(a) for a in arg)
            if key == "Fn::Or":
                return any(self.resolve(a) for a in arg)
            if key == "Fn::Base64":
                return base64.b64encode(str(self.resolve(arg)).encode()).decode()
            if key.startswith("Fn::"):
                raise StackError(f"intrinsic {key} is not supported locally")
        out = {}
        for k, v in value.items():
            r = self.resolve(v)
            if r is not _NO_VALUE:
                out[k] = r
        return out


def scalar_to_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def references(value: Any) -> set[str]:
    """Logical ids referenced by Ref / GetAtt / Sub anywhere inside value."""
    found: set[str] = set()
    if isinstance(value, list):
        for v in value:
            found |= references(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k == "Ref" and isinstance(v, str):
                found.add(v)
            elif k == "Fn::GetAtt":
                found.add(v.split(".", 1)[0] if isinstance(v, str) else v[0])
            elif k == "Fn::Sub":
                text = v if isinstance(v, str) else v[0]
                for var in _SUB_VAR.findall(text):
                    found.add(var.split(".", 1)[0].strip())
                if not isinstance(v, str):
                    found |= references(v[1])
            else:
                found |= references(v)
    return found


# --------------------------------------------------------------------------
# The local stack
# --------------------------------------------------------------------------


class LocalStack:
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
        self._clients = {
            name: session.client(name, endpoint_url=endpoint_url, config=config)
            for name in ("dynamodb", "sqs", "secretsmanager")
        }
        # Local attribute values per logical id: {"Ref": ..., "Arn": ..., ...}
        self.attrs: dict[str, dict[str, Any]] = {}
        self.resolver = Resolver(
            self.template, stack_name, region, self.account_id, self.parameters, self._ref, self._get_att
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

    def _get_att(self, logical_id: str, attribute: str) -> Any:
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
        raise StackError(f"{logical_id} ({rtype}) has no local equivalent; only tables, queues and secrets do")

    def _missing(self, logical_id: str) -> StackError:
        return StackError(
            f"{logical_id} does not exist in {self.endpoint_url} for stack {self.stack_name!r}; run `stack.py bootstrap` first"
        )

    # -- DynamoDB ------------------------------------------------------------

    def _table_attrs(self, logical_id: str, name: str) -> dict[str, Any]:
        ddb = self._clients["dynamodb"]
        try:
            table = ddb.describe_table(TableName=name)["Table"]
        except ddb.exceptions.ResourceNotFoundException:
            raise self._missing(logical_id) from None
        attrs = {"Ref": name, "Arn": table["TableArn"]}
        if "LatestStreamArn" in table:
            attrs["StreamArn"] = table["LatestStreamArn"]
        return attrs

    def ensure_table(self, logical_id: str) -> None:
        ddb = self._clients["dynamodb"]
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
        sqs = self._clients["sqs"]
        name = self._queue_name(logical_id)
        try:
            if url is None:
                url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        except sqs.exceptions.QueueDoesNotExist:
            raise self._missing(logical_id) from None
        return {"Ref": url, "QueueUrl": url, "Arn": arn, "QueueName": name}

    def ensure_queue(self, logical_id: str) -> None:
        sqs = self._clients["sqs"]
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

    # -- Secrets Manager -----------------------------------------------------

    def _secret_attrs(self, logical_id: str, name: str) -> dict[str, Any]:
        sm = self._clients["secretsmanager"]
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
        }
        if os.environ.get("JUM_PREVIOUS_APP_SECRET"):
            value["previous_app_secret"] = os.environ["JUM_PREVIOUS_APP_SECRET"]
        return json.dumps(value)

    def local_value_of(self, logical_id: str) -> str:
        """The WhatsApp credentials for that secret; for any other secret, its
        SecretStringTemplate with the generated key set to `dev-<key>`."""
        props = self.resources[logical_id].get("Properties", {}) or {}
        generate = props.get("GenerateSecretString") or {}
        template = str(generate.get("SecretStringTemplate") or "")
        if "app_secret" in template or not generate:
            return self.local_secret_value()
        value = json.loads(template or "{}")
        key = generate.get("GenerateStringKey")
        if key:
            value[key] = "dev-" + key.replace("_", "-")
        return json.dumps(value)

    def ensure_secret(self, logical_id: str) -> None:
        sm = self._clients["secretsmanager"]
        name = self._physical_name(logical_id, "Name")
        secret = self.local_value_of(logical_id)
        try:
            sm.create_secret(Name=name, SecretString=secret)
        except sm.exceptions.ResourceExistsException:
            current = sm.get_secret_value(SecretId=name).get("SecretString")
            if current != secret:
                sm.put_secret_value(SecretId=name, SecretString=secret)
        self.attrs[logical_id] = self._secret_attrs(logical_id, name)

    # -- whole stack ---------------------------------------------------------

    def bootstrap(self) -> None:
        for logical_id in self._of_type(TABLE_TYPE):
            self.ensure_table(logical_id)
        for logical_id in self._queues_in_dependency_order():
            self.ensure_queue(logical_id)
        for logical_id in self._of_type(SECRET_TYPE):
            self.ensure_secret(logical_id)

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
        ids = self._of_type(TABLE_TYPE) + self._of_type(QUEUE_TYPE) + self._of_type(SECRET_TYPE)
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
                if value is _NO_VALUE:
                    continue
                value = scalar_to_str(value)
                if key in merged and merged[key] != value and sources[key] != "Globals":
                    log(f"warning: {key} differs between {sources[key]} and {source}; using {source}'s")
                merged[key] = value
                sources[key] = source
        return merged


# --------------------------------------------------------------------------
# poll: the SQS -> Lambda event-source mapping, locally
# --------------------------------------------------------------------------


class Stop(BaseException):
    pass


def _raise_stop(signum: int, frame: Any) -> None:
    raise Stop()


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    attributes = dict(message.get("Attributes", {}))
    attributes.setdefault("ApproximateReceiveCount", "1")
    now_ms = str(int(time.time() * 1000))
    attributes.setdefault("SentTimestamp", now_ms)
    attributes.setdefault("SenderId", "AIDAIENQZJOLO23YVJ4VO")
    attributes.setdefault("ApproximateFirstReceiveTimestamp", now_ms)
    message_attributes = {}
    for name, attr in (message.get("MessageAttributes") or {}).items():
        converted: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": attr["DataType"]}
        if "StringValue" in attr:
            converted["stringValue"] = attr["StringValue"]
        if "BinaryValue" in attr:
            converted["binaryValue"] = base64.b64encode(attr["BinaryValue"]).decode()
        message_attributes[name] = converted
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def failed_ids(response_body: bytes, message_ids: list[str]) -> set[str]:
    """Message ids to retry, per Lambda's ReportBatchItemFailures rules: an
    empty/null answer means all succeeded; a malformed answer or an unknown
    itemIdentifier fails the whole batch."""
    if not response_body.strip():
        return set()
    try:
        answer = json.loads(response_body)
    except ValueError:
        return set(message_ids)
    if answer is None:
        return set()
    if not isinstance(answer, dict):
        return set(message_ids)
    failures = answer.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return set(message_ids)
    ids = set()
    for failure in failures:
        ident = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not ident or ident not in message_ids:
            return set(message_ids)
        ids.add(ident)
    return ids


def runtime_reachable(runtime_url: str) -> bool:
    parsed = urllib.parse.urlsplit(runtime_url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=1):
            return True
    except OSError:
        return False


def wait_for_runtime(runtime_url: str, max_backoff: float) -> None:
    delay, announced = 0.25, False
    while not runtime_reachable(runtime_url):
        if not announced:
            log(f"poll: waiting for the Lambda runtime at {runtime_url} (cargo lambda watch may still be compiling)")
            announced = True
        time.sleep(delay)
        delay = min(delay * 2, max_backoff)
    if announced:
        log("poll: runtime is up")


def invoke(url: str, payload: bytes, timeout: float) -> tuple[int, bytes, str | None]:
    req = urllib.request.Request(url, data=payload, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read(), resp.headers.get("X-Amz-Function-Error")
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers.get("X-Amz-Function-Error")


def is_connection_error(exc: BaseException) -> bool:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, (ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError))


def poll(stack: LocalStack, args: argparse.Namespace) -> int:
    queue_id = args.queue
    if stack.resources.get(queue_id, {}).get("Type") != QUEUE_TYPE:
        raise StackError(f"{queue_id} is not an {QUEUE_TYPE} of the template")
    queue_url = stack._get_att(queue_id, "QueueUrl")
    queue_arn = stack._get_att(queue_id, "Arn")
    sqs = stack._clients["sqs"]
    invoke_url = f"{args.runtime_url.rstrip('/')}/2015-03-31/functions/{args.function}/invocations"
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    log(f"poll: {queue_id} -> {args.function} via {invoke_url} (batch {args.batch_size})")

    in_flight: list[dict[str, Any]] = []
    try:
        while True:
            wait_for_runtime(args.runtime_url, args.max_backoff)
            messages = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=args.batch_size,
                WaitTimeSeconds=args.wait_seconds,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                continue
            in_flight = messages
            ids = [m["MessageId"] for m in messages]
            event = {"Records": [sqs_record(m, queue_arn, stack.region) for m in messages]}
            payload = json.dumps(event).encode()

            started = time.monotonic()
            status, body, function_error = None, b"", None
            delay, deadline = 0.25, started + args.connect_retry_seconds
            while True:
                try:
                    status, body, function_error = invoke(invoke_url, payload, args.invoke_timeout)
                    break
                except (urllib.error.URLError, OSError) as e:
                    if not is_connection_error(e) or time.monotonic() >= deadline:
                        log(f"poll: invoke failed: {getattr(e, 'reason', e)}")
                        break
                    time.sleep(delay)
                    delay = min(delay * 2, args.max_backoff)
            elapsed_ms = int((time.monotonic() - started) * 1000)

            if status == 200 and not function_error:
                failed = failed_ids(body, ids)
                outcome = "ok"
            else:
                failed = set(ids)  # the invocation itself failed: nothing is deleted
                outcome = f"invoke error (status {status}{', ' + function_error if function_error else ''})"

            done = [m for m in messages if m["MessageId"] not in failed]
            retry = [m for m in messages if m["MessageId"] in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )
            if retry:
                sqs.change_message_visibility_batch(
                    QueueUrl=queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": args.retry_visibility}
                        for i, m in enumerate(retry)
                    ],
                )
            in_flight = []
            log(
                f"poll: batch={len(messages)} deleted={len(done)} retry={len(retry)} "
                f"{outcome} {elapsed_ms}ms"
            )
    except (Stop, KeyboardInterrupt):
        if in_flight:
            # hand back what we had not settled, so the next poller sees it at once
            try:
                sqs.change_message_visibility_batch(
                    QueueUrl=queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                        for i, m in enumerate(in_flight)
                    ],
                )
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        log("poll: stopped")
        return 0


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--endpoint-url", required=True, help="moto endpoint, e.g. http://127.0.0.1:5000")
    common.add_argument("--stack-name", required=True)
    common.add_argument("--region", default=os.environ.get("AWS_REGION") or DEFAULT_REGION)
    common.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    common.add_argument(
        "--parameter", action="append", default=[], metavar="KEY=VALUE", help="override a template parameter"
    )

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("bootstrap", parents=[common], help="create the local resources (idempotent)")
    b.add_argument("--json", action="store_true", help="print names, URLs and the function env as JSON")

    sub.add_parser("env", parents=[common], help="print KEY=VALUE lines for the local function env")

    p = sub.add_parser("poll", parents=[common], help="SQS -> cargo lambda event-source mapping")
    p.add_argument("--queue", required=True, help="logical id of the queue, e.g. InboundQueue")
    p.add_argument("--function", required=True, help="function (binary) name served by cargo lambda watch")
    p.add_argument("--runtime-url", default="http://127.0.0.1:9000")
    p.add_argument("--batch-size", type=int, default=10, choices=range(1, 11), metavar="1..10")
    p.add_argument("--wait-seconds", type=int, default=10, help="SQS long-poll wait (0-20)")
    p.add_argument("--retry-visibility", type=int, default=5, help="visibility timeout (s) for failed messages")
    p.add_argument("--invoke-timeout", type=float, default=600.0, help="seconds to wait for one invocation")
    p.add_argument(
        "--connect-retry-seconds", type=float, default=60.0, help="how long to retry an unreachable runtime"
    )
    p.add_argument("--max-backoff", type=float, default=5.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides = {}
    for item in args.parameter:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--parameter expects KEY=VALUE, got {item!r}")
        overrides[key] = value
    try:
        stack = LocalStack(args.template, args.endpoint_url, args.stack_name, args.region, overrides)
        if args.command == "bootstrap":
            stack.bootstrap()
            if args.json:
                out = {"stack_name": args.stack_name, "resources": stack.local_resources(), "env": stack.function_env()}
                print(json.dumps(out, sort_keys=True))
            else:
                for logical_id, value in stack.local_resources().items():
                    log(f"{logical_id}: {value}")
            return 0
        if args.command == "env":
            env = stack.function_env()
            env.update(
                {
                    "AWS_ENDPOINT_URL": args.endpoint_url,
                    "AWS_REGION": args.region,
                    "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                }
            )
            for key, value in env.items():
                print(f"{key}={value}")
            return 0
        if args.command == "poll":
            return poll(stack, args)
    except StackError as e:
        log(f"error: {e}")
        return 1
    return 2



def local_queue(endpoint_url: str, stack_name: str, logical_id: str) -> tuple[Any, str]:
    """An SQS client for the local stack's moto and the URL of one of its
    queues, by logical id (`OutboundQueue`, `EventsQueue`...)."""
    import boto3

    local = LocalStack(DEFAULT_TEMPLATE, endpoint_url, stack_name, "us-east-1", {})
    url = local.local_resources()[logical_id]
    sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    return sqs, url

if __name__ == "__main__":
    sys.exit(main())
