"""The local stack's event bus and its rules: created in moto as
template.yaml declares them (issue #17). A part of `provision.LocalStack`,
which supplies the template (`resources`, `resolver`), the clients and
`attrs`; imports only template.py.

The push to HTTPS (connection, API destination, their rule) and the archive
are made when their parameters ask for them, so the template's wiring is
resolved locally too; moto calls an API destination without a body, so no
local delivery is checked. A rule's role is not made (moto does not check
it): its ARN is the one the stack would have.

moto does not apply a target's `InputPath`; the same selection is given to
it as the `InputTransformer` it does apply, so a queue behind a rule gets
what it would get on AWS (for `$.detail`: the event's JSON alone).
"""

from __future__ import annotations

import json
from typing import Any

from template import scalar_to_str

BUS_TYPE = "AWS::Events::EventBus"
RULE_TYPE = "AWS::Events::Rule"
CONNECTION_TYPE = "AWS::Events::Connection"
DESTINATION_TYPE = "AWS::Events::ApiDestination"
ARCHIVE_TYPE = "AWS::Events::Archive"
ROLE_TYPE = "AWS::IAM::Role"


class EventProvisioning:
    """Bus and rule provisioning for `LocalStack` (its attributes are used here)."""

    def _bus_attrs(self, logical_id: str, name: str) -> dict[str, Any]:
        events = self.clients["events"]
        try:
            arn = events.describe_event_bus(Name=name)["Arn"]
        except events.exceptions.ResourceNotFoundException:
            raise self._missing(logical_id) from None
        return {"Ref": name, "Arn": arn, "Name": name}

    def ensure_bus(self, logical_id: str) -> None:
        events = self.clients["events"]
        name = self._physical_name(logical_id, "Name")
        try:
            events.create_event_bus(Name=name)
        except events.exceptions.ResourceAlreadyExistsException:
            pass
        self.attrs[logical_id] = self._bus_attrs(logical_id, name)

    @staticmethod
    def _target(target: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in target.items() if k != "InputPath"}
        if "InputPath" in target:
            out["InputTransformer"] = {
                "InputPathsMap": {"selected": target["InputPath"]},
                "InputTemplate": "<selected>",
            }
        return out

    def ensure_rule(self, logical_id: str) -> None:
        events = self.clients["events"]
        props = self.resolver.resolve(self.resources[logical_id].get("Properties", {}) or {})
        name = self._physical_name(logical_id, "Name")
        bus = scalar_to_str(props.get("EventBusName", "default"))
        arn = events.put_rule(
            Name=name,
            EventBusName=bus,
            EventPattern=json.dumps(props["EventPattern"]),
            State=props.get("State", "ENABLED"),
            Description=props.get("Description", ""),
        )["RuleArn"]
        targets = [self._target(t) for t in props.get("Targets", [])]
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
        self.attrs[logical_id] = {"Ref": name, "Arn": arn}

    def _props(self, logical_id: str) -> dict[str, Any]:
        return self.resolver.resolve(self.resources[logical_id].get("Properties", {}) or {})

    def ensure_connection(self, logical_id: str) -> None:
        events = self.clients["events"]
        props = self._props(logical_id)
        name = self._physical_name(logical_id, "Name")
        try:
            arn = events.describe_connection(Name=name)["ConnectionArn"]
        except events.exceptions.ResourceNotFoundException:
            arn = events.create_connection(
                Name=name,
                Description=props.get("Description", ""),
                AuthorizationType=props["AuthorizationType"],
                AuthParameters=props["AuthParameters"],
            )["ConnectionArn"]
        self.attrs[logical_id] = {"Ref": name, "Arn": arn}

    def ensure_destination(self, logical_id: str) -> None:
        events = self.clients["events"]
        props = self._props(logical_id)
        name = self._physical_name(logical_id, "Name")
        fields = {
            "ConnectionArn": props["ConnectionArn"],
            "InvocationEndpoint": props["InvocationEndpoint"],
            "HttpMethod": props["HttpMethod"],
            "InvocationRateLimitPerSecond": int(props.get("InvocationRateLimitPerSecond", 300)),
        }
        try:
            events.describe_api_destination(Name=name)
            arn = events.update_api_destination(Name=name, **fields)["ApiDestinationArn"]
        except events.exceptions.ResourceNotFoundException:
            arn = events.create_api_destination(Name=name, **fields)["ApiDestinationArn"]
        self.attrs[logical_id] = {"Ref": name, "Arn": arn}

    def ensure_archive(self, logical_id: str) -> None:
        events = self.clients["events"]
        props = self._props(logical_id)
        name = self._physical_name(logical_id, "ArchiveName")
        days = int(props.get("RetentionDays", 0))
        try:
            arn = events.describe_archive(ArchiveName=name)["ArchiveArn"]
            events.update_archive(ArchiveName=name, RetentionDays=days)
        except events.exceptions.ResourceNotFoundException:
            arn = events.create_archive(
                ArchiveName=name,
                EventSourceArn=props["SourceArn"],
                Description=props.get("Description", ""),
                RetentionDays=days,
            )["ArchiveArn"]
        self.attrs[logical_id] = {"Ref": name, "Arn": arn}

    def role_attrs(self, logical_id: str) -> dict[str, Any]:
        name = f"{self.stack_name}-{logical_id}"
        return {"Ref": name, "Arn": f"arn:aws:iam::{self.account_id}:role/{name}"}
