"""A Python twin of Gateway's L2MessageRoot, with history, for building proofs.

The on-chain L2MessageRoot keeps only its current trees; a proof for a batch executed at
Gateway block ``g`` must be built against the trees *as they stood at the end of g* (that is
the root stored as ``historicalRoot[g]`` and imported by destination chains). This twin keeps the
append-only list of batch-root leaves per chain and, per Gateway block that changed them, how
many leaves each chain had; any past state is rebuilt from those prefixes. After each
settlement the pipeline compares the twin's root with the contract's, so they cannot drift
silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkconnect.errors import InteropError
from zkconnect.protocol.merkle import DynamicIncrementalMerkle, FullMerkle, batch_root_leaf, chain_id_leaf

__all__ = ["MessageRootTwin", "TreesAt"]


@dataclass(frozen=True)
class TreesAt:
    """The chain tree of one chain and the shared tree at one Gateway block."""

    chain_tree: DynamicIncrementalMerkle
    shared_tree: FullMerkle
    chain_index: int


@dataclass(frozen=True)
class _Placement:
    gateway_block: int
    leaf_index: int


class MessageRootTwin:
    """Chain trees and the shared tree of a Gateway, per Gateway block."""

    def __init__(self, gateway_chain_id: int) -> None:
        self.gateway_chain_id = gateway_chain_id
        self._index: dict[int, int] = {gateway_chain_id: 0}
        self._leaves: dict[int, list[bytes]] = {gateway_chain_id: []}
        self._placement: dict[tuple[int, int], _Placement] = {}
        self._history: list[tuple[int, dict[int, int]]] = []

    def add_chain(self, chain_id: int) -> int:
        """Register a chain (next shared-tree index), as ``addNewChain`` does."""
        if chain_id in self._index:
            return self._index[chain_id]
        self._index[chain_id] = len(self._index)
        self._leaves[chain_id] = []
        return self._index[chain_id]

    def chain_index(self, chain_id: int) -> int:
        """The chain's position in the shared tree."""
        try:
            return self._index[chain_id]
        except KeyError:
            raise InteropError(f"chain {chain_id} is not registered in Gateway's message root") from None

    def add_batch(self, chain_id: int, batch_number: int, batch_root: bytes, gateway_block: int) -> None:
        """Record ``addChainBatchRoot(chain_id, batch_number, batch_root)`` executed at ``gateway_block``."""
        leaves = self._leaves[chain_id] if chain_id in self._index else None
        if leaves is None:
            raise InteropError(f"chain {chain_id} is not registered in Gateway's message root")
        self._placement[(chain_id, batch_number)] = _Placement(gateway_block, len(leaves))
        leaves.append(batch_root_leaf(batch_root, batch_number))
        counts = {cid: len(v) for cid, v in self._leaves.items()}
        if self._history and self._history[-1][0] == gateway_block:
            self._history[-1] = (gateway_block, counts)
        else:
            self._history.append((gateway_block, counts))

    def placement(self, chain_id: int, batch_number: int) -> tuple[int, int] | None:
        """(Gateway block, chain-tree leaf index) of a settled batch, or None if not settled."""
        found = self._placement.get((chain_id, batch_number))
        return None if found is None else (found.gateway_block, found.leaf_index)

    def trees_at(self, chain_id: int, gateway_block: int) -> TreesAt:
        """The trees as they stood at the end of ``gateway_block``."""
        counts: dict[int, int] = {}
        for block, snapshot in self._history:
            if block > gateway_block:
                break
            counts = snapshot
        shared = FullMerkle()
        chain_tree = DynamicIncrementalMerkle()
        for cid in sorted(self._index, key=self._index.__getitem__):
            tree = DynamicIncrementalMerkle(self._leaves[cid][: counts.get(cid, 0)])
            shared.push(chain_id_leaf(tree.root(), cid))
            if cid == chain_id:
                chain_tree = tree
        return TreesAt(chain_tree, shared, self.chain_index(chain_id))

    def root_at(self, gateway_block: int) -> bytes:
        """The shared-tree root at the end of ``gateway_block``."""
        return self.trees_at(self.gateway_chain_id, gateway_block).shared_tree.root()

    def snapshot_state(self) -> tuple[dict[int, int], int, frozenset[int]]:
        """Leaf counts, history length and registered chains (everything is append-only)."""
        return ({cid: len(v) for cid, v in self._leaves.items()}, len(self._history), frozenset(self._index))

    def restore_state(self, state: tuple[dict[int, int], int, frozenset[int]]) -> None:
        """Drop what was appended after the snapshot."""
        counts, history, chains = state
        for cid in [c for c in self._index if c not in chains]:
            del self._index[cid]
            del self._leaves[cid]
        for cid, leaves in self._leaves.items():
            del leaves[counts.get(cid, 0) :]
        self._placement = {key: p for key, p in self._placement.items() if p.leaf_index < counts.get(key[0], 0)}
        del self._history[history:]
