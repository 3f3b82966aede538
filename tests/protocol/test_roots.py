"""The Gateway MessageRoot twin: per-block history, proofs against past roots, snapshots."""

from __future__ import annotations

import pytest

from zkconnect.errors import InteropError
from zkconnect.protocol.merkle import (
    LogTree,
    build_gateway_interop_proof,
    empty_multichain_batch_root,
    keccak,
    message_log,
    resolve_message_proof,
)
from zkconnect.protocol.roots import MessageRootTwin

GW = 506


def batch(chain_id: int, payload: bytes) -> tuple[LogTree, bytes]:
    tree = LogTree([message_log(0, b"\x11" * 20, payload)])
    return tree, keccak(tree.root() + empty_multichain_batch_root(chain_id))


def test_proof_built_at_an_old_gateway_block_still_resolves_to_that_blocks_root():
    twin = MessageRootTwin(GW)
    twin.add_chain(6565)
    twin.add_chain(6566)
    tree, root = batch(6565, b"first")
    twin.add_batch(6565, 1, root, gateway_block=10)
    root_at_10 = twin.root_at(10)
    for n in range(2, 6):  # later settlements change both trees
        twin.add_batch(6565, n, batch(6565, bytes([n]))[1], gateway_block=10 + n)
        twin.add_batch(6566, n - 1, batch(6566, bytes([n]))[1], gateway_block=10 + n)
    assert twin.root_at(15) != root_at_10
    gw_block, leaf_index = twin.placement(6565, 1)
    trees = twin.trees_at(6565, gw_block)
    proof = build_gateway_interop_proof(
        logs=tree,
        leaf_index=0,
        chain_id=6565,
        batch_number=1,
        chain_tree=trees.chain_tree,
        batch_leaf_index=leaf_index,
        shared_tree=trees.shared_tree,
        chain_index=trees.chain_index,
        gateway_chain_id=GW,
        gateway_block_number=gw_block,
    )
    target = resolve_message_proof(6565, 1, 0, tree.leaves[0], proof.proof)
    assert (target.chain_id, target.number, target.root) == (GW, 10, root_at_10)


def test_several_batches_in_one_gateway_block_share_one_history_entry():
    twin = MessageRootTwin(GW)
    twin.add_chain(6565)
    twin.add_batch(6565, 1, batch(6565, b"a")[1], gateway_block=7)
    twin.add_batch(6565, 2, batch(6565, b"b")[1], gateway_block=7)
    assert twin.trees_at(6565, 7).chain_tree.leaves == twin.trees_at(6565, 100).chain_tree.leaves
    assert len(twin.trees_at(6565, 7).chain_tree.leaves) == 2
    assert len(twin.trees_at(6565, 6).chain_tree.leaves) == 0


def test_gateway_itself_has_index_zero_and_chains_follow_in_registration_order():
    twin = MessageRootTwin(GW)
    twin.add_chain(6566)
    twin.add_chain(6565)
    assert [twin.chain_index(c) for c in (GW, 6566, 6565)] == [0, 1, 2]
    with pytest.raises(InteropError, match="not registered"):
        twin.chain_index(999)


def test_restore_state_drops_batches_and_chains_added_after_the_snapshot():
    twin = MessageRootTwin(GW)
    twin.add_chain(6565)
    twin.add_batch(6565, 1, batch(6565, b"a")[1], gateway_block=3)
    state = twin.snapshot_state()
    before = twin.root_at(1000)
    twin.add_chain(6566)
    twin.add_batch(6565, 2, batch(6565, b"b")[1], gateway_block=4)
    twin.restore_state(state)
    assert twin.root_at(1000) == before
    assert twin.placement(6565, 2) is None and twin.placement(6565, 1) == (3, 0)
    with pytest.raises(InteropError):
        twin.chain_index(6566)
    twin.add_batch(6565, 2, batch(6565, b"c")[1], gateway_block=4)
    assert twin.placement(6565, 2) == (4, 1)
