"""The message ledger: where every interop message and bundle of the devnet stands.

Each L2->L1 message sent through the L1Messenger on a ZK chain gets an :class:`Entry`, keyed by
its bundle hash (for bundles sent by the InteropCenter) or by its message hash, and findable by
source transaction. Its stage moves along::

    sent -> sealed (batch n) -> settled (Gateway block g) -> root_imported -> executed
                                                                      \\-> failed (reason)
                                                                      \\-> awaiting_executor
                                                                      \\-> unbundled

Entries are immutable; the ledger replaces them as they move, so a snapshot is a dict copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal, TypedDict, Unpack

from zkconnect.errors import InteropError

__all__ = ["Entry", "EntryChanges", "Ledger", "Stage"]


class Stage(StrEnum):
    """How far a message or bundle has come."""

    SENT = "sent"
    SEALED = "sealed"
    SETTLED = "settled"
    ROOT_IMPORTED = "root_imported"
    EXECUTED = "executed"
    UNBUNDLED = "unbundled"
    VERIFIED = "verified"
    AWAITING_EXECUTOR = "awaiting_executor"
    FAILED = "failed"
    STALLED = "stalled"


FINAL_STAGES = frozenset({Stage.EXECUTED, Stage.UNBUNDLED})
_FIRST_USER_ADDRESS = 0x20000


class EntryChanges(TypedDict, total=False):
    """The fields of an :class:`Entry` that change as it moves (keywords of :meth:`Ledger.move` and ``replace``)."""

    destination_chain_id: int | None
    batch_number: int | None
    gateway_block: int | None
    root_imported_block: int | None
    destination_tx: bytes | None
    reason: str | None
    attempts: int


@dataclass(frozen=True)
class Entry:
    """One message or bundle and its progress.

    ``id`` is the bundle hash (bundles) or keccak(message) (plain messages). ``log_index``
    counts the source transaction's own L2->L1 logs (the ``index`` of ``zks_getL2ToL1LogProof``).
    ``gateway_block`` is the Gateway block that executed the source batch; ``destination_tx``
    the transaction that executed (or tried to execute) a bundle; ``reason`` why it failed.
    """

    kind: Literal["bundle", "message"]
    id: bytes
    source_chain_id: int
    source_tx: bytes
    log_index: int
    sender: bytes
    payload: bytes
    stage: Stage = Stage.SENT
    destination_chain_id: int | None = None
    batch_number: int | None = None
    gateway_block: int | None = None
    root_imported_block: int | None = None
    destination_tx: bytes | None = None
    reason: str | None = None
    attempts: int = 0
    history: tuple[tuple[Stage, str], ...] = field(default=())

    @property
    def service(self) -> bool:
        """A message from a kernel or system contract (below 0x20000, e.g. the InteropHandler's execution
        reports): it is for Gateway and L1, so it is done once settled and no root is imported for it."""
        return self.kind == "message" and int.from_bytes(self.sender, "big") < _FIRST_USER_ADDRESS

    @property
    def pending(self) -> bool:
        """True while the devnet still has something to do for this entry (stalled ones included)."""
        if self.kind == "message":
            done = {Stage.ROOT_IMPORTED, Stage.SETTLED} if self.service else {Stage.ROOT_IMPORTED}
            return self.stage not in done
        return self.stage not in FINAL_STAGES and self.stage != Stage.FAILED

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready view (hex strings, camelCase), as ``zkdev_*`` RPC methods return it."""

        def hx(value: bytes | None) -> str | None:
            return None if value is None else "0x" + value.hex()

        return {
            "kind": self.kind,
            "id": hx(self.id),
            "stage": str(self.stage),
            "sourceChainId": self.source_chain_id,
            "sourceTx": hx(self.source_tx),
            "logIndex": self.log_index,
            "sender": hx(self.sender),
            "destinationChainId": self.destination_chain_id,
            "batchNumber": self.batch_number,
            "gatewayBlock": self.gateway_block,
            "rootImportedBlock": self.root_imported_block,
            "destinationTx": hx(self.destination_tx),
            "reason": self.reason,
            "attempts": self.attempts,
            "pending": self.pending,
            "history": [{"stage": str(s), "detail": d} for s, d in self.history],
        }


class Ledger:
    """All entries of a devnet, by id and by source transaction. A devnet snapshot component."""

    def __init__(self) -> None:
        self._entries: dict[bytes, Entry] = {}
        self._order: list[bytes] = []
        self.listeners: list[Callable[[Entry], None]] = []
        """Called with every entry as it is added or moves to another stage (``zkdev up`` prints them)."""

    def _notify(self, entry: Entry) -> None:
        for listener in list(self.listeners):
            listener(entry)

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[Entry]:
        return (self._entries[k] for k in self._order)

    def add(self, entry: Entry) -> Entry:
        """Record a new entry (its first history step is its stage)."""
        key = self._key(entry)
        if key in self._entries:
            return self._entries[key]
        entry = replace(entry, history=((entry.stage, "sent in tx 0x" + entry.source_tx.hex()),))
        self._entries[key] = entry
        self._order.append(key)
        self._notify(entry)
        return entry

    @staticmethod
    def _key(entry: Entry) -> bytes:
        if entry.kind == "bundle":
            return entry.id
        return entry.source_tx + entry.log_index.to_bytes(4, "big")

    def move(self, entry: Entry, stage: Stage, detail: str = "", **changes: Unpack[EntryChanges]) -> Entry:
        """Replace ``entry`` with its next stage (and any changed fields)."""
        key = self._key(entry)
        current = self._entries[key]
        updated = replace(current, stage=stage, history=(*current.history, (stage, detail)), **changes)
        self._entries[key] = updated
        self._notify(updated)
        return updated

    def replace(self, entry: Entry, **changes: Unpack[EntryChanges]) -> Entry:
        """Change fields of ``entry`` without moving it to another stage."""
        key = self._key(entry)
        updated = replace(self._entries[key], **changes)
        self._entries[key] = updated
        return updated

    def get(self, bundle_hash_or_key: bytes) -> Entry | None:
        """The bundle with this hash (or the message with this ledger key)."""
        return self._entries.get(bytes(bundle_hash_or_key))

    def bundle(self, bundle_hash: bytes) -> Entry:
        """The bundle with this hash; :class:`InteropError` if the devnet never saw it."""
        found = self._entries.get(bytes(bundle_hash))
        if found is None or found.kind != "bundle":
            raise InteropError(
                f"no bundle 0x{bytes(bundle_hash).hex()} in the ledger; bundles appear once their "
                "InteropCenter.sendBundle transaction is mined on a Gateway-settled chain"
            )
        return found

    def by_source_tx(self, tx_hash: bytes) -> list[Entry]:
        """Every message and bundle a transaction sent, in order."""
        tx_hash = bytes(tx_hash)
        return [e for e in self if e.source_tx == tx_hash]

    def by_stage(self, *stages: Stage) -> list[Entry]:
        """Entries currently at one of ``stages``."""
        wanted = set(stages)
        return [e for e in self if e.stage in wanted]

    def snapshot_state(self) -> tuple[dict[bytes, Entry], int]:
        """Entries are immutable: a shallow copy is the whole state."""
        return dict(self._entries), len(self._order)

    def restore_state(self, state: tuple[dict[bytes, Entry], int]) -> None:
        """Go back to a capture of :meth:`snapshot_state`."""
        entries, count = state
        self._entries = dict(entries)
        del self._order[count:]
