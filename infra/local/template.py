"""CloudFormation template reading and intrinsic-function resolution, for the
local (moto) copy of the SAM stack.

Nothing here talks to AWS: template.yaml is parsed with its short-form tags
and its intrinsics are resolved against values the caller supplies, so
docs/contracts/check_contacts_api.py can read the template without boto3.
This is the bottom layer of the local-stack modules (template -> provision ->
pollers -> stack.py CLI); the shared error and log line live here so the
layers above can import them without a cycle.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
TABLE_TYPE = "AWS::DynamoDB::Table"
QUEUE_TYPE = "AWS::SQS::Queue"
SECRET_TYPE = "AWS::SecretsManager::Secret"
BUCKET_TYPE = "AWS::S3::Bucket"
FUNCTION_URL_TYPE = "AWS::Lambda::Url"


def log(msg: str) -> None:
    # Prefixed with the CLI's name whichever module logs: scripts and test
    # logs grep for "stack.py:" and the split must not change what they see.
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

# Public: provision.py drops variables that resolve to AWS::NoValue.
NO_VALUE = object()
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
            return NO_VALUE
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
            return [v for v in items if v is not NO_VALUE]
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
            if r is not NO_VALUE:
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
