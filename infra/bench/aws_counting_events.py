"""EventBridge billing units for the counting proxy (aws_counting_proxy.py).

- PutEvents: each entry is billed per started 64 KB chunk of its size
  (Source + DetailType + Detail + Resources, UTF-8), the way EventBridge
  counts a custom event. A refused entry is not billed.
- Rule deliveries: each accepted entry, once per target of each rule of its
  bus whose pattern it matches. moto's own matcher decides (the one that
  delivers; moto 5.2.5 does not implement TestEventPattern), with the bus's
  rules and targets read from moto (uncounted) once per bus. A
  delivery to an SQS target is one SendMessage request of the event's
  detail (the rules here deliver `$.detail`), which the queue's owner pays.

Stdlib and moto (from the project's .venv, which runs the proxy).
"""

from __future__ import annotations

import json
import math
import threading

EVENT_CHUNK = 64 * 1024
SQS_CHUNK = 64 * 1024

_rules: dict[str, list[tuple[str, int]]] = {}
_rules_lock = threading.Lock()


def entry_size(entry: dict) -> int:
    parts = [entry.get("Source", ""), entry.get("DetailType", ""), entry.get("Detail", "")]
    parts += entry.get("Resources", []) or []
    return sum(len(str(p).encode()) for p in parts)


def _bus_rules(moto, bus: str) -> list[tuple[str, int]]:
    """(event pattern, number of targets) of each rule of `bus`."""
    with _rules_lock:
        if bus not in _rules:
            rules = moto.events("ListRules", {"EventBusName": bus}).get("Rules", [])
            found = []
            for rule in rules:
                if not rule.get("EventPattern"):
                    continue
                targets = moto.events("ListTargetsByRule", {"Rule": rule["Name"], "EventBusName": bus})
                found.append((rule["EventPattern"], len(targets.get("Targets", []))))
            _rules[bus] = found
        return _rules[bus]


def _matches(pattern: str, entry: dict) -> bool:
    from moto.events.models import EventPattern  # moto's matcher, as it delivers

    event = {
        "id": "0", "account": "123456789012", "source": entry.get("Source", ""),
        "time": "2026-12-03T00:00:00Z", "region": "us-east-1", "resources": entry.get("Resources", []),
        "detail-type": entry.get("DetailType", ""), "detail": json.loads(entry.get("Detail") or "{}"),
    }
    return EventPattern.load(pattern).matches_event(event)


def units(moto, request: dict, response: dict) -> dict:
    """The units of one answered PutEvents: entries, billed chunks,
    deliveries and the SQS requests those deliveries make."""
    results = response.get("Entries", [])
    accepted = [e for e, r in zip(request.get("Entries", []), results) if not r.get("ErrorCode")]
    out = {"events_entries": len(accepted), "events_billed": 0, "rule_deliveries": 0, "delivery_sqs_requests": 0}
    for entry in accepted:
        out["events_billed"] += max(1, math.ceil(entry_size(entry) / EVENT_CHUNK))
        for pattern, targets in _bus_rules(moto, entry.get("EventBusName") or "default"):
            if targets and _matches(pattern, entry):
                out["rule_deliveries"] += targets
                chunks = max(1, math.ceil(len((entry.get("Detail") or "").encode()) / SQS_CHUNK))
                out["delivery_sqs_requests"] += targets * chunks
    return out
