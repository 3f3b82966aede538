"""A chain's world state: reading it at any block, and the *pending* state the next block starts from.

The pending state is the head's state plus dev edits not yet mined (``anvil_setBalance`` and the like),
so :class:`ChainState` keeps its root apart from the head's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from eth.abc import BlockHeaderAPI, StateAPI
from eth.chains.base import MiningChain
from eth_typing import Address

from zkconnect.engine.index import BlockIndex
from zkconnect.engine.proofs import account_proof
from zkconnect.engine.records import AccountProof, StorageProof
from zkconnect.errors import ChainError

__all__ = ["ChainState"]


class ChainState:
    """The states of ``evm``, whose mined blocks ``index`` holds; the pending state starts at the head's."""

    def __init__(self, evm: MiningChain, index: BlockIndex) -> None:
        self._evm = evm
        self._index = index
        self._root = bytes(index.blocks[-1].header.state_root)

    @property
    def pending_root(self) -> bytes:
        """The root of the pending state."""
        return self._root

    def move_to(self, root: bytes) -> None:
        """Make ``root`` (already in the database) the pending state, as after mining or a revert."""
        self._root = bytes(root)

    def header_at(self, block: int | None) -> BlockHeaderAPI:
        """The header of ``block``, or when None the head's with the pending state root."""
        if block is None:
            return self._index.blocks[-1].header.copy(state_root=self._root)
        return self._index.block(block).header

    def at(self, block: int | None) -> StateAPI:
        """A state to read (or throw away) after ``block``; the pending state when None."""
        return self._evm.get_vm(self.header_at(block)).state

    def blob_base_fee(self, header: BlockHeaderAPI) -> int:
        """The blob base fee of the block of ``header``; 0 before Cancun."""
        if getattr(header, "excess_blob_gas", None) is None:
            return 0
        return int(getattr(self._evm.get_vm(header).state, "blob_base_fee", 0))

    def root(self, block: int | None) -> bytes:
        """The state root after ``block`` (the pending one when None)."""
        return self._root if block is None else bytes(self._index.block(block).header.state_root)

    def proof(self, address: bytes, slots: Sequence[int], block: int | None) -> tuple[AccountProof, list[StorageProof]]:
        """Proofs of an account and some of its slots after ``block`` (see :func:`account_proof`)."""
        return account_proof(self._evm.chaindb.db, self.root(block), address, slots)

    def edit(self, change: Callable[[StateAPI], None]) -> None:
        """Apply a dev edit to the pending state."""
        state = self.at(None)
        change(state)
        state.persist()
        self._root = bytes(state.state_root)

    def place(self, address: bytes, runtime_code: bytes, storage: Mapping[int, int]) -> None:
        """Put code and storage at ``address`` (nonce 1 if it had none), as a dev edit."""

        def change(s: StateAPI) -> None:
            s.set_code(Address(address), runtime_code)
            if s.get_nonce(Address(address)) == 0:
                s.set_nonce(Address(address), 1)
            for slot, value in storage.items():
                s.set_storage(Address(address), slot, value)

        self.edit(change)

    def export(self) -> tuple[bytes, dict[bytes, bytes]]:
        """The pending root and every database entry."""
        store = getattr(getattr(self._evm.chaindb.db, "wrapped_db", None), "kv_store", None)
        if store is None:
            raise ChainError("this chain's database cannot be exported")
        return self._root, dict(store)

    def load(self, state_root: bytes, entries: Mapping[bytes, bytes]) -> None:
        """Write ``entries`` to the database and make ``state_root`` the pending state."""
        db = self._evm.chaindb.db
        for key, value in entries.items():
            db[key] = value
        if not db.exists(state_root):
            raise ChainError(f"state root 0x{state_root.hex()} is not in the loaded entries")
        self._root = bytes(state_root)
