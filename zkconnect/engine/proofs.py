"""Merkle-Patricia proofs of an account and its storage slots, read from a state trie (``eth_getProof``)."""

from __future__ import annotations

from collections.abc import Sequence

import rlp
from eth.abc import DatabaseAPI
from eth.rlp.accounts import Account
from eth_utils.crypto import keccak
from trie.hexary import HexaryTrie

from zkconnect.engine.records import AccountProof, StorageProof

__all__ = ["account_proof"]


def account_proof(
    db: DatabaseAPI, state_root: bytes, address: bytes, slots: Sequence[int]
) -> tuple[AccountProof, list[StorageProof]]:
    """The account at ``address`` in the state ``state_root`` of ``db``, and ``slots`` of its storage, each with
    the trie nodes proving it."""
    state_trie = HexaryTrie(db, state_root)
    key = keccak(address)
    raw = state_trie.get(key)
    account = rlp.decode(raw, sedes=Account) if raw else Account()
    # trie's get_proof carries no annotations
    nodes = tuple(rlp.encode(node) for node in state_trie.get_proof(key))  # type: ignore[no-untyped-call]
    proof = AccountProof(
        address=address,
        balance=int(account.balance),
        nonce=int(account.nonce),
        code_hash=bytes(account.code_hash),
        storage_hash=bytes(account.storage_root),
        proof=nodes,
    )
    storage_trie = HexaryTrie(db, bytes(account.storage_root))
    storage = []
    for slot in slots:
        slot_key = keccak(slot.to_bytes(32, "big"))
        value_raw = storage_trie.get(slot_key)
        value = int(rlp.decode(value_raw, sedes=rlp.sedes.big_endian_int)) if value_raw else 0
        slot_nodes = tuple(rlp.encode(n) for n in storage_trie.get_proof(slot_key))  # type: ignore[no-untyped-call]
        storage.append(StorageProof(slot, value, slot_nodes))
    return proof, storage
