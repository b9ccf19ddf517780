#!/usr/bin/env python3
"""moto_server with three hot spots made cheap: same arguments, same answers.

Profiled with py-spy during the chaos run (moto 5.2.5), moto spent most of
its time outside the work asked of it:

1. Routing: for every request moto finds the backend by listing its own
   package directory (`backends.list_of_moto_modules`: a listdir and about
   200 isdir calls, under a global lock): 20-29 % of its time, more than all
   of DynamoDB. The list cannot change while the server runs: read once.
2. SQS attributes: `Queue.attributes` computes every attribute, walking all
   the queue's messages three times. GetQueueAttributes recomputes it twice
   per requested name, and ReceiveMessage once per message it returns (the
   retention check reads one attribute through it). Here GetQueueAttributes
   computes it once, and the retention check reads its one attribute.
3. The request log (a line per request, "POST / HTTP/1.1 200"): about 7 %.
   Warnings and errors are still logged.
4. SQS SendMessage: moto reads `Queue.attributes` (the walk of item 2) to
   learn whether the queue has ContentBasedDeduplication, which only a
   FIFO queue can have; py-spy: most of moto's time in the full chaos run
   with crashes once a queue held a few thousand messages. Here a send to a
   standard queue skips that walk (the attribute is absent either way).
5. DynamoDB Query on the table's own key: moto sorts every item of the
   table, then keeps those of the one partition asked for. That grows with
   the table: 48 % of moto's time 20 minutes into the full chaos run. Here
   such a query gets only its partition's items, in the same order.

The SQS and DynamoDB patches copy moto 5.2.5's own code, or wrap it, with
the repeated work taken out; on any other moto version they are skipped
(moto stays correct, only slower). Used by make dev, make test, make chaos and the benchmark scripts:
    .venv/bin/python infra/local/moto_server.py -H 127.0.0.1 -p 5000
"""

import logging
import sys
import threading
from typing import Any

import moto
from moto import backends
from moto.core.utils import unix_time
from moto.server import main
from moto.sqs.exceptions import InvalidAttributeName
from moto.dynamodb.models.table import Table
from moto.sqs.models import Message, Queue, SQSBackend

_MODULES = tuple(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: _MODULES


def get_queue_attributes(
    self: SQSBackend, queue_name: str, attribute_names: list[str]
) -> dict[str, Any]:
    queue = self.get_queue(queue_name)
    if not attribute_names:
        return {}
    valid_names = (
        ["All"] + queue.BASE_ATTRIBUTES + queue.FIFO_ATTRIBUTES + queue.KMS_ATTRIBUTES
    )
    invalid_name = next((n for n in attribute_names if n not in valid_names), None)
    if invalid_name or invalid_name == "":
        raise InvalidAttributeName(invalid_name)
    every = queue.attributes
    if "All" in attribute_names:
        return every
    return {n: every[n] for n in attribute_names if every.get(n) is not None}


def is_message_valid_based_on_retention_period(
    self: SQSBackend, queue_name: str, message: Message
) -> bool:
    retention_period = self.get_queue(queue_name).message_retention_period
    return retention_period + message.sent_timestamp / 1000 > unix_time()


# The standard queue a SendMessage is writing to, per request thread: for
# it, `attributes` answers without ContentBasedDeduplication, as moto's own
# would (that attribute is FIFO-only), without walking its messages.
_standard = threading.local()
_attributes = Queue.attributes
_send_message = SQSBackend.send_message


def attributes(self: Queue) -> dict[str, Any]:
    if getattr(_standard, "queue", None) is self:
        return {}
    return _attributes.fget(self)


def send_message(self: SQSBackend, queue_name: str, *args: Any, **kwargs: Any) -> Any:
    queue = self.get_queue(queue_name)
    if queue.fifo_queue:
        return _send_message(self, queue_name, *args, **kwargs)
    _standard.queue = queue
    try:
        return _send_message(self, queue_name, *args, **kwargs)
    finally:
        _standard.queue = None


# The partition a Query on the table's own key is reading, per request
# thread: other threads (a Scan of the same table) keep seeing every item.
_query = threading.local()
_all_items = Table.all_items
_table_query = Table.query


def all_items(self: Table) -> list[Any]:
    asked = getattr(_query, "partition", None)
    if asked is None or asked[0] is not self:
        return _all_items(self)
    found = self.items.get(asked[1])
    if found is None:
        return []
    items = list(found.values()) if self.range_key_attr else [found]
    # moto's own order (its query sorts the result again by range key).
    return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    if kwargs.get("index_name") or len(args) > 6 and args[6]:
        return _table_query(self, hash_key, *args, **kwargs)
    _query.partition = (self, hash_key)
    try:
        return _table_query(self, hash_key, *args, **kwargs)
    finally:
        _query.partition = None


if moto.__version__ == "5.2.5":
    SQSBackend.get_queue_attributes = get_queue_attributes
    SQSBackend.is_message_valid_based_on_retention_period = (
        is_message_valid_based_on_retention_period
    )
    Queue.attributes = property(attributes)
    SQSBackend.send_message = send_message
    Table.all_items = all_items
    Table.query = query

logging.getLogger("werkzeug").setLevel(logging.WARNING)

if __name__ == "__main__":
    sys.exit(main())
