"""Log criteria and installed filters: what ``eth_getLogs``, ``eth_newFilter`` & co. and ``logs``
subscriptions share.

Nothing here knows a dispatcher: block tags resolve through the ``tag_number`` function the caller
passes (:meth:`Dispatcher.tag_number <zkconnect.rpc.dispatcher.Dispatcher.tag_number>`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import zkconnect.rpc.encoding as enc
from zkconnect.engine.chain import Chain, Log
from zkconnect.rpc.errors import InvalidParams, RpcError
from zkconnect.rpc.json_types import JsonObject

__all__ = ["Filter", "FilterRegistry", "LogFilter", "decode_log_filter", "query_logs"]


@dataclass
class LogFilter:
    """Criteria of ``eth_getLogs`` / ``eth_newFilter``."""

    from_block: int | None = None
    to_block: int | None = None
    block_hash: bytes | None = None
    addresses: tuple[bytes, ...] | None = None
    topics: tuple[tuple[bytes, ...] | None, ...] = ()

    def matches(self, entry: Log) -> bool:
        """True when ``entry`` satisfies the address and topic criteria."""
        if self.addresses is not None and entry.address not in self.addresses:
            return False
        if len(self.topics) > len(entry.topics):
            return False
        return all(t is None or entry.topics[i] in t for i, t in enumerate(self.topics))


def decode_log_filter(value: object, name: str, tag_number: Callable[[str], int]) -> LogFilter:
    """Decode a filter object; block tags resolve to numbers now (``latest`` stays open-ended)."""
    if not isinstance(value, dict):
        raise InvalidParams(f"invalid argument {name}: expected a filter object, got {value!r}")
    block_hash = None
    if value.get("blockHash") is not None:
        if value.get("fromBlock") is not None or value.get("toBlock") is not None:
            raise InvalidParams(
                f"invalid argument {name}: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other"
            )
        block_hash = enc.decode_hash(value["blockHash"], f"{name}.blockHash")
    address = value.get("address")
    addresses: tuple[bytes, ...] | None = None
    if isinstance(address, list):
        addresses = tuple(enc.decode_address(a, f"{name}.address[{i}]") for i, a in enumerate(address)) or None
    elif address is not None:
        addresses = (enc.decode_address(address, f"{name}.address"),)
    raw_topics = value.get("topics") or []
    if not isinstance(raw_topics, list):
        raise InvalidParams(f"invalid argument {name}.topics: expected an array")
    if len(raw_topics) > 4:
        raise InvalidParams(f"invalid argument {name}.topics: at most 4 topic positions")
    topics: list[tuple[bytes, ...] | None] = []
    for i, t in enumerate(raw_topics):
        if t is None or t == []:
            topics.append(None)
        elif isinstance(t, list):
            topics.append(tuple(enc.decode_hash(x, f"{name}.topics[{i}]") for x in t))
        else:
            topics.append((enc.decode_hash(t, f"{name}.topics[{i}]"),))

    def bound(key: str) -> int | None:
        raw = value.get(key)
        if raw is None:
            return None
        ref = enc.decode_block_ref(raw, f"{name}.{key}", allow_hash=False)
        if ref.tag in ("latest", "pending"):
            return None
        return tag_number(ref.tag) if ref.tag is not None else ref.number

    return LogFilter(bound("fromBlock"), bound("toBlock"), block_hash, addresses, tuple(topics))


def query_logs(chain: Chain, flt: LogFilter, *, since: int | None = None) -> list[JsonObject]:
    """Run a log filter against the chain; ``since`` overrides the lower bound (filter polling)."""
    head = chain.block_number
    if flt.block_hash is not None:
        record = chain.block_by_hash(flt.block_hash)
        if record is None:
            raise RpcError("unknown block", code=-32000)
        first = last = record.number
    else:
        first = flt.from_block if flt.from_block is not None else head
        last = flt.to_block if flt.to_block is not None else head
        if since is not None:
            first = max(first, since)
        elif flt.from_block is not None and flt.to_block is not None and flt.from_block > flt.to_block:
            raise InvalidParams("invalid block range params")
        if since is None and (last > head or first > head):
            raise InvalidParams("block range extends beyond current head block")
    out: list[JsonObject] = []
    for number in range(first, min(last, head) + 1):
        record = chain.block(number)
        for rec in record.receipts:
            out.extend(enc.log(e, record.timestamp) for e in rec.logs if flt.matches(e))
    return out


@dataclass
class Filter:
    """One installed filter: ``kind`` (``logs``, ``blocks``, ``pending``), the next block to report."""

    kind: str
    cursor: int
    criteria: LogFilter | None = None
    pending_seen: set[bytes] = field(default_factory=set)

    def advance(self, head: int) -> int:
        """Move the cursor past ``head``; returns the first block not reported yet."""
        start = min(self.cursor, head + 1)
        self.cursor = head + 1
        return start


class FilterRegistry:
    """Installed filters of one chain (``eth_newFilter`` & co.)."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self._filters: dict[str, Filter] = {}
        self._ids = itertools.count(1)

    def install(self, kind: str, criteria: LogFilter | None = None) -> str:
        """Install a filter; returns its id (a hex quantity)."""
        fid = hex(next(self._ids))
        self._filters[fid] = Filter(kind, self.chain.block_number + 1, criteria)
        return fid

    def get(self, fid: object) -> Filter:
        """The filter with id ``fid``; -32000 "filter not found" otherwise."""
        f = self._filters.get(fid) if isinstance(fid, str) else None
        if f is None:
            raise RpcError("filter not found", code=-32000)
        return f

    def uninstall(self, fid: object) -> bool:
        """Remove a filter; False when unknown."""
        return self._filters.pop(fid, None) is not None if isinstance(fid, str) else False

    def snapshot_state(self) -> dict[str, Filter]:
        """A copy of every installed filter (ids are never reused, so the id counter is not part of it)."""
        return {fid: replace(f, pending_seen=set(f.pending_seen)) for fid, f in self._filters.items()}

    def restore_state(self, state: dict[str, Filter]) -> None:
        """Put the filters back as :meth:`snapshot_state` captured them."""
        self._filters = {fid: replace(f, pending_seen=set(f.pending_seen)) for fid, f in state.items()}
