"""``eth_subscribe`` / ``eth_unsubscribe``: subscriptions to ``newHeads``, ``logs`` and
``newPendingTransactions``, apart from any transport.

A :class:`SubscriptionFeed` is one chain's side: it listens to the chain's new blocks (between
:meth:`~SubscriptionFeed.attach` and :meth:`~SubscriptionFeed.detach`) and turns each into
``eth_subscription`` notifications for its subscribers. A :class:`Subscriber` is one connection's
subscriptions and its :class:`Outbox`, the queue a transport drains (the WebSocket handler of
:mod:`zkconnect.rpc.server`): blocks are mined on the request thread, so notifications are posted
to the event loop thread-safely, behind the responses already queued.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import zkconnect.rpc.encoding as enc
import zkconnect.rpc.protocol as jsonrpc
from zkconnect.engine.chain import BlockRecord
from zkconnect.rpc.dispatcher import Dispatcher
from zkconnect.rpc.errors import InvalidParams
from zkconnect.rpc.filters import LogFilter, decode_log_filter
from zkconnect.rpc.json_types import JSON, Params

__all__ = ["KINDS", "Outbox", "Subscriber", "SubscriptionFeed"]

KINDS = ("newHeads", "logs", "newPendingTransactions")
"""The subscription kinds ``eth_subscribe`` accepts."""


class Outbox:
    """Messages waiting to go out on one connection, in order; :meth:`post` may be called from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[str] = asyncio.Queue()

    def put(self, text: str) -> None:
        """Queue a message (from the event loop's thread)."""
        self._queue.put_nowait(text)

    def post(self, text: str) -> None:
        """Queue a message from another thread."""
        self._loop.call_soon_threadsafe(self._queue.put_nowait, text)

    async def next(self) -> str:
        """The next message, waiting for one."""
        return await self._queue.get()


@dataclass(frozen=True)
class _Subscription:
    kind: str
    criteria: LogFilter | None = None


@dataclass(eq=False)
class Subscriber:
    """One connection's subscriptions, by id."""

    outbox: Outbox
    subscriptions: dict[str, _Subscription] = field(default_factory=dict)


class SubscriptionFeed:
    """One chain's subscriptions: ``eth_subscribe`` for its connections and their notifications.

    ``ids`` numbers subscriptions (a server shares one counter between its chains, so an id is
    unique on the whole server).
    """

    def __init__(self, dispatcher: Dispatcher, ids: Iterator[int]) -> None:
        self.dispatcher = dispatcher
        self._ids = ids
        self._subscribers: set[Subscriber] = set()
        self._attached = False

    # ------------------------------------------------------------------ lifecycle

    def attach(self) -> None:
        """Start listening to the chain's new blocks."""
        if not self._attached:
            self.dispatcher.chain.block_listeners.append(self.on_block)
            self._attached = True

    def detach(self) -> None:
        """Stop listening to the chain's new blocks (the listener :meth:`attach` added is removed)."""
        if self._attached:
            self.dispatcher.chain.block_listeners.remove(self.on_block)
            self._attached = False

    def open(self, outbox: Outbox) -> Subscriber:
        """A new connection's subscriber."""
        subscriber = Subscriber(outbox)
        self._subscribers.add(subscriber)
        return subscriber

    def close(self, subscriber: Subscriber) -> None:
        """Forget a connection and its subscriptions."""
        self._subscribers.discard(subscriber)

    @property
    def subscribers(self) -> list[Subscriber]:
        """The open connections."""
        return list(self._subscribers)

    # ------------------------------------------------------------------ requests

    def call_for(self, subscriber: Subscriber) -> jsonrpc.Call:
        """The ``call`` of one connection: ``eth_subscribe``/``eth_unsubscribe`` here, the rest to the dispatcher."""

        def call(method: str, params: Params) -> JSON:
            if method == "eth_subscribe":
                return self.subscribe(subscriber, params)
            if method == "eth_unsubscribe":
                if not isinstance(params, list) or len(params) != 1:
                    raise InvalidParams("eth_unsubscribe: expected [subscriptionId]")
                sid = params[0]
                return isinstance(sid, str) and subscriber.subscriptions.pop(sid, None) is not None
            return self.dispatcher.call(method, params)

        return call

    def subscribe(self, subscriber: Subscriber, params: Params) -> str:
        """``eth_subscribe [kind, options?]``: the new subscription's id."""
        if not isinstance(params, list) or not params:
            raise InvalidParams("eth_subscribe: expected [kind, options?]")
        kind = params[0]
        criteria = None
        if kind == "logs":
            options = params[1] if len(params) > 1 else {}
            criteria = decode_log_filter(options, "1", self.dispatcher.tag_number)
        elif kind not in ("newHeads", "newPendingTransactions"):
            raise InvalidParams(f"eth_subscribe: unsupported subscription {kind!r} (newHeads, logs)")
        sid = hex(next(self._ids))
        subscriber.subscriptions[sid] = _Subscription(str(kind), criteria)
        return sid

    # ------------------------------------------------------------------ notifications

    def on_block(self, record: BlockRecord) -> None:
        """Post every subscriber's notifications for a new block."""
        subscribers = [s for s in self._subscribers if s.subscriptions]
        if not subscribers:
            return
        head = enc.header_fields(record.header)
        for subscriber in subscribers:
            for sid, sub in list(subscriber.subscriptions.items()):
                for result in _results(sub, record, head):
                    note = {
                        "jsonrpc": "2.0",
                        "method": "eth_subscription",
                        "params": {"subscription": sid, "result": result},
                    }
                    subscriber.outbox.post(json.dumps(note))


def _results(sub: _Subscription, record: BlockRecord, head: JSON) -> list[JSON]:
    if sub.kind == "newHeads":
        return [head]
    if sub.kind == "logs" and sub.criteria is not None:
        criteria = sub.criteria
        return [enc.log(e, record.timestamp) for r in record.receipts for e in r.logs if criteria.matches(e)]
    if sub.kind == "newPendingTransactions":
        return [enc.data(tx.hash) for tx in record.transactions]
    return []
