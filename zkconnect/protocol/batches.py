"""Batch records: what a sealed batch holds (one L2 block's L2->L1 logs) and the events they are read from.

Pure values, no chain: :class:`zkconnect.interop.sealer.Sealer` builds them from mined blocks, the settlement
pipeline and the proof builders read them. A batch's log tree (16,384 leaves, height 14) and root follow spec 4.1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from eth_utils.crypto import keccak

from zkconnect.protocol.merkle import L2ToL1Log, LogTree, batch_root, empty_multichain_batch_root

__all__ = [
    "L1_MESSAGE_SENT_TOPIC",
    "L2_LOG_ABI_TYPE",
    "L2_TO_L1_LOG_SENT_TOPIC",
    "Batch",
    "SealedLog",
]

L2_LOG_ABI_TYPE = "(uint8,bool,uint16,address,bytes32,bytes32)"
"""ABI type of Solidity's ``L2Log`` (shard, isService, txNumberInBatch, sender, key, value)."""
L1_MESSAGE_SENT_TOPIC = keccak(b"L1MessageSent(address,bytes32,bytes)")
L2_TO_L1_LOG_SENT_TOPIC = keccak(f"L2ToL1LogSent({L2_LOG_ABI_TYPE})".encode())


@dataclass(frozen=True)
class SealedLog:
    """One L2->L1 log of a batch, where it came from and where it sits in the tree."""

    log: L2ToL1Log
    message: bytes | None
    tx_hash: bytes
    index_in_tx: int
    leaf_index: int


@dataclass(frozen=True)
class Batch:
    """A sealed batch: one block's L2->L1 logs, in order."""

    chain_id: int
    number: int
    block_hash: bytes
    timestamp: int
    logs: tuple[SealedLog, ...]

    @cached_property
    def tree(self) -> LogTree:
        """The batch's fixed-height log tree."""
        return LogTree([entry.log for entry in self.logs])

    @property
    def local_root(self) -> bytes:
        """Root of the log tree (``localLogsRoot``)."""
        return self.tree.root()

    def root(self, aggregated_root: bytes | None = None) -> bytes:
        """The batch root: keccak(localLogsRoot ‖ aggregatedRoot).

        A ZK chain's aggregated root is its empty multichain root; Gateway passes its own.
        """
        aggregated = empty_multichain_batch_root(self.chain_id) if aggregated_root is None else aggregated_root
        return batch_root(self.local_root, aggregated)

    @property
    def messages(self) -> tuple[bytes, ...]:
        """Preimages of the L1Messenger logs, in tree order."""
        return tuple(entry.message for entry in self.logs if entry.message is not None)
