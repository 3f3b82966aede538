"""zkconnect.protocol.merkle: trees, proof format, builders and the verifier twin.

Golden data: the two real era-contracts proof vectors in tests/vectors/era-proof-vectors.json.
Adversarial rows covered: P5 (single-bit flips), P6 (path length / index bounds), P7 (inner
node as a leaf).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from eth_abi.packed import encode_packed
from eth_utils.crypto import keccak as reference_keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from zkconnect.errors import EncodingError, InteropError, MerkleIndexError, ProofFormatError
from zkconnect.protocol import merkle
from zkconnect.protocol.merkle import (
    BATCH_LEAF_PADDING,
    CHAIN_ID_LEAF_PADDING,
    CHAIN_TREE_EMPTY_ENTRY_HASH,
    DEFAULT_LOG_LEAF,
    L2_L1_LOGS_TREE_HEIGHT,
    L2_L1_LOGS_TREE_SIZE,
    LOG_TREE_ZEROS,
    ZERO_HASH,
    DynamicIncrementalMerkle,
    FullMerkle,
    L2ToL1Log,
    LogTree,
    ProofMetadata,
    ProofTarget,
    batch_root,
    batch_root_leaf,
    build_direct_l1_proof,
    build_gateway_interop_proof,
    build_gateway_l1_proof,
    chain_id_leaf,
    decode_proof_metadata,
    empty_multichain_batch_root,
    encode_proof_metadata,
    hash_pair,
    keccak,
    message_log,
    resolve_message_proof,
    root_from_path,
    verify_message_proof,
)

VECTOR_FILE = Path(__file__).parents[1] / "vectors" / "era-proof-vectors.json"
VECTOR_DATA = json.loads(VECTOR_FILE.read_text())


def _b(hex_string: str) -> bytes:
    return bytes.fromhex(hex_string.removeprefix("0x"))


def _flip(word: bytes, bit: int) -> bytes:
    value = int.from_bytes(word, "big") ^ (1 << bit)
    return value.to_bytes(len(word), "big")


@dataclass(frozen=True)
class Case:
    """Everything one verification needs."""

    chain_id: int
    batch_number: int
    index: int
    leaf: bytes
    proof: tuple[bytes, ...]
    roots: dict[tuple[int, int], bytes]

    def lookup(self, chain_id: int, number: int) -> bytes | None:
        return self.roots.get((chain_id, number))

    def verify(self, *, strict: bool = True, **changes: Any) -> bool:
        case = replace(self, **changes)
        return verify_message_proof(
            case.chain_id, case.batch_number, case.index, case.leaf, case.proof, self.lookup, strict=strict
        )

    def resolve(self, *, strict: bool = True, **changes: Any) -> ProofTarget:
        case = replace(self, **changes)
        return resolve_message_proof(case.chain_id, case.batch_number, case.index, case.leaf, case.proof, strict=strict)


def _vector_case(vector: dict[str, object]) -> Case:
    if "log" in vector:
        log = vector["log"]
        assert isinstance(log, dict)
        leaf = L2ToL1Log(
            l2_shard_id=log["shard_id"],
            is_service=log["is_service"],
            tx_number_in_batch=log["tx_number_in_batch"],
            sender=log["sender"],
            key=_b(log["key"]),
            value=_b(log["value"]),
        ).leaf_hash()
    else:
        message = vector["message"]
        assert isinstance(message, dict)
        leaf = message_log(message["tx_number_in_batch"], message["sender"], _b(message["data"])).leaf_hash()
    root = vector["interop_root"]
    assert isinstance(root, dict)
    proof = vector["proof"]
    assert isinstance(proof, list)
    return Case(
        chain_id=int(str(vector["source_chain_id"])),
        batch_number=int(str(vector["source_batch_number"])),
        index=int(str(vector["l2_message_index"])),
        leaf=leaf,
        proof=tuple(_b(word) for word in proof),
        roots={(root["chain_id"], root["block_number"]): _b(root["root"])},
    )


VECTOR_CASES = {vector["name"]: _vector_case(vector) for vector in VECTOR_DATA["vectors"]}
DOUBLE_PROOF = VECTOR_CASES["double_proof_leaf_level"]
FINALIZE_DEPOSIT = VECTOR_CASES["message_inclusion_finalize_deposit"]


def _zeros(zero: bytes, count: int) -> list[bytes]:
    ladder = [zero]
    while len(ladder) < count:
        ladder.append(reference_keccak(ladder[-1] + ladder[-1]))
    return ladder


def _naive_padded_root(leaves: list[bytes], zero: bytes) -> bytes:
    """Pad to a power of two with ``zero`` and hash pairwise: the documented tree shape."""
    height = math.ceil(math.log2(len(leaves))) if len(leaves) > 1 else 0
    level = leaves + [zero] * ((1 << height) - len(leaves))
    while len(level) > 1:
        level = [reference_keccak(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def _leaves(count: int, tag: bytes = b"leaf") -> list[bytes]:
    return [reference_keccak(tag + i.to_bytes(4, "big")) for i in range(count)]


# --------------------------------------------------------------------------------------------
# Constants and leaf hashes
# --------------------------------------------------------------------------------------------


def test_keccak_matches_eth_utils() -> None:
    for data in (b"", b"abc", bytes(88), bytes(range(256))):
        assert keccak(data) == reference_keccak(data)


def test_constants_match_vector_file_and_spec() -> None:
    constants = VECTOR_DATA["constants"]
    assert _b(constants["L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH"]) == DEFAULT_LOG_LEAF
    assert _b(constants["CHAIN_TREE_EMPTY_ENTRY_HASH"]) == CHAIN_TREE_EMPTY_ENTRY_HASH
    assert reference_keccak(text="zkSync:BatchLeaf") == BATCH_LEAF_PADDING
    assert reference_keccak(text="zkSync:ChainIdLeaf") == CHAIN_ID_LEAF_PADDING
    assert L2_L1_LOGS_TREE_SIZE == 2**L2_L1_LOGS_TREE_HEIGHT == 16384
    assert LOG_TREE_ZEROS[0] == DEFAULT_LOG_LEAF
    assert list(LOG_TREE_ZEROS) == _zeros(DEFAULT_LOG_LEAF, 15)


def test_log_leaf_hash_is_keccak_of_88_packed_bytes() -> None:
    log = L2ToL1Log(
        l2_shard_id=0,
        is_service=True,
        tx_number_in_batch=513,
        sender="0x0000000000000000000000000000000000008008",
        key=bytes(31) + b"\x07",
        value=reference_keccak(b"payload"),
    )
    packed = encode_packed(
        ["uint8", "bool", "uint16", "address", "bytes32", "bytes32"],
        [0, True, 513, log.sender, log.key, log.value],
    )
    assert len(packed) == 88
    assert log.encode_packed() == packed
    assert log.leaf_hash() == reference_keccak(packed)


def test_message_log_follows_l1_messenger_rules() -> None:
    sender = "0x0000000000000000000000000000000000010003"
    log = message_log(14, sender, b"hello")
    assert log.l2_shard_id == 0 and log.is_service is True and log.tx_number_in_batch == 14
    assert log.sender == "0x0000000000000000000000000000000000008008"
    assert log.key == bytes(12) + _b(sender)
    assert log.value == reference_keccak(b"hello")


def test_l2_to_l1_log_rejects_when_fields_out_of_range() -> None:
    good: dict[str, Any] = {
        "l2_shard_id": 0,
        "is_service": True,
        "tx_number_in_batch": 0,
        "sender": "0x" + "11" * 20,
        "key": bytes(32),
        "value": bytes(32),
    }
    for field, bad in [
        ("l2_shard_id", 256),
        ("tx_number_in_batch", 65536),
        ("key", bytes(31)),
        ("value", b""),
        ("sender", "0x1234"),
        ("is_service", 1),
    ]:
        with pytest.raises(EncodingError):
            L2ToL1Log(**{**good, field: bad})


def test_batch_and_chain_leaves_match_spec_formulas() -> None:
    root = reference_keccak(b"root")
    assert batch_root_leaf(root, 66) == reference_keccak(
        encode_packed(["bytes32", "bytes32", "uint256"], [BATCH_LEAF_PADDING, root, 66])
    )
    assert chain_id_leaf(root, 271) == reference_keccak(
        encode_packed(["bytes32", "bytes32", "uint256"], [CHAIN_ID_LEAF_PADDING, root, 271])
    )
    local, aggregated = reference_keccak(b"l"), reference_keccak(b"a")
    assert batch_root(local, aggregated) == reference_keccak(local + aggregated)
    assert empty_multichain_batch_root(271) == reference_keccak(
        CHAIN_ID_LEAF_PADDING + bytes(32) + (271).to_bytes(32, "big")
    )


# --------------------------------------------------------------------------------------------
# Real vectors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VECTOR_CASES))
def test_real_vector_verifies(name: str) -> None:
    case = VECTOR_CASES[name]
    assert case.verify()
    assert case.verify(strict=False)
    ((sl_chain, sl_block), root) = next(iter(case.roots.items()))
    assert case.resolve() == ProofTarget(chain_id=sl_chain, number=sl_block, root=root)


@pytest.mark.parametrize("name", sorted(VECTOR_CASES))
def test_vector_15th_log_path_word_is_empty_multichain_root(name: str) -> None:
    case = VECTOR_CASES[name]
    assert case.proof[15] == empty_multichain_batch_root(271) == empty_multichain_batch_root(case.chain_id)


def test_vector_metadata_words_decode_as_documented() -> None:
    proof = DOUBLE_PROOF.proof
    assert decode_proof_metadata(proof[0]) == ProofMetadata(15, 6, False)
    assert int.from_bytes(proof[16], "big") == 52
    packed = int.from_bytes(proof[23], "big")
    assert (packed >> 128, packed & (2**128 - 1)) == (243, 1)
    assert int.from_bytes(proof[24], "big") == 506
    assert decode_proof_metadata(proof[25]) == ProofMetadata(1, 0, True)
    assert encode_proof_metadata(15, 6, False) == proof[0]
    assert ProofMetadata(1, 0, True).encode() == proof[25]


def test_vector_padding_words_follow_zero_rules() -> None:
    log_path = DOUBLE_PROOF.proof[1:15]
    assert log_path[2:] == tuple(LOG_TREE_ZEROS[2:14])
    chain_path = DOUBLE_PROOF.proof[17:23]
    zeros = _zeros(CHAIN_TREE_EMPTY_ENTRY_HASH, 6)
    # Batch leaf 52 of a 53-leaf chain tree: right siblings at levels 0, 1 and 3 are empty.
    assert [chain_path[level] for level in (0, 1, 3)] == [zeros[0], zeros[1], zeros[3]]


# --------------------------------------------------------------------------------------------
# P5: every single-bit change is rejected (exhaustive on the real vectors)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VECTOR_CASES))
def test_verify_rejects_when_any_proof_bit_flips(name: str) -> None:
    case = VECTOR_CASES[name]
    for position, word in enumerate(case.proof):
        for bit in range(256):
            mutated = (*case.proof[:position], _flip(word, bit), *case.proof[position + 1 :])
            assert not case.verify(proof=mutated), (position, bit)
    assert case.verify()


@pytest.mark.parametrize("name", sorted(VECTOR_CASES))
def test_verify_rejects_when_leaf_index_or_batch_bit_flips(name: str) -> None:
    case = VECTOR_CASES[name]
    for bit in range(256):
        assert not case.verify(leaf=_flip(case.leaf, bit)), ("leaf", bit)
        assert not case.verify(index=case.index ^ (1 << bit)), ("index", bit)
        assert not case.verify(batch_number=case.batch_number ^ (1 << bit)), ("batch", bit)
        assert not case.verify(chain_id=case.chain_id ^ (1 << bit)), ("chain", bit)
    assert case.verify()


def test_non_strict_mode_keeps_solidity_leniency_for_final_byte() -> None:
    # era-contracts reads any non-zero byte 3 as "final"; strict mode insists on 0x01.
    level1 = 25
    word = DOUBLE_PROOF.proof[level1]
    lenient = word[:3] + b"\x03" + word[4:]
    proof = (*DOUBLE_PROOF.proof[:level1], lenient, *DOUBLE_PROOF.proof[level1 + 1 :])
    assert DOUBLE_PROOF.verify(proof=proof, strict=False)
    assert not DOUBLE_PROOF.verify(proof=proof)
    with pytest.raises(ProofFormatError) as info:
        DOUBLE_PROOF.resolve(proof=proof)
    assert info.value.code == "NonCanonicalFinalProofNode"


# --------------------------------------------------------------------------------------------
# Malformed proofs (P6 and the format rules)
# --------------------------------------------------------------------------------------------


def _code(case: Case, strict: bool = True, **changes: Any) -> str:
    with pytest.raises(ProofFormatError) as info:
        case.resolve(strict=strict, **changes)
    assert not case.verify(strict=strict, **changes)
    return info.value.code


def _with_words(proof: tuple[bytes, ...], start: int, stop: int, words: tuple[bytes, ...]) -> tuple[bytes, ...]:
    return proof[:start] + words + proof[stop:]


def test_resolve_rejects_when_log_path_one_word_short() -> None:
    proof = DOUBLE_PROOF.proof
    shorter = _with_words(proof, 0, 2, (encode_proof_metadata(14, 6, False),))
    assert _code(DOUBLE_PROOF, proof=shorter) == "LogProofLengthMismatch"
    assert not DOUBLE_PROOF.verify(proof=shorter, strict=False)


def test_resolve_rejects_when_log_path_one_word_long() -> None:
    proof = DOUBLE_PROOF.proof
    longer = _with_words(proof, 0, 1, (encode_proof_metadata(16, 6, False), LOG_TREE_ZEROS[0]))
    assert _code(DOUBLE_PROOF, proof=longer) == "LogProofLengthMismatch"
    assert not DOUBLE_PROOF.verify(proof=longer, strict=False)


def test_resolve_rejects_when_chain_path_one_word_short() -> None:
    proof = DOUBLE_PROOF.proof
    shorter = _with_words(proof, 0, 1, (encode_proof_metadata(15, 5, False),))
    shorter = shorter[:17] + shorter[18:]
    assert _code(DOUBLE_PROOF, proof=shorter) == "MerkleIndexOutOfBounds"  # mask 52 needs 6 levels


def test_verify_rejects_when_chain_path_one_word_long() -> None:
    proof = DOUBLE_PROOF.proof
    longer = _with_words(proof, 0, 1, (encode_proof_metadata(15, 7, False),))
    longer = (*longer[:23], CHAIN_TREE_EMPTY_ENTRY_HASH, *longer[23:])
    assert not DOUBLE_PROOF.verify(proof=longer)
    assert not DOUBLE_PROOF.verify(proof=longer, strict=False)


def test_resolve_rejects_when_shared_path_one_word_short() -> None:
    shorter = (*DOUBLE_PROOF.proof[:25], encode_proof_metadata(0, 0, True))
    assert _code(DOUBLE_PROOF, proof=shorter) == "MerkleIndexOutOfBounds"  # chain index 1 needs a level


def test_verify_rejects_when_shared_path_one_word_long() -> None:
    longer = (*DOUBLE_PROOF.proof[:25], encode_proof_metadata(2, 0, True), DOUBLE_PROOF.proof[26], ZERO_HASH)
    assert not DOUBLE_PROOF.verify(proof=longer)


def test_resolve_rejects_when_leaf_index_at_or_beyond_two_to_the_path_length() -> None:
    assert _code(DOUBLE_PROOF, index=2**15) == "MerkleIndexOutOfBounds"
    assert _code(DOUBLE_PROOF, index=2**256 - 1) == "MerkleIndexOutOfBounds"
    assert _code(DOUBLE_PROOF, index=-1) == "MerkleIndexOutOfBounds"


def test_resolve_rejects_when_batch_leaf_mask_beyond_chain_path() -> None:
    proof = _with_words(DOUBLE_PROOF.proof, 16, 17, ((64).to_bytes(32, "big"),))
    assert _code(DOUBLE_PROOF, proof=proof) == "MerkleIndexOutOfBounds"


def test_root_from_path_rejects_when_index_at_or_beyond_two_to_the_height() -> None:
    path = _leaves(3)
    for index in range(8):
        root_from_path(DEFAULT_LOG_LEAF, path, index)
    for index in (8, 9, 2**100, -1):
        with pytest.raises(ProofFormatError) as info:
            root_from_path(DEFAULT_LOG_LEAF, path, index)
        assert info.value.code == "MerkleIndexOutOfBounds"
    assert root_from_path(DEFAULT_LOG_LEAF, [], 0) == DEFAULT_LOG_LEAF


def test_root_from_path_rejects_when_path_has_256_words() -> None:
    with pytest.raises(ProofFormatError) as info:
        root_from_path(ZERO_HASH, [ZERO_HASH] * 256, 0)
    assert info.value.code == "MerklePathOutOfBounds"


def test_resolve_rejects_when_recursion_deeper_than_one() -> None:
    proof = DOUBLE_PROOF.proof
    deeper = (*proof[:25], encode_proof_metadata(1, 0, False), proof[26], ZERO_HASH, ZERO_HASH, ZERO_HASH)
    assert _code(DOUBLE_PROOF, proof=deeper) == "DepthMoreThanOneForRecursiveMerkleProof"
    assert _code(DOUBLE_PROOF, proof=deeper, strict=False) == "DepthMoreThanOneForRecursiveMerkleProof"


def test_decode_proof_metadata_rejects_when_final_node_has_batch_proof() -> None:
    word = bytes((1, 15, 6, 1)) + bytes(28)
    for strict in (True, False):
        with pytest.raises(ProofFormatError) as info:
            decode_proof_metadata(word, strict=strict)
        assert info.value.code == "InvalidProofLengthForFinalNode"
    with pytest.raises(ProofFormatError):
        encode_proof_metadata(15, 6, True)


def test_decode_proof_metadata_rejects_when_version_not_one() -> None:
    for version in (0, 2, 255):
        with pytest.raises(ProofFormatError) as info:
            decode_proof_metadata(bytes((version, 15, 0, 1)) + bytes(28))
        assert info.value.code == "UnsupportedProofMetadataVersion"


def test_decode_proof_metadata_treats_nonzero_reserved_bytes_as_legacy() -> None:
    for position in range(4, 32):
        word = bytearray(encode_proof_metadata(15, 0, True))
        word[position] = 1
        assert decode_proof_metadata(bytes(word)) is None


def test_resolve_rejects_when_metadata_reserved_bytes_nonzero() -> None:
    word = bytearray(DOUBLE_PROOF.proof[0])
    word[31] = 1
    proof = (bytes(word), *DOUBLE_PROOF.proof[1:])
    assert _code(DOUBLE_PROOF, proof=proof) == "LegacyProofFormat"
    # Solidity's reading: a 27-word legacy path that ends at no stored root.
    assert not DOUBLE_PROOF.verify(proof=proof, strict=False)


def test_resolve_accepts_legacy_plain_path_only_when_not_strict() -> None:
    logs = [message_log(i, "0x" + "22" * 20, b"m%d" % i) for i in range(5)]
    built = build_direct_l1_proof(logs=logs, leaf_index=3, aggregated_root=ZERO_HASH, chain_id=9, batch_number=4)
    legacy = built.proof[1:]
    leaf = logs[3].leaf_hash()
    assert resolve_message_proof(9, 4, 3, leaf, legacy, strict=False) == built.target
    with pytest.raises(ProofFormatError) as info:
        resolve_message_proof(9, 4, 3, leaf, legacy)
    assert info.value.code == "LegacyProofFormat"


def test_resolve_rejects_when_words_trail_the_final_node() -> None:
    proof = (*DOUBLE_PROOF.proof, ZERO_HASH)
    assert _code(DOUBLE_PROOF, proof=proof) == "TrailingProofWords"
    assert DOUBLE_PROOF.verify(proof=proof, strict=False)  # era-contracts ignores them


def test_resolve_rejects_when_proof_empty() -> None:
    assert _code(DOUBLE_PROOF, proof=()) == "MerklePathEmpty"
    assert _code(DOUBLE_PROOF, proof=DOUBLE_PROOF.proof[:25]) == "MerklePathEmpty"


def test_resolve_rejects_when_proof_truncated() -> None:
    for length in (1, 10, 16, 20, 23, 24):
        assert _code(DOUBLE_PROOF, proof=DOUBLE_PROOF.proof[:length]) == "ProofTooShort", length


def test_resolve_rejects_when_leaf_is_the_default_log_leaf() -> None:
    assert _code(DOUBLE_PROOF, leaf=DEFAULT_LOG_LEAF) == "HashedLogIsDefault"


def test_resolve_rejects_when_a_word_is_not_32_bytes() -> None:
    proof = (*DOUBLE_PROOF.proof[:5], DOUBLE_PROOF.proof[5][:31], *DOUBLE_PROOF.proof[6:])
    assert _code(DOUBLE_PROOF, proof=proof) == "InvalidProofWord"


def test_verify_rejects_when_stored_root_missing_or_zero() -> None:
    case = DOUBLE_PROOF
    args = (case.chain_id, case.batch_number, case.index, case.leaf, case.proof)
    assert not verify_message_proof(*args, lambda chain, number: None)
    assert not verify_message_proof(*args, lambda chain, number: ZERO_HASH)
    assert verify_message_proof(*args, case.lookup)


# --------------------------------------------------------------------------------------------
# P7: an inner node submitted as a leaf
# --------------------------------------------------------------------------------------------


def test_verify_rejects_when_inner_node_is_submitted_as_message_leaf() -> None:
    """Domain separation: a log leaf is keccak of an 88-byte packed log, inner nodes are keccak
    of 64 bytes, and chain-tree / shared-tree leaves are keccak of 96 bytes that start with a
    padding constant. A message can only reach the tree through ``message_log`` (88 bytes,
    ``value = keccak(data)``), so no message hashes to an inner node without a keccak
    collision; a raw 32-byte leaf hash at a shorter path is stopped by the fixed 15-word log
    path (strict mode).
    """
    sender = "0x" + "33" * 20
    logs = [message_log(i, sender, b"msg-%d" % i) for i in range(4)]
    tree = LogTree(logs)
    inner = hash_pair(logs[0].leaf_hash(), logs[1].leaf_hash())
    built = build_direct_l1_proof(logs=tree, leaf_index=0, aggregated_root=ZERO_HASH, chain_id=5, batch_number=1)
    roots = {(5, 1): built.target.root}

    def lookup(chain: int, number: int) -> bytes | None:
        return roots.get((chain, number))

    assert verify_message_proof(5, 1, 0, logs[0], built.proof, lookup)
    short_path = (encode_proof_metadata(14, 0, True), *built.proof[2:])
    # As a message: the data is the 64-byte preimage; its leaf is an 88-byte hash, not `inner`.
    forged = message_log(0, sender, logs[0].leaf_hash() + logs[1].leaf_hash())
    assert forged.leaf_hash() != inner
    assert len(forged.encode_packed()) == 88
    for strict in (True, False):
        assert not verify_message_proof(5, 1, 0, forged, short_path, lookup, strict=strict)
    # As a raw leaf hash: the one-level-up path is one word short of the log tree's height.
    with pytest.raises(ProofFormatError) as info:
        resolve_message_proof(5, 1, 0, inner, short_path)
    assert info.value.code == "LogProofLengthMismatch"
    assert not verify_message_proof(5, 1, 0, inner, short_path, lookup)
    # Solidity's own reading (strict=False) has no such pin: raw leaf hashes are trusted input.
    assert verify_message_proof(5, 1, 0, inner, short_path, lookup, strict=False)


def test_chain_tree_inner_node_cannot_pose_as_batch_leaf() -> None:
    leaves = [batch_root_leaf(reference_keccak(b"b%d" % n), n) for n in range(4)]
    tree = DynamicIncrementalMerkle(leaves)
    inner = hash_pair(leaves[0], leaves[1])
    # A batch leaf is rebuilt from (batch root, number) with a 96-byte padded preimage.
    assert all(batch_root_leaf(candidate, n) != inner for candidate in leaves for n in range(4))
    assert root_from_path(inner, tree.proof(0)[1:], 0) == tree.root()  # why the rebuild matters


# --------------------------------------------------------------------------------------------
# Trees
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", range(41))
def test_dynamic_incremental_merkle_follows_documented_rules(count: int) -> None:
    leaves = _leaves(count)
    tree = DynamicIncrementalMerkle()
    for index, leaf in enumerate(leaves):
        assert tree.push(leaf) == index
    assert len(tree) == count
    assert tree.height == (math.ceil(math.log2(count)) if count > 1 else 0)
    if count == 0:
        assert tree.root() == ZERO_HASH
    elif count == 1:
        assert tree.root() == leaves[0]
    else:
        assert tree.root() == _naive_padded_root(leaves, CHAIN_TREE_EMPTY_ENTRY_HASH)
    for index, leaf in enumerate(leaves):
        path = tree.proof(index)
        assert len(path) == tree.height
        assert root_from_path(leaf, path, index) == tree.root()
    assert DynamicIncrementalMerkle(leaves).root() == tree.root()


@pytest.mark.parametrize("count", range(41))
def test_full_merkle_follows_documented_rules(count: int) -> None:
    leaves = _leaves(count, b"chain")
    tree = FullMerkle(leaves)
    if count == 0:
        assert tree.root() == CHAIN_TREE_EMPTY_ENTRY_HASH
    elif count == 1:
        assert tree.root() == leaves[0]
    else:
        assert tree.root() == _naive_padded_root(leaves, CHAIN_TREE_EMPTY_ENTRY_HASH)
    for index, leaf in enumerate(leaves):
        assert root_from_path(leaf, tree.proof(index), index) == tree.root()


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 70), updates=st.lists(st.tuples(st.integers(0, 69), st.binary(min_size=32, max_size=32))))
def test_full_merkle_set_matches_rebuild(count: int, updates: list[tuple[int, bytes]]) -> None:
    leaves = _leaves(count)
    tree = FullMerkle(leaves)
    for index, leaf in updates:
        if index >= count:
            continue
        leaves[index] = leaf
        assert tree.set(index, leaf) == tree.root()
    expected = leaves[0] if count == 1 else _naive_padded_root(leaves, CHAIN_TREE_EMPTY_ENTRY_HASH)
    assert tree.root() == expected
    assert tree.leaves == tuple(leaves)


def test_full_merkle_set_rejects_when_index_not_pushed() -> None:
    tree = FullMerkle(_leaves(3))
    with pytest.raises(MerkleIndexError):
        tree.set(3, ZERO_HASH)


def test_tree_proof_rejects_when_index_out_of_range() -> None:
    for tree in (DynamicIncrementalMerkle(_leaves(5)), FullMerkle(_leaves(5))):
        for index in (5, -1):
            with pytest.raises(MerkleIndexError):
                tree.proof(index)
    with pytest.raises(MerkleIndexError):
        DynamicIncrementalMerkle().proof(0)


def test_tree_push_rejects_when_leaf_not_32_bytes() -> None:
    with pytest.raises(EncodingError):
        DynamicIncrementalMerkle().push(b"short")


def test_tree_copy_is_independent() -> None:
    chain = DynamicIncrementalMerkle(_leaves(5))
    shared = FullMerkle(_leaves(3))
    chain_copy, shared_copy = chain.copy(), shared.copy()
    assert type(chain_copy) is DynamicIncrementalMerkle and type(shared_copy) is FullMerkle
    before = (chain.root(), shared.root())
    chain.push(ZERO_HASH)
    shared.set(1, ZERO_HASH)
    shared.push(ZERO_HASH)
    assert (chain_copy.root(), shared_copy.root()) == before
    assert len(chain_copy) == 5 and len(shared_copy) == 3
    chain_copy.push(ZERO_HASH)
    assert chain_copy.root() == chain.root()


def _naive_log_root(leaves: list[bytes]) -> bytes:
    level = leaves + [DEFAULT_LOG_LEAF] * (L2_L1_LOGS_TREE_SIZE - len(leaves))
    while len(level) > 1:
        level = [reference_keccak(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7, 33])
def test_log_tree_matches_full_16384_leaf_computation(count: int) -> None:
    leaves = _leaves(count, b"log")
    tree = LogTree(leaves)
    assert tree.root() == _naive_log_root(leaves)
    for index in {*range(count), count, L2_L1_LOGS_TREE_SIZE - 1}:
        path = tree.path(index)
        assert len(path) == 14
        leaf = leaves[index] if index < count else DEFAULT_LOG_LEAF
        assert root_from_path(leaf, path, index) == tree.root()
    assert merkle.log_tree_root(leaves) == tree.root()


def test_log_tree_of_three_leaves_costs_tens_of_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    original = merkle.hash_pair

    def counting(left: bytes, right: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return original(left, right)

    monkeypatch.setattr(merkle, "hash_pair", counting)
    tree = LogTree(_leaves(3, b"log"))
    tree.root()
    tree.path(2)
    assert calls <= 20


def test_log_tree_rejects_when_more_than_16384_leaves() -> None:
    with pytest.raises(MerkleIndexError):
        LogTree([DEFAULT_LOG_LEAF] * (L2_L1_LOGS_TREE_SIZE + 1))
    with pytest.raises(MerkleIndexError):
        LogTree([]).path(L2_L1_LOGS_TREE_SIZE)


# --------------------------------------------------------------------------------------------
# Builders against the verifier, on random trees
# --------------------------------------------------------------------------------------------


@dataclass
class Scenario:
    chain_id: int
    batch_number: int
    logs: list[L2ToL1Log]
    leaf_index: int
    chain_tree: DynamicIncrementalMerkle
    batch_leaf_index: int
    shared_tree: FullMerkle
    chain_index: int


GATEWAY = 506


def _scenario(n_logs: int, leaf_index: int, prior_batches: int, n_chains: int, chain_index: int) -> Scenario:
    chain_id = 271
    batch_number = prior_batches + 1
    sender = "0x000000000000000000000000000000000001000d"
    logs = [message_log(i, sender, b"bundle-%d" % i) for i in range(n_logs)]
    tree = LogTree(logs)
    root = batch_root(tree.root(), empty_multichain_batch_root(chain_id))
    chain_tree = DynamicIncrementalMerkle(_leaves(prior_batches, b"batch"))
    batch_leaf_index = chain_tree.push(batch_root_leaf(root, batch_number))
    shared_tree = FullMerkle(_leaves(n_chains, b"chain"))
    shared_tree.set(chain_index, chain_id_leaf(chain_tree.root(), chain_id))
    return Scenario(chain_id, batch_number, logs, leaf_index, chain_tree, batch_leaf_index, shared_tree, chain_index)


scenarios = st.integers(1, 40).flatmap(
    lambda n_logs: st.integers(1, 12).flatmap(
        lambda n_chains: st.builds(
            _scenario,
            st.just(n_logs),
            st.integers(0, n_logs - 1),
            st.integers(0, 70),
            st.just(n_chains),
            st.integers(0, n_chains - 1),
        )
    )
)


def _gateway_kwargs(s: Scenario) -> dict[str, Any]:
    return {
        "logs": s.logs,
        "leaf_index": s.leaf_index,
        "chain_id": s.chain_id,
        "batch_number": s.batch_number,
        "chain_tree": s.chain_tree,
        "batch_leaf_index": s.batch_leaf_index,
        "shared_tree": s.shared_tree,
        "chain_index": s.chain_index,
        "gateway_chain_id": GATEWAY,
    }


def _built_cases(s: Scenario, gw_block: int, gw_batch: int) -> list[Case]:
    leaf = s.logs[s.leaf_index].leaf_hash()
    interop = build_gateway_interop_proof(**_gateway_kwargs(s), gateway_block_number=gw_block)
    gw_local = reference_keccak(b"gateway local logs")
    to_l1 = build_gateway_l1_proof(
        **_gateway_kwargs(s),
        gateway_batch_number=gw_batch,
        gateway_local_logs_root=gw_local,
    )
    direct = build_direct_l1_proof(
        logs=s.logs,
        leaf_index=s.leaf_index,
        aggregated_root=empty_multichain_batch_root(s.chain_id),
        chain_id=s.chain_id,
        batch_number=s.batch_number,
    )
    assert interop.target == ProofTarget(GATEWAY, gw_block, s.shared_tree.root())
    assert to_l1.target == ProofTarget(GATEWAY, gw_batch, batch_root(gw_local, s.shared_tree.root()))
    return [
        Case(s.chain_id, s.batch_number, s.leaf_index, leaf, built.proof, {key: built.target.root})
        for built, key in (
            (interop, (GATEWAY, gw_block)),
            (to_l1, (GATEWAY, gw_batch)),
            (direct, (s.chain_id, s.batch_number)),
        )
    ]


@settings(max_examples=40, deadline=None)
@given(scenario=scenarios, gw_block=st.integers(1, 2**64), gw_batch=st.integers(1, 2**64))
def test_built_proofs_verify_on_random_trees(scenario: Scenario, gw_block: int, gw_batch: int) -> None:
    for case in _built_cases(scenario, gw_block, gw_batch):
        assert case.verify()
        assert case.verify(strict=False)
        assert len(case.proof) >= 16


@settings(max_examples=150, deadline=None)
@given(scenario=scenarios, variant=st.integers(0, 2), data=st.data())
def test_verify_rejects_when_a_random_bit_flips_in_a_built_proof(
    scenario: Scenario, variant: int, data: st.DataObject
) -> None:
    case = _built_cases(scenario, 243, 17)[variant]
    target = data.draw(st.sampled_from(["proof", "leaf", "index", "batch"]))
    bit = data.draw(st.integers(0, 255))
    if target == "proof":
        position = data.draw(st.integers(0, len(case.proof) - 1))
        mutated = (*case.proof[:position], _flip(case.proof[position], bit), *case.proof[position + 1 :])
        assert not case.verify(proof=mutated)
    elif target == "leaf":
        assert not case.verify(leaf=_flip(case.leaf, bit))
    elif target == "index":
        assert not case.verify(index=case.index ^ (1 << bit))
    else:
        assert not case.verify(batch_number=case.batch_number ^ (1 << bit))
    assert case.verify()


def test_built_interop_proof_has_the_vector_layout() -> None:
    s = _scenario(n_logs=3, leaf_index=1, prior_batches=52, n_chains=2, chain_index=1)
    built = build_gateway_interop_proof(**_gateway_kwargs(s), gateway_block_number=243)
    proof = built.proof
    assert len(proof) == len(DOUBLE_PROOF.proof) == 27
    assert proof[0] == DOUBLE_PROOF.proof[0]
    assert proof[15] == DOUBLE_PROOF.proof[15]
    assert proof[16] == DOUBLE_PROOF.proof[16]  # batch leaf 52
    assert proof[23:26] == DOUBLE_PROOF.proof[23:26]  # packed (243 << 128) | 1, chain 506, level-1 metadata


def test_built_l1_proof_sets_the_aggregated_root_bit_in_the_mask() -> None:
    s = _scenario(n_logs=2, leaf_index=0, prior_batches=3, n_chains=5, chain_index=3)
    built = build_gateway_l1_proof(
        **_gateway_kwargs(s),
        gateway_batch_number=9,
        gateway_local_logs_root=reference_keccak(b"gw"),
    )
    packed_position = 1 + 15 + 1 + s.chain_tree.height
    packed = int.from_bytes(built.proof[packed_position], "big")
    assert packed >> 128 == 9
    assert packed & (2**128 - 1) == 3 | (1 << s.shared_tree.height)
    assert built.proof[-1] == reference_keccak(b"gw")


def test_build_gateway_proof_rejects_when_chain_tree_lacks_the_batch() -> None:
    s = _scenario(n_logs=2, leaf_index=0, prior_batches=3, n_chains=2, chain_index=0)
    kwargs = _gateway_kwargs(s)
    with pytest.raises(InteropError):
        build_gateway_interop_proof(**{**kwargs, "batch_number": 99}, gateway_block_number=1)
    with pytest.raises(InteropError):
        build_gateway_interop_proof(**{**kwargs, "batch_leaf_index": 0}, gateway_block_number=1)


def test_build_gateway_proof_rejects_when_shared_tree_is_stale() -> None:
    s = _scenario(n_logs=2, leaf_index=0, prior_batches=3, n_chains=2, chain_index=1)
    stale = FullMerkle(_leaves(2, b"chain"))
    with pytest.raises(InteropError):
        build_gateway_interop_proof(**{**_gateway_kwargs(s), "shared_tree": stale}, gateway_block_number=1)


def test_build_proof_rejects_when_leaf_index_beyond_the_batch() -> None:
    s = _scenario(n_logs=2, leaf_index=0, prior_batches=0, n_chains=1, chain_index=0)
    with pytest.raises(MerkleIndexError):
        build_gateway_interop_proof(**{**_gateway_kwargs(s), "leaf_index": 2}, gateway_block_number=1)
    with pytest.raises(MerkleIndexError):
        build_direct_l1_proof(logs=s.logs, leaf_index=5, aggregated_root=ZERO_HASH, chain_id=1, batch_number=1)


def test_builders_accept_a_prebuilt_log_tree_or_leaf_hashes() -> None:
    s = _scenario(n_logs=4, leaf_index=2, prior_batches=1, n_chains=1, chain_index=0)
    reference = build_gateway_interop_proof(**_gateway_kwargs(s), gateway_block_number=5)
    for logs in (LogTree(s.logs), [log.leaf_hash() for log in s.logs]):
        again = build_gateway_interop_proof(**{**_gateway_kwargs(s), "logs": logs}, gateway_block_number=5)
        assert again == reference


def _lookup_of(roots: dict[tuple[int, int], bytes]) -> Callable[[int, int], bytes | None]:
    return lambda chain, number: roots.get((chain, number))


def test_single_chain_gateway_tree_proves_with_empty_shared_path() -> None:
    # One batch in the chain tree and one chain in the shared tree: both paths are empty.
    s = _scenario(n_logs=1, leaf_index=0, prior_batches=0, n_chains=1, chain_index=0)
    built = build_gateway_interop_proof(**_gateway_kwargs(s), gateway_block_number=7)
    assert decode_proof_metadata(built.proof[0]) == ProofMetadata(15, 0, False)
    assert built.target.root == chain_id_leaf(s.chain_tree.root(), s.chain_id)
    lookup = _lookup_of({(GATEWAY, 7): built.target.root})
    assert verify_message_proof(s.chain_id, s.batch_number, 0, s.logs[0], built.proof, lookup)
