"""Message inclusion proofs (v31, spec sections 4.5-4.6): the metadata word, a verifier that mirrors
``L2MessageVerification`` / ``MessageHashing``, and builders for the three proof shapes.

Error policy: functions that *compute* something from a proof (:func:`~zkconnect.protocol.trees.root_from_path`,
:func:`decode_proof_metadata`, :func:`resolve_message_proof`) raise
:class:`~zkconnect.errors.ProofFormatError` for input the Solidity verifier would revert on;
its ``code`` names the Solidity error. :func:`verify_message_proof` is a predicate: it never
raises for bad proof content and answers ``False`` instead (it still raises for arguments of
the wrong Python type).

A proof through Gateway starts from where the log sits, from its batch up to Gateway's shared tree: one
:class:`GatewayBatchPath` value carries that, and both Gateway builders take it as keywords.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NotRequired, TypedDict, Unpack

from zkconnect.errors import InteropError, MerkleIndexError, ProofFormatError
from zkconnect.protocol.trees import (
    DEFAULT_LOG_LEAF,
    L2_TO_L1_LOGS_MERKLE_TREE_DEPTH,
    ZERO_HASH,
    DynamicIncrementalMerkle,
    FullMerkle,
    LogTree,
    SupportsLeafHash,
    batch_root,
    batch_root_leaf,
    chain_id_leaf,
    check_uint,
    check_word,
    empty_multichain_batch_root,
    is_uint,
    leaf_of,
    root_from_path,
    uint_word,
)

__all__ = [
    "MAX_PROOF_RECURSION_DEPTH",
    "PROOF_METADATA_VERSION",
    "GatewayBatchPath",
    "MessageProof",
    "ProofMetadata",
    "ProofTarget",
    "build_direct_l1_proof",
    "build_gateway_interop_proof",
    "build_gateway_l1_proof",
    "decode_proof_metadata",
    "encode_proof_metadata",
    "resolve_message_proof",
    "verify_message_proof",
]

PROOF_METADATA_VERSION = 1
MAX_PROOF_RECURSION_DEPTH = 1

_UINT128_MAX = (1 << 128) - 1


# --------------------------------------------------------------------------------------------
# Proof metadata
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofMetadata:
    """The decoded v1 metadata word that opens each level of a proof."""

    log_leaf_proof_len: int
    batch_leaf_proof_len: int
    final_proof_node: bool

    def encode(self) -> bytes:
        """The 32-byte word: version, the two lengths, the final flag, then 28 zero bytes."""
        return encode_proof_metadata(self.log_leaf_proof_len, self.batch_leaf_proof_len, self.final_proof_node)


def encode_proof_metadata(log_leaf_proof_len: int, batch_leaf_proof_len: int, final_proof_node: bool) -> bytes:
    """Metadata word ``0x01 ‖ uint8 L ‖ uint8 B ‖ uint8 final ‖ 28 zero bytes``."""
    check_uint(log_leaf_proof_len, 8, "log_leaf_proof_len")
    check_uint(batch_leaf_proof_len, 8, "batch_leaf_proof_len")
    if final_proof_node and batch_leaf_proof_len != 0:
        raise ProofFormatError("InvalidProofLengthForFinalNode", "a final node carries no batch-leaf proof")
    header = (PROOF_METADATA_VERSION, log_leaf_proof_len, batch_leaf_proof_len, int(final_proof_node))
    return bytes(header) + bytes(28)


def decode_proof_metadata(word: bytes, *, strict: bool = True) -> ProofMetadata | None:
    """Decode a metadata word; ``None`` means the legacy format.

    Legacy rule (``MessageHashing.parseProofMetadata``): a word whose bytes 4..31 are not all
    zero is not metadata, and the whole proof is one plain Merkle path ending at a final node.
    Raises ``UnsupportedProofMetadataVersion`` for a version other than 1 and
    ``InvalidProofLengthForFinalNode`` for a final node with a batch-leaf proof. With
    ``strict`` (the default), a final-node byte other than 0 or 1 raises
    ``NonCanonicalFinalProofNode``: Solidity reads any non-zero byte as "final", which would
    let a bit flip in that byte keep a proof valid.
    """
    check_word(word, "metadata word")
    if any(word[4:]):
        return None
    if word[0] != PROOF_METADATA_VERSION:
        raise ProofFormatError("UnsupportedProofMetadataVersion", f"version {word[0]}")
    if strict and word[3] > 1:
        raise ProofFormatError("NonCanonicalFinalProofNode", f"final-node byte {word[3]:#04x}")
    final = word[3] != 0
    if final and word[2] != 0:
        raise ProofFormatError("InvalidProofLengthForFinalNode", f"batch-leaf proof of {word[2]} words")
    return ProofMetadata(log_leaf_proof_len=word[1], batch_leaf_proof_len=word[2], final_proof_node=final)


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofTarget:
    """Where a proof ends: the stored root of ``(chain_id, number)`` must equal ``root``.

    ``number`` is a batch number, except for ``proof_based_gw`` proofs, where it is the
    settlement layer's block number.
    """

    chain_id: int
    number: int
    root: bytes


def _take(proof: Sequence[bytes], start: int, count: int) -> list[bytes]:
    if start + count > len(proof):
        raise ProofFormatError("ProofTooShort", f"needs words {start}..{start + count - 1}, has {len(proof)}")
    return list(proof[start : start + count])


def _resolve(
    chain_id: int,
    number: int,
    mask: int,
    leaf: bytes,
    proof: Sequence[bytes],
    depth: int,
    strict: bool,
) -> ProofTarget:
    if not proof:
        raise ProofFormatError("MerklePathEmpty")
    if leaf == DEFAULT_LOG_LEAF:
        raise ProofFormatError("HashedLogIsDefault")
    metadata = decode_proof_metadata(proof[0], strict=strict)
    if metadata is None:
        if strict:
            raise ProofFormatError("LegacyProofFormat", "metadata bytes 4..31 are not zero")
        metadata = ProofMetadata(log_leaf_proof_len=len(proof), batch_leaf_proof_len=0, final_proof_node=True)
        ptr = 0
    else:
        ptr = 1
    if strict and depth == 0 and metadata.log_leaf_proof_len != L2_TO_L1_LOGS_MERKLE_TREE_DEPTH:
        raise ProofFormatError(
            "LogProofLengthMismatch",
            f"log path of {metadata.log_leaf_proof_len} words, expected {L2_TO_L1_LOGS_MERKLE_TREE_DEPTH}",
        )

    settlement_root = root_from_path(leaf, _take(proof, ptr, metadata.log_leaf_proof_len), mask)
    ptr += metadata.log_leaf_proof_len
    if metadata.final_proof_node:
        if strict and ptr != len(proof):
            raise ProofFormatError("TrailingProofWords", f"{len(proof) - ptr} words after the final node")
        return ProofTarget(chain_id=chain_id, number=number, root=settlement_root)

    local_batch_leaf = batch_root_leaf(settlement_root, number)
    batch_leaf_mask = int.from_bytes(_take(proof, ptr, 1)[0], "big")
    ptr += 1
    chain_path = _take(proof, ptr, metadata.batch_leaf_proof_len)
    chain_root = root_from_path(local_batch_leaf, chain_path, batch_leaf_mask)
    ptr += metadata.batch_leaf_proof_len
    next_leaf = chain_id_leaf(chain_root, chain_id)
    packed, sl_chain_word = _take(proof, ptr, 2)
    ptr += 2
    packed_int = int.from_bytes(packed, "big")
    if depth >= MAX_PROOF_RECURSION_DEPTH:
        raise ProofFormatError("DepthMoreThanOneForRecursiveMerkleProof")
    return _resolve(
        int.from_bytes(sl_chain_word, "big"),
        packed_int >> 128,
        packed_int & _UINT128_MAX,
        next_leaf,
        proof[ptr:],
        depth + 1,
        strict,
    )


def resolve_message_proof(
    chain_id: int,
    batch_number: int,
    leaf_index: int,
    leaf: bytes | SupportsLeafHash,
    proof: Sequence[bytes],
    *,
    strict: bool = True,
) -> ProofTarget:
    """Run ``proof`` for the leaf at ``leaf_index`` of chain ``chain_id``'s batch ``batch_number``.

    Returns the settlement chain id, block-or-batch number and root the proof ends at; the
    caller compares that root with the one it stores. ``leaf`` is a leaf hash, an
    :class:`L2ToL1Log` or an ``L2Message``. Raises :class:`ProofFormatError` for input the
    Solidity verifier reverts on (``code`` names its error), including a second recursion
    (``DepthMoreThanOneForRecursiveMerkleProof``).

    ``strict`` (default) adds checks that valid proofs always pass and that keep every
    single-bit change of a proof from verifying: no legacy format (``LegacyProofFormat``), a
    final-node byte of exactly 0 or 1, a level-0 log path of exactly 15 words
    (``LogProofLengthMismatch``), and no words after the final node (``TrailingProofWords``).
    ``strict=False`` is exactly the era-contracts ``MessageHashing`` behaviour.
    """
    check_uint(chain_id, 256, "chain_id")
    check_uint(batch_number, 256, "batch_number")
    if not is_uint(leaf_index, 256):
        raise ProofFormatError("MerkleIndexOutOfBounds", f"leaf index {leaf_index!r}")
    for word in proof:
        if not isinstance(word, bytes) or len(word) != 32:
            raise ProofFormatError("InvalidProofWord", f"proof words are 32 bytes, got {word!r}")
    return _resolve(chain_id, batch_number, leaf_index, leaf_of(leaf), proof, 0, strict)


def verify_message_proof(
    chain_id: int,
    batch_number: int,
    leaf_index: int,
    leaf_hash_or_message: bytes | SupportsLeafHash,
    proof: Sequence[bytes],
    lookup_root: Callable[[int, int], bytes | None],
    *,
    strict: bool = True,
) -> bool:
    """Twin of ``L2MessageVerification.proveL2LeafInclusionShared``: is the leaf included?

    ``lookup_root(chain_id, block_or_batch_number)`` returns the stored root the proof must
    end at (on an L2: ``L2InteropRootStorage.interopRoots``; on L1: ``chainBatchRoots``), or
    ``None``. A stored root of zero never matches. Malformed proofs give ``False``, never an
    exception; use :func:`resolve_message_proof` to learn why. ``strict`` as there.
    """
    try:
        target = resolve_message_proof(chain_id, batch_number, leaf_index, leaf_hash_or_message, proof, strict=strict)
    except ProofFormatError:
        return False
    stored = lookup_root(target.chain_id, target.number)
    return stored is not None and stored != ZERO_HASH and stored == target.root


# --------------------------------------------------------------------------------------------
# Proof construction
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageProof:
    """A built proof and the stored root it must match."""

    proof: tuple[bytes, ...]
    target: ProofTarget


def _log_part(
    logs: LogTree | Sequence[bytes | SupportsLeafHash],
    leaf_index: int,
    aggregated_root: bytes,
) -> tuple[list[bytes], bytes]:
    tree = logs if isinstance(logs, LogTree) else LogTree(logs)
    if not 0 <= leaf_index < len(tree):
        raise MerkleIndexError(f"leaf index {leaf_index} outside a batch of {len(tree)} logs")
    check_word(aggregated_root, "aggregated_root")
    return [*tree.path(leaf_index), aggregated_root], batch_root(tree.root(), aggregated_root)


class GatewayBatchPath(TypedDict):
    """Where a log sits on its way up to Gateway's shared tree: what every proof through Gateway starts from.

    ``logs`` is the batch's log tree (or its logs / leaf hashes in order) and ``leaf_index`` the log's slot;
    ``chain_tree`` and ``shared_tree`` are Gateway's trees as they stood when the proof's root was taken
    (pass copies taken then), ``batch_leaf_index`` the batch's leaf in ``chain_tree`` and ``chain_index`` the
    chain's position in ``shared_tree``. ``aggregated_root`` defaults to the empty multichain root of
    ``chain_id``.
    """

    logs: LogTree | Sequence[bytes | SupportsLeafHash]
    leaf_index: int
    chain_id: int
    batch_number: int
    chain_tree: DynamicIncrementalMerkle
    batch_leaf_index: int
    shared_tree: FullMerkle
    chain_index: int
    gateway_chain_id: int
    aggregated_root: NotRequired[bytes | None]


def _gateway_level0(path: GatewayBatchPath, *, sl_number: int, sl_mask: int) -> list[bytes]:
    chain_id, batch_number = path["chain_id"], path["batch_number"]
    chain_tree, shared_tree = path["chain_tree"], path["shared_tree"]
    batch_leaf_index, chain_index = path["batch_leaf_index"], path["chain_index"]
    given = path.get("aggregated_root")
    aggregated = empty_multichain_batch_root(chain_id) if given is None else given
    log_path, root = _log_part(path["logs"], path["leaf_index"], aggregated)
    if chain_tree.leaf(batch_leaf_index) != batch_root_leaf(root, batch_number):
        raise InteropError(
            f"chain tree leaf {batch_leaf_index} is not the leaf of chain {chain_id} batch {batch_number}"
        )
    if shared_tree.leaf(chain_index) != chain_id_leaf(chain_tree.root(), chain_id):
        raise InteropError(f"shared tree leaf {chain_index} does not commit to chain {chain_id}'s chain tree")
    check_uint(sl_number, 128, "settlement-layer block or batch number")
    check_uint(sl_mask, 128, "settlement-layer leaf mask")
    chain_path = chain_tree.proof(batch_leaf_index)
    return [
        encode_proof_metadata(len(log_path), len(chain_path), False),
        *log_path,
        uint_word(batch_leaf_index),
        *chain_path,
        uint_word((sl_number << 128) | sl_mask),
        uint_word(check_uint(path["gateway_chain_id"], 256, "gateway_chain_id")),
    ]


def build_direct_l1_proof(
    *,
    logs: LogTree | Sequence[bytes | SupportsLeafHash],
    leaf_index: int,
    aggregated_root: bytes,
    chain_id: int,
    batch_number: int,
) -> MessageProof:
    """Single-level proof for a chain settling on L1 itself (its batch root is the final node).

    ``logs`` is the batch's log tree or its logs / leaf hashes in order; ``aggregated_root``
    is the chain's aggregated root for that batch (for Gateway: its shared-tree root).
    """
    log_path, root = _log_part(logs, leaf_index, aggregated_root)
    words = (encode_proof_metadata(len(log_path), 0, True), *log_path)
    return MessageProof(proof=words, target=ProofTarget(chain_id=chain_id, number=batch_number, root=root))


def build_gateway_interop_proof(*, gateway_block_number: int, **path: Unpack[GatewayBatchPath]) -> MessageProof:
    """``proof_based_gw`` proof, verified on a destination L2 against an imported interop root.

    ``path`` (a :class:`GatewayBatchPath`, as keywords) must hold the trees as they stood at the end of Gateway
    block ``gateway_block_number``. Raises :class:`InteropError` when the trees do not commit to this batch.
    """
    words = _gateway_level0(path, sl_number=gateway_block_number, sl_mask=path["chain_index"])
    shared_tree = path["shared_tree"]
    shared_path = shared_tree.proof(path["chain_index"])
    words += [encode_proof_metadata(len(shared_path), 0, True), *shared_path]
    target = ProofTarget(chain_id=path["gateway_chain_id"], number=gateway_block_number, root=shared_tree.root())
    return MessageProof(proof=tuple(words), target=target)


def build_gateway_l1_proof(
    *, gateway_batch_number: int, gateway_local_logs_root: bytes, **path: Unpack[GatewayBatchPath]
) -> MessageProof:
    """Default-variant proof, verified on L1 against Gateway's stored batch root.

    Level 1 is the shared-tree path plus Gateway's ``localLogsRoot`` (the aggregated root is
    the right half of Gateway's batch root), so the mask is
    ``chain_index | 1 << shared_tree.height``. ``path`` (a :class:`GatewayBatchPath`, as keywords) must hold the
    trees as they stood when Gateway batch ``gateway_batch_number`` was sealed.
    """
    shared_tree, chain_index = path["shared_tree"], path["chain_index"]
    words = _gateway_level0(path, sl_number=gateway_batch_number, sl_mask=chain_index | (1 << shared_tree.height))
    check_word(gateway_local_logs_root, "gateway_local_logs_root")
    level1 = [*shared_tree.proof(chain_index), gateway_local_logs_root]
    words += [encode_proof_metadata(len(level1), 0, True), *level1]
    root = batch_root(gateway_local_logs_root, shared_tree.root())
    target = ProofTarget(chain_id=path["gateway_chain_id"], number=gateway_batch_number, root=root)
    return MessageProof(proof=tuple(words), target=target)
