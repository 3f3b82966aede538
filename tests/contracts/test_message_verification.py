# ruff: noqa: N802
"""L2MessageVerification (0x10009) and L1MessageRoot proofs: the era-contracts vectors, mutations, P5-P7."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    GW_ID,
    L2_LOG,
    Net,
    calldata,
    error,
    reverts,
    word,
)
from eth_abi.abi import decode

from zkconnect.errors import TransactionReverted
from zkconnect.protocol.addresses import L2_MESSAGE_VERIFICATION
from zkconnect.protocol.merkle import (
    DynamicIncrementalMerkle,
    FullMerkle,
    LogTree,
    batch_root,
    batch_root_leaf,
    build_gateway_interop_proof,
    chain_id_leaf,
    empty_multichain_batch_root,
    encode_proof_metadata,
    hash_pair,
    keccak,
    message_log,
)

VECTORS = json.loads((Path(__file__).parent.parent / "vectors" / "era-proof-vectors.json").read_text())["vectors"]
LOG_VECTOR = next(v for v in VECTORS if "log" in v)
MESSAGE_VECTOR = next(v for v in VECTORS if "message" in v)

PROVE_LOG = f"proveL2LogInclusionShared(uint256,uint256,uint256,{L2_LOG},bytes32[])"
PROVE_MESSAGE = "proveL2MessageInclusionShared(uint256,uint256,uint256,(uint16,address,bytes),bytes32[])"
PROVE_LEAF = "proveL2LeafInclusionShared(uint256,uint256,uint256,bytes32,bytes32[])"


def h(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def proof_of(vector: dict[str, Any]) -> list[bytes]:
    return [h(w) for w in vector["proof"]]


def log_tuple(vector: dict[str, Any]) -> tuple[Any, ...]:
    log = vector["log"]
    return (
        log["shard_id"],
        log["is_service"],
        log["tx_number_in_batch"],
        log["sender"],
        h(log["key"]),
        h(log["value"]),
    )


def message_tuple(vector: dict[str, Any]) -> tuple[Any, ...]:
    msg = vector["message"]
    return (msg["tx_number_in_batch"], msg["sender"], h(msg["data"]))


def import_vector_root(net: Net, vector: dict[str, Any]) -> None:
    root = vector["interop_root"]
    net.import_root(net.b, root["block_number"], h(root["root"]))


def prove_log(net: Net, chain: int, batch: int, index: int, log: tuple[Any, ...], proof: list[bytes]) -> bool:
    out = net.b.call(L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, chain, batch, index, log, proof))
    return bool(decode(["bool"], out)[0])


def prove_message(net: Net, chain: int, batch: int, index: int, msg: tuple[Any, ...], proof: list[bytes]) -> bool:
    out = net.b.call(L2_MESSAGE_VERIFICATION, calldata(PROVE_MESSAGE, chain, batch, index, msg, proof))
    return bool(decode(["bool"], out)[0])


def accepted_log(net: Net, proof: list[bytes], **changes: Any) -> bool:
    """Whether the log vector, with ``changes``, verifies; a revert counts as a rejection."""
    v = LOG_VECTOR
    args = {"chain": v["source_chain_id"], "batch": v["source_batch_number"], "index": v["l2_message_index"]}
    args.update(changes)
    log = changes.get("log", log_tuple(v))
    try:
        return prove_log(net, args["chain"], args["batch"], args["index"], log, proof)
    except TransactionReverted:
        return False


def test_proveL2LogInclusionShared_accepts_the_double_proof_vector(net: Net) -> None:
    v = LOG_VECTOR
    proof = proof_of(v)
    assert not prove_log(
        net, v["source_chain_id"], v["source_batch_number"], v["l2_message_index"], log_tuple(v), proof
    )
    import_vector_root(net, v)
    assert prove_log(net, v["source_chain_id"], v["source_batch_number"], v["l2_message_index"], log_tuple(v), proof)
    leaf = keccak(
        bytes([0, 1]) + (0).to_bytes(2, "big") + h(v["log"]["sender"]) + h(v["log"]["key"]) + h(v["log"]["value"])
    )
    leaf_call = calldata(PROVE_LEAF, v["source_chain_id"], v["source_batch_number"], v["l2_message_index"], leaf, proof)
    assert decode(["bool"], net.b.call(L2_MESSAGE_VERIFICATION, leaf_call))[0] is True


def test_proveL2MessageInclusionShared_accepts_the_finalize_deposit_vector(net: Net) -> None:
    v = MESSAGE_VECTOR
    args = (v["source_chain_id"], v["source_batch_number"], v["l2_message_index"], message_tuple(v), proof_of(v))
    assert not prove_message(net, *args)
    import_vector_root(net, v)
    assert prove_message(net, *args)


def _mutations(proof: list[bytes], exhaustive: bool) -> list[tuple[int, int, int]]:
    """(word, byte, bit mask) to flip. Structural words (metadata, masks, settlement-layer words) always get
    every byte; hash words a sample of bytes unless ``exhaustive``."""
    structural = {0, 16, 23, 24, 25}
    out = []
    for i in range(len(proof)):
        every = exhaustive or i in structural
        for j in range(32) if every else (0, 1, 13, 31):
            bits = (0x01, 0x80) if exhaustive else (1 << ((i + j) % 8),)
            out.extend((i, j, bit) for bit in bits)
    return out


def _check_mutations(net: Net, exhaustive: bool) -> None:
    import_vector_root(net, LOG_VECTOR)
    proof = proof_of(LOG_VECTOR)
    for i, j, bit in _mutations(proof, exhaustive):
        mutated = list(proof)
        mutated[i] = proof[i][:j] + bytes([proof[i][j] ^ bit]) + proof[i][j + 1 :]
        assert not accepted_log(net, mutated), f"word {i} byte {j} ^ {bit:#x} still verifies"
    assert accepted_log(net, proof)


@pytest.mark.slow
def test_proveL2LogInclusionShared_rejects_single_bit_changes_of_the_proof(net: Net) -> None:
    _check_mutations(net, exhaustive=False)


@pytest.mark.slow
def test_proveL2LogInclusionShared_rejects_every_single_byte_change_of_the_proof(net: Net) -> None:
    _check_mutations(net, exhaustive=True)


def test_proveL2LogInclusionShared_rejects_changes_of_the_leaf_index_batch_and_chain(net: Net) -> None:
    import_vector_root(net, LOG_VECTOR)
    proof = proof_of(LOG_VECTOR)
    v = LOG_VECTOR
    for index in (0, 2, 3, v["l2_message_index"] + (1 << 13), (1 << 14) - 1):
        assert not accepted_log(net, proof, index=index)
    for batch in (0, v["source_batch_number"] - 1, v["source_batch_number"] + 1, v["source_batch_number"] ^ (1 << 200)):
        assert not accepted_log(net, proof, batch=batch)
    for chain in (v["source_chain_id"] + 1, GW_ID, 0):
        assert not accepted_log(net, proof, chain=chain)
    base = list(log_tuple(v))
    for field, value in (
        (0, 1),
        (1, False),
        (2, 1),
        (3, "0x0000000000000000000000000000000000008009"),
        (4, word(0x1000D)),
        (5, keccak(b"other")),
    ):
        changed = list(base)
        changed[field] = value
        assert not accepted_log(net, proof, log=tuple(changed)), f"log field {field} change still verifies"
    assert accepted_log(net, proof)


def test_proveL2MessageInclusionShared_rejects_changed_message_data_or_sender(net: Net) -> None:
    v = MESSAGE_VECTOR
    import_vector_root(net, v)
    tx, sender, data = message_tuple(v)
    head = (v["source_chain_id"], v["source_batch_number"], v["l2_message_index"])
    for msg in (
        (tx, sender, data[:-1] + bytes([data[-1] ^ 1])),
        (tx, sender, data + b"\x00"),
        (tx + 1, sender, data),
        (tx, "0x000000000000000000000000000000000001000d", data),
    ):
        assert not prove_message(net, *head, msg, proof_of(v))
    assert prove_message(net, *head, (tx, sender, data), proof_of(v))


def test_proveL2LogInclusionShared_reverts_when_a_path_is_one_word_short_or_long(net: Net) -> None:
    v = LOG_VECTOR
    import_vector_root(net, v)
    proof = proof_of(v)
    head = (v["source_chain_id"], v["source_batch_number"], v["l2_message_index"], log_tuple(v))
    # level-0 log path of 14 or 16 words (metadata says so, the words follow)
    short = [encode_proof_metadata(14, 6, False), *proof[1:15], *proof[16:]]
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, *head, short)) == error(
        "MerklePathLengthMismatch(uint256,uint256)", 14, 15
    )
    long = [encode_proof_metadata(16, 6, False), *proof[1:16], bytes(32), *proof[16:]]
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, *head, long)) == error(
        "MerklePathLengthMismatch(uint256,uint256)", 16, 15
    )
    # one extra word after the final node, or the last word missing
    extra = [*proof, bytes(32)]
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, *head, extra)) == error("InvalidProofFormat()")
    missing = proof[:-1]
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, *head, missing)) == error(
        "MerklePathOutOfBounds()"
    )
    truncated = proof[:20]
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, *head, truncated)) == error(
        "MerklePathOutOfBounds()"
    )


def test_proveL2LogInclusionShared_reverts_when_the_index_is_outside_the_log_tree(net: Net) -> None:
    v = LOG_VECTOR
    import_vector_root(net, v)
    for index in (1 << 14, (1 << 14) + v["l2_message_index"], 1 << 200):
        data = calldata(PROVE_LOG, v["source_chain_id"], v["source_batch_number"], index, log_tuple(v), proof_of(v))
        assert reverts(net.b, L2_MESSAGE_VERIFICATION, data) == error("MerkleIndexOutOfBounds()")


def test_proveL2LeafInclusionShared_reverts_when_the_proof_is_empty_or_the_leaf_is_the_empty_leaf(net: Net) -> None:
    v = LOG_VECTOR
    empty = calldata(PROVE_LEAF, v["source_chain_id"], v["source_batch_number"], 1, keccak(b"x"), [])
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, empty) == error("MerklePathEmpty()")
    default_leaf = keccak(bytes(88))
    data = calldata(PROVE_LEAF, v["source_chain_id"], v["source_batch_number"], 1, default_leaf, proof_of(v))
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, data) == error("HashedLogIsDefault()")


def test_proveL2LeafInclusionShared_rejects_an_inner_node_presented_as_a_leaf(net: Net) -> None:
    """P7: the parent of leaves 0 and 1 with the path above it is a 14-word log path: rejected."""
    v = LOG_VECTOR
    import_vector_root(net, v)
    proof = proof_of(v)
    leaf = keccak(bytes([0, 1, 0, 0]) + h(v["log"]["sender"]) + h(v["log"]["key"]) + h(v["log"]["value"]))
    inner = hash_pair(proof[1], leaf)  # leaf index 1: its sibling (word 1) is on the left
    forged = [encode_proof_metadata(14, 6, False), *proof[2:16], *proof[16:]]
    data = calldata(PROVE_LEAF, v["source_chain_id"], v["source_batch_number"], 0, inner, forged)
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, data) == error("MerklePathLengthMismatch(uint256,uint256)", 14, 15)
    padded = [encode_proof_metadata(15, 6, False), *proof[2:16], keccak(b"pad"), *proof[16:]]
    data = calldata(PROVE_LEAF, v["source_chain_id"], v["source_batch_number"], 0, inner, padded)
    assert decode(["bool"], net.b.call(L2_MESSAGE_VERIFICATION, data))[0] is False


def test_proveL2LeafInclusionShared_reverts_when_a_proof_recurses_twice(net: Net) -> None:
    """A level-1 proof that is not final would recurse a second time."""
    v = LOG_VECTOR
    import_vector_root(net, v)
    proof = proof_of(v)
    level0 = proof[:25]
    second = [encode_proof_metadata(1, 0, False), proof[26], word(0), word(1 << 128), word(GW_ID)]
    data = calldata(
        PROVE_LOG,
        v["source_chain_id"],
        v["source_batch_number"],
        v["l2_message_index"],
        log_tuple(v),
        [*level0, *second],
    )
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, data) == error("DepthMoreThanOneForRecursiveMerkleProof()")


def test_proveL2LeafInclusionShared_reverts_on_a_non_canonical_final_flag_or_version(net: Net) -> None:
    v = LOG_VECTOR
    import_vector_root(net, v)
    proof = proof_of(v)
    head = (v["source_chain_id"], v["source_batch_number"], v["l2_message_index"], log_tuple(v))
    flagged = list(proof)
    flagged[25] = bytes([1, 1, 0, 2]) + bytes(28)
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, *head, flagged)) == error("InvalidProofFormat()")
    versioned = list(proof)
    versioned[0] = bytes([2]) + proof[0][1:]
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, *head, versioned)) == error(
        "UnsupportedProofMetadataVersion(uint256)", 2
    )
    final_with_batch_path = list(proof)
    final_with_batch_path[0] = bytes([1, 15, 6, 1]) + bytes(28)
    assert reverts(net.b, L2_MESSAGE_VERIFICATION, calldata(PROVE_LOG, *head, final_with_batch_path)) == error(
        "InvalidProofLengthForFinalNode()"
    )


@pytest.mark.parametrize("batches_before", [0, 1, 4, 7])
def test_proveL2MessageInclusionShared_agrees_with_the_python_proof_builder(net: Net, batches_before: int) -> None:
    """Proofs built by zkconnect.protocol.merkle over chain trees of several sizes (incl. a one-leaf chain tree)."""
    chain_id, batch_number = 4242, batches_before + 1
    logs = [message_log(i, (0x5000 + i).to_bytes(20, "big"), b"m%d" % i) for i in range(5)]
    tree = LogTree(logs)
    root = batch_root(tree.root(), empty_multichain_batch_root(chain_id))
    chain_tree = DynamicIncrementalMerkle([keccak(b"b%d" % i) for i in range(batches_before)])
    leaf_index = chain_tree.push(batch_root_leaf(root, batch_number))
    shared = FullMerkle([chain_id_leaf(bytes(32), GW_ID), chain_id_leaf(chain_tree.root(), chain_id)])
    gw_block = 50_000 + batches_before
    built = build_gateway_interop_proof(
        logs=tree,
        leaf_index=3,
        chain_id=chain_id,
        batch_number=batch_number,
        chain_tree=chain_tree,
        batch_leaf_index=leaf_index,
        shared_tree=shared,
        chain_index=1,
        gateway_chain_id=GW_ID,
        gateway_block_number=gw_block,
    )
    net.import_root(net.b, gw_block, built.target.root)
    msg = (3, "0x" + (0x5003).to_bytes(20, "big").hex(), b"m3")
    assert prove_message(net, chain_id, batch_number, 3, msg, list(built.proof))
    assert not prove_message(net, chain_id, batch_number, 2, msg, list(built.proof))
