"""Sealing: every L2 block is one batch (as on ZKsync OS), built from the L1Messenger's logs.

For each block of a ZK chain or of Gateway, the :class:`Sealer` reads the L1Messenger (0x8008)
events in order and keeps, per batch, its L2->L1 logs with their message preimages, as the pure
records of :mod:`zkconnect.protocol.batches` (re-exported here); the settlement pipeline reads them
from here. Because a batch is a block, a receipt's ``transactionIndex`` is the transaction's
number in its batch, which the official SDKs rely on.
"""

from __future__ import annotations

from eth_abi.abi import decode

from zkconnect.engine.chain import BlockRecord, Chain
from zkconnect.errors import InteropError, ProofUnavailable
from zkconnect.protocol.addresses import L1_MESSENGER
from zkconnect.protocol.batches import (
    L1_MESSAGE_SENT_TOPIC,
    L2_LOG_ABI_TYPE,
    L2_TO_L1_LOG_SENT_TOPIC,
    Batch,
    SealedLog,
)
from zkconnect.protocol.merkle import L2ToL1Log

__all__ = [
    "L1_MESSAGE_SENT_TOPIC",
    "L2_TO_L1_LOG_SENT_TOPIC",
    "Batch",
    "SealedLog",
    "Sealer",
    "SealerState",
]

SealerState = int
"""A capture of :meth:`Sealer.snapshot_state`: sealed batches are append-only, so their count is the whole state."""


class Sealer:
    """Seals every block of one L2 chain into a batch as it is mined."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self._batches: list[Batch] = []
        self._by_tx: dict[bytes, list[SealedLog]] = {}
        for record in chain.blocks:
            self._seal(record)
        chain.block_listeners.append(self._seal)

    @property
    def latest(self) -> int:
        """Number of the newest sealed batch."""
        return len(self._batches) - 1

    def batch(self, number: int) -> Batch:
        """A sealed batch by number."""
        if not 0 <= number < len(self._batches):
            raise InteropError(f"chain {self.chain.name} has no sealed batch {number} (latest is {self.latest})")
        return self._batches[number]

    def logs_of(self, tx_hash: bytes) -> list[SealedLog]:
        """The L2->L1 logs a transaction sent, in order."""
        return list(self._by_tx.get(bytes(tx_hash), []))

    def locate(self, tx_hash: bytes, index: int) -> tuple[Batch, SealedLog]:
        """The batch and log of the ``index``-th L2->L1 log sent by a transaction."""
        logs = self._by_tx.get(bytes(tx_hash))
        receipt = self.chain.receipt(tx_hash)
        if receipt is None:
            raise ProofUnavailable(f"transaction 0x{bytes(tx_hash).hex()} is not mined on chain {self.chain.name}")
        if not logs or not 0 <= index < len(logs):
            count = len(logs or [])
            raise InteropError(
                f"transaction 0x{bytes(tx_hash).hex()} sent {count} L2->L1 log(s) on chain {self.chain.name}; "
                f"index {index} is out of range"
            )
        entry = logs[index]
        return self._batches[receipt.block_number], entry

    def _seal(self, record: BlockRecord) -> None:
        if record.number != len(self._batches):
            raise InteropError(
                f"chain {self.chain.name}: block {record.number} arrived while batch {len(self._batches)} was expected"
            )
        entries: list[SealedLog] = []
        for receipt in record.receipts:
            pending: list[tuple[L2ToL1Log, bytes | None]] = []
            messages: dict[bytes, bytes] = {}
            for log in receipt.logs:
                if log.address != L1_MESSENGER or not log.topics:
                    continue
                if log.topics[0] == L1_MESSAGE_SENT_TOPIC:
                    (message,) = decode(["bytes"], log.data)
                    messages[log.topics[2]] = bytes(message)
                elif log.topics[0] == L2_TO_L1_LOG_SENT_TOPIC:
                    ((shard, service, tx_number, sender, key, value),) = decode([L2_LOG_ABI_TYPE], log.data)
                    l2log = L2ToL1Log(shard, service, tx_number, sender, bytes(key), bytes(value))
                    pending.append((l2log, None))
            for per_tx, (l2log, _) in enumerate(pending):
                from_messenger = bytes.fromhex(str(l2log.sender)[2:]) == L1_MESSENGER
                message = messages.get(l2log.value) if from_messenger else None
                entries.append(SealedLog(l2log, message, receipt.tx_hash, per_tx, len(entries)))
        batch = Batch(self.chain.chain_id, record.number, record.hash, record.timestamp, tuple(entries))
        self._batches.append(batch)
        for entry in entries:
            self._by_tx.setdefault(entry.tx_hash, []).append(entry)

    def snapshot_state(self) -> SealerState:
        """Sealed batches are append-only: their count is the whole state."""
        return len(self._batches)

    def restore_state(self, state: SealerState) -> None:
        """Forget batches sealed after the snapshot."""
        for batch in self._batches[state:]:
            for entry in batch.logs:
                self._by_tx.pop(entry.tx_hash, None)
        del self._batches[state:]
