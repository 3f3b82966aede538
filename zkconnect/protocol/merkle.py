"""Pure-Python twins of ZKsync's interop hashing, Merkle trees and message inclusion proofs (v31).

What lives here (spec ``interop-v31.md`` sections 2.6 and 4.1-4.6):

* the L2->L1 log leaf and the fixed-height-14 batch log tree (:class:`LogTree`);
* batch roots, batch-root leaves and chain-id leaves of ``MessageRoot``;
* the chain trees (:class:`DynamicIncrementalMerkle`) and the shared tree (:class:`FullMerkle`);
* the proof metadata word, proof builders for the three proof shapes, and a verifier that
  mirrors ``L2MessageVerification`` / ``MessageHashing``.

Conventions: every hash, tree node and proof word is 32 raw ``bytes``; addresses come out
as checksummed ``str`` (functions also accept 20 raw ``bytes``).

Error policy: functions that *compute* something from a proof (:func:`root_from_path`,
:func:`decode_proof_metadata`, :func:`resolve_message_proof`) raise
:class:`~zkconnect.errors.ProofFormatError` for input the Solidity verifier would revert on;
its ``code`` names the Solidity error. :func:`verify_message_proof` is a predicate: it never
raises for bad proof content and answers ``False`` instead (it still raises for arguments of
the wrong Python type). Tree accessors raise :class:`~zkconnect.errors.MerkleIndexError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, Self, runtime_checkable

import sha3
from eth_utils.address import to_checksum_address

from zkconnect.errors import EncodingError, InteropError, MerkleIndexError, ProofFormatError

__all__ = [
    "BATCH_LEAF_PADDING",
    "CHAIN_ID_LEAF_PADDING",
    "CHAIN_TREE_EMPTY_ENTRY_HASH",
    "DEFAULT_LOG_LEAF",
    "L2_BOOTLOADER_ADDRESS",
    "L2_L1_LOGS_TREE_HEIGHT",
    "L2_L1_LOGS_TREE_SIZE",
    "L2_TO_L1_LOGS_MERKLE_TREE_DEPTH",
    "L2_TO_L1_MESSENGER_ADDRESS",
    "LOG_TREE_ZEROS",
    "MAX_PROOF_RECURSION_DEPTH",
    "PROOF_METADATA_VERSION",
    "SHARED_ROOT_TREE_EMPTY_HASH",
    "ZERO_HASH",
    "DynamicIncrementalMerkle",
    "FullMerkle",
    "L2ToL1Log",
    "LogTree",
    "MessageProof",
    "ProofMetadata",
    "ProofTarget",
    "SupportsLeafHash",
    "batch_root",
    "batch_root_leaf",
    "build_direct_l1_proof",
    "build_gateway_interop_proof",
    "build_gateway_l1_proof",
    "chain_id_leaf",
    "decode_proof_metadata",
    "empty_multichain_batch_root",
    "encode_proof_metadata",
    "hash_pair",
    "keccak",
    "log_tree_path",
    "log_tree_root",
    "message_log",
    "resolve_message_proof",
    "root_from_path",
    "verify_message_proof",
]

_keccak_256 = sha3.keccak_256


def keccak(data: bytes) -> bytes:
    """Keccak-256 of ``data`` (the EVM's ``keccak256``), via safe-pysha3."""
    digest: bytes = _keccak_256(data).digest()
    return digest


def hash_pair(left: bytes, right: bytes) -> bytes:
    """An inner Merkle node: ``keccak256(left ‖ right)`` (Solidity ``Merkle.efficientHash``)."""
    digest: bytes = _keccak_256(left + right).digest()
    return digest


ZERO_HASH = bytes(32)
L2_L1_LOGS_TREE_HEIGHT = 14
L2_L1_LOGS_TREE_SIZE = 1 << L2_L1_LOGS_TREE_HEIGHT
L2_TO_L1_LOGS_MERKLE_TREE_DEPTH = L2_L1_LOGS_TREE_HEIGHT + 1
"""Words in a log path: 14 log-tree siblings plus the aggregated root that completes the batch root."""
DEFAULT_LOG_LEAF = keccak(bytes(88))
BATCH_LEAF_PADDING = keccak(b"zkSync:BatchLeaf")
CHAIN_ID_LEAF_PADDING = keccak(b"zkSync:ChainIdLeaf")
CHAIN_TREE_EMPTY_ENTRY_HASH = keccak(bytes(96))
SHARED_ROOT_TREE_EMPTY_HASH = CHAIN_TREE_EMPTY_ENTRY_HASH
PROOF_METADATA_VERSION = 1
MAX_PROOF_RECURSION_DEPTH = 1
L2_TO_L1_MESSENGER_ADDRESS = "0x0000000000000000000000000000000000008008"
L2_BOOTLOADER_ADDRESS = "0x0000000000000000000000000000000000008001"

_UINT128_MAX = (1 << 128) - 1


def _zero_ladder(zero: bytes, height: int) -> tuple[bytes, ...]:
    ladder = [zero]
    for _ in range(height):
        ladder.append(hash_pair(ladder[-1], ladder[-1]))
    return tuple(ladder)


LOG_TREE_ZEROS = _zero_ladder(DEFAULT_LOG_LEAF, L2_L1_LOGS_TREE_HEIGHT)
"""``LOG_TREE_ZEROS[k]`` is the root of an all-empty log subtree of height ``k`` (k = 0..14)."""


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _check_word(value: bytes, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise EncodingError(f"{what} must be 32 bytes, got {value!r}")
    return value


def _is_uint(value: object, bits: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < (1 << bits)


def _check_uint(value: int, bits: int, what: str) -> int:
    if not _is_uint(value, bits):
        raise EncodingError(f"{what} must be a uint{bits}, got {value!r}")
    return value


def _address_bytes(value: str | bytes) -> bytes:
    if isinstance(value, bytes):
        if len(value) != 20:
            raise EncodingError(f"an address is 20 bytes, got {len(value)}")
        return value
    text = value[2:] if value[:2] in ("0x", "0X") else value
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise EncodingError(f"not a hex address: {value!r}") from None
    if len(raw) != 20:
        raise EncodingError(f"an address is 20 bytes, got {len(raw)}: {value!r}")
    return raw


# --------------------------------------------------------------------------------------------
# Log leaves and the batch log tree
# --------------------------------------------------------------------------------------------


@runtime_checkable
class SupportsLeafHash(Protocol):
    """Anything that knows its log-tree leaf hash (:class:`L2ToL1Log`, ``messages.L2Message``)."""

    def leaf_hash(self) -> bytes:
        """The 32-byte leaf of the batch log tree."""
        ...


@dataclass(frozen=True)
class L2ToL1Log:
    """One L2->L1 log (Solidity ``L2Log``); ``sender`` is stored checksummed."""

    l2_shard_id: int
    is_service: bool
    tx_number_in_batch: int
    sender: str
    key: bytes
    value: bytes

    def __post_init__(self) -> None:
        _check_uint(self.l2_shard_id, 8, "l2_shard_id")
        if not isinstance(self.is_service, bool):
            raise EncodingError(f"is_service must be a bool, got {self.is_service!r}")
        _check_uint(self.tx_number_in_batch, 16, "tx_number_in_batch")
        _check_word(self.key, "key")
        _check_word(self.value, "value")
        object.__setattr__(self, "sender", to_checksum_address(_address_bytes(self.sender)))

    def encode_packed(self) -> bytes:
        """``abi.encodePacked(uint8, bool, uint16, address, bytes32, bytes32)``: 88 bytes."""
        return (
            bytes((self.l2_shard_id, int(self.is_service)))
            + self.tx_number_in_batch.to_bytes(2, "big")
            + _address_bytes(self.sender)
            + self.key
            + self.value
        )

    def leaf_hash(self) -> bytes:
        """The log-tree leaf: keccak of the 88-byte packed encoding."""
        return keccak(self.encode_packed())


def message_log(tx_number_in_batch: int, original_sender: str | bytes, data: bytes) -> L2ToL1Log:
    """The log ``L1Messenger.sendToL1(data)`` records when called by ``original_sender``."""
    return L2ToL1Log(
        l2_shard_id=0,
        is_service=True,
        tx_number_in_batch=tx_number_in_batch,
        sender=L2_TO_L1_MESSENGER_ADDRESS,
        key=bytes(12) + _address_bytes(original_sender),
        value=keccak(data),
    )


def _leaf_of(item: bytes | SupportsLeafHash) -> bytes:
    if isinstance(item, bytes):
        return _check_word(item, "leaf")
    return item.leaf_hash()


class LogTree:
    """The fixed 16,384-leaf (height 14) L2->L1 log tree of one batch.

    Empty slots hold :data:`DEFAULT_LOG_LEAF`. Only the filled prefix is hashed: each level
    keeps the nodes above filled leaves and borrows :data:`LOG_TREE_ZEROS` for the rest, so a
    tree of ``n`` logs costs about ``n + 14`` hashes. Leaves are logs or 32-byte leaf hashes.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaves: Iterable[bytes | SupportsLeafHash] = ()) -> None:
        level = [_leaf_of(item) for item in leaves]
        if len(level) > L2_L1_LOGS_TREE_SIZE:
            raise MerkleIndexError(f"a batch holds at most {L2_L1_LOGS_TREE_SIZE} logs, got {len(level)}")
        levels = [level]
        for height in range(L2_L1_LOGS_TREE_HEIGHT):
            zero = LOG_TREE_ZEROS[height]
            count = len(level)
            level = [hash_pair(level[j], level[j + 1] if j + 1 < count else zero) for j in range(0, count, 2)]
            levels.append(level)
        self._levels = levels

    def __len__(self) -> int:
        return len(self._levels[0])

    @property
    def leaves(self) -> tuple[bytes, ...]:
        """The filled leaves, in order."""
        return tuple(self._levels[0])

    def root(self) -> bytes:
        """The ``localLogsRoot`` of the batch."""
        top = self._levels[L2_L1_LOGS_TREE_HEIGHT]
        return top[0] if top else LOG_TREE_ZEROS[L2_L1_LOGS_TREE_HEIGHT]

    def path(self, index: int) -> list[bytes]:
        """The 14 siblings of slot ``index`` (which may be empty), bottom-up."""
        if not 0 <= index < L2_L1_LOGS_TREE_SIZE:
            raise MerkleIndexError(f"log index {index} outside the {L2_L1_LOGS_TREE_SIZE}-leaf tree")
        siblings = []
        for height in range(L2_L1_LOGS_TREE_HEIGHT):
            level = self._levels[height]
            sibling = index ^ 1
            siblings.append(level[sibling] if sibling < len(level) else LOG_TREE_ZEROS[height])
            index >>= 1
        return siblings


def log_tree_root(leaves: Iterable[bytes | SupportsLeafHash]) -> bytes:
    """Root of the height-14 log tree over ``leaves`` (logs or leaf hashes)."""
    return LogTree(leaves).root()


def log_tree_path(leaves: Iterable[bytes | SupportsLeafHash], index: int) -> list[bytes]:
    """The 14-word path of slot ``index`` in the log tree over ``leaves``."""
    return LogTree(leaves).path(index)


# --------------------------------------------------------------------------------------------
# MessageRoot hashes
# --------------------------------------------------------------------------------------------


def batch_root(local_root: bytes, aggregated_root: bytes) -> bytes:
    """A batch's ``fullRootHash``: ``keccak256(localLogsRoot ‖ aggregatedRoot)``."""
    return hash_pair(_check_word(local_root, "local_root"), _check_word(aggregated_root, "aggregated_root"))


def empty_multichain_batch_root(chain_id: int) -> bytes:
    """Aggregated root of a chain that aggregates no other chain (only its own, empty, chain tree)."""
    return chain_id_leaf(ZERO_HASH, chain_id)


def batch_root_leaf(batch_root: bytes, batch_number: int) -> bytes:
    """Chain-tree leaf: ``keccak256(BATCH_LEAF_PADDING ‖ batchRoot ‖ uint256 batchNumber)``."""
    _check_word(batch_root, "batch_root")
    return keccak(BATCH_LEAF_PADDING + batch_root + _word(_check_uint(batch_number, 256, "batch_number")))


def chain_id_leaf(chain_root: bytes, chain_id: int) -> bytes:
    """Shared-tree leaf: ``keccak256(CHAIN_ID_LEAF_PADDING ‖ chainRoot ‖ uint256 chainId)``."""
    _check_word(chain_root, "chain_root")
    return keccak(CHAIN_ID_LEAF_PADDING + chain_root + _word(_check_uint(chain_id, 256, "chain_id")))


# --------------------------------------------------------------------------------------------
# Growing trees: chain trees and the shared tree
# --------------------------------------------------------------------------------------------


class _PaddedTree:
    """A binary tree whose height is ``ceil(log2(n))`` and whose missing right nodes at
    level ``k`` are ``zeros[k]``, with ``zeros[0]`` the empty entry and
    ``zeros[k + 1] = keccak(zeros[k] ‖ zeros[k])``; ``_levels[k]`` holds only the nodes that
    cover at least one leaf.
    """

    __slots__ = ("_levels", "_zeros")

    def __init__(self, leaves: Iterable[bytes] = (), *, zero: bytes = CHAIN_TREE_EMPTY_ENTRY_HASH) -> None:
        self._zeros: list[bytes] = [_check_word(zero, "zero")]
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.push(leaf)

    def _empty_root(self) -> bytes:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._levels[0])

    @property
    def height(self) -> int:
        """Number of levels above the leaves: 0 for zero or one leaf, else ``ceil(log2(n))``."""
        return len(self._levels) - 1

    @property
    def zero(self) -> bytes:
        """The empty entry that pads missing leaves."""
        return self._zeros[0]

    @property
    def leaves(self) -> tuple[bytes, ...]:
        """All leaves, in index order."""
        return tuple(self._levels[0])

    def leaf(self, index: int) -> bytes:
        """The leaf at ``index``."""
        self._check_index(index)
        return self._levels[0][index]

    def push(self, leaf: bytes) -> int:
        """Append ``leaf``, growing the height when the tree is full; returns its index."""
        _check_word(leaf, "leaf")
        index = len(self._levels[0])
        if index == 1 << self.height:
            top_zero = self._zeros[-1]
            self._zeros.append(hash_pair(top_zero, top_zero))
            self._levels.append([])
        self._levels[0].append(leaf)
        self._rehash_from(index)
        return index

    def root(self) -> bytes:
        """The current root (see the subclass for the empty tree)."""
        if not self._levels[0]:
            return self._empty_root()
        return self._levels[-1][0]

    def proof(self, index: int) -> list[bytes]:
        """Bottom-up siblings of leaf ``index``; ``height`` words (none for a one-leaf tree)."""
        self._check_index(index)
        siblings = []
        for height in range(self.height):
            level = self._levels[height]
            sibling = index ^ 1
            siblings.append(level[sibling] if sibling < len(level) else self._zeros[height])
            index >>= 1
        return siblings

    def copy(self) -> Self:
        """An independent copy (for snapshots): later pushes or updates do not affect it."""
        clone = type(self).__new__(type(self))
        clone._zeros = list(self._zeros)
        clone._levels = [list(level) for level in self._levels]
        return clone

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self._levels[0]):
            raise MerkleIndexError(f"leaf index {index} outside a tree of {len(self._levels[0])} leaves")

    def _rehash_from(self, index: int) -> None:
        for height in range(self.height):
            level = self._levels[height]
            parent = index >> 1
            left = parent << 1
            right = level[left + 1] if left + 1 < len(level) else self._zeros[height]
            node = hash_pair(level[left], right)
            upper = self._levels[height + 1]
            if parent < len(upper):
                upper[parent] = node
            else:
                upper.append(node)
            index = parent


class DynamicIncrementalMerkle(_PaddedTree):
    """Twin of Solidity ``DynamicIncrementalMerkle`` as used for ``MessageRoot`` chain trees.

    Append-only. The empty tree's root is ``0x00..00`` (what ``setup`` returns), a one-leaf
    tree's root is the leaf itself, and missing right siblings are
    :data:`CHAIN_TREE_EMPTY_ENTRY_HASH` at level 0 and its doubling hashes above.
    """

    __slots__ = ()

    def _empty_root(self) -> bytes:
        return ZERO_HASH


class FullMerkle(_PaddedTree):
    """Twin of Solidity ``FullMerkle`` as used for the ``MessageRoot`` shared tree.

    Same shape and padding as :class:`DynamicIncrementalMerkle`, but leaves can be replaced by
    index (:meth:`set`) and the empty tree's root is the empty entry itself
    (:data:`SHARED_ROOT_TREE_EMPTY_HASH`), as ``FullMerkle.setup`` returns.
    """

    __slots__ = ()

    def _empty_root(self) -> bytes:
        return self._zeros[0]

    def set(self, index: int, leaf: bytes) -> bytes:
        """Replace the leaf at an existing ``index`` (``updateLeaf``); returns the new root."""
        self._check_index(index)
        self._levels[0][index] = _check_word(leaf, "leaf")
        self._rehash_from(index)
        return self.root()


def root_from_path(leaf: bytes, path: Sequence[bytes], index: int) -> bytes:
    """Fold ``leaf`` up ``path`` (twin of ``Merkle.calculateRoot``).

    Bit ``i`` of ``index`` tells the side at level ``i``: 0 means we are the left child.
    Raises :class:`ProofFormatError` ``MerklePathOutOfBounds`` for 256 or more words and
    ``MerkleIndexOutOfBounds`` when ``index >= 2 ** len(path)``.
    """
    length = len(path)
    if length >= 256:
        raise ProofFormatError("MerklePathOutOfBounds", f"path of {length} words")
    if not _is_uint(index, length):
        raise ProofFormatError("MerkleIndexOutOfBounds", f"index {index} with a path of {length} words")
    node = _check_word(leaf, "leaf")
    for sibling in path:
        _check_word(sibling, "path word")
        node = hash_pair(node, sibling) if index & 1 == 0 else hash_pair(sibling, node)
        index >>= 1
    return node


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
    _check_uint(log_leaf_proof_len, 8, "log_leaf_proof_len")
    _check_uint(batch_leaf_proof_len, 8, "batch_leaf_proof_len")
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
    _check_word(word, "metadata word")
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
    _check_uint(chain_id, 256, "chain_id")
    _check_uint(batch_number, 256, "batch_number")
    if not _is_uint(leaf_index, 256):
        raise ProofFormatError("MerkleIndexOutOfBounds", f"leaf index {leaf_index!r}")
    for word in proof:
        if not isinstance(word, bytes) or len(word) != 32:
            raise ProofFormatError("InvalidProofWord", f"proof words are 32 bytes, got {word!r}")
    return _resolve(chain_id, batch_number, leaf_index, _leaf_of(leaf), proof, 0, strict)


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
    _check_word(aggregated_root, "aggregated_root")
    return [*tree.path(leaf_index), aggregated_root], batch_root(tree.root(), aggregated_root)


def _gateway_level0(
    *,
    logs: LogTree | Sequence[bytes | SupportsLeafHash],
    leaf_index: int,
    aggregated_root: bytes | None,
    chain_id: int,
    batch_number: int,
    chain_tree: DynamicIncrementalMerkle,
    batch_leaf_index: int,
    shared_tree: FullMerkle,
    chain_index: int,
    sl_number: int,
    sl_mask: int,
    gateway_chain_id: int,
) -> list[bytes]:
    aggregated = empty_multichain_batch_root(chain_id) if aggregated_root is None else aggregated_root
    log_path, root = _log_part(logs, leaf_index, aggregated)
    if chain_tree.leaf(batch_leaf_index) != batch_root_leaf(root, batch_number):
        raise InteropError(
            f"chain tree leaf {batch_leaf_index} is not the leaf of chain {chain_id} batch {batch_number}"
        )
    if shared_tree.leaf(chain_index) != chain_id_leaf(chain_tree.root(), chain_id):
        raise InteropError(f"shared tree leaf {chain_index} does not commit to chain {chain_id}'s chain tree")
    _check_uint(sl_number, 128, "settlement-layer block or batch number")
    _check_uint(sl_mask, 128, "settlement-layer leaf mask")
    chain_path = chain_tree.proof(batch_leaf_index)
    return [
        encode_proof_metadata(len(log_path), len(chain_path), False),
        *log_path,
        _word(batch_leaf_index),
        *chain_path,
        _word((sl_number << 128) | sl_mask),
        _word(_check_uint(gateway_chain_id, 256, "gateway_chain_id")),
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


def build_gateway_interop_proof(
    *,
    logs: LogTree | Sequence[bytes | SupportsLeafHash],
    leaf_index: int,
    chain_id: int,
    batch_number: int,
    chain_tree: DynamicIncrementalMerkle,
    batch_leaf_index: int,
    shared_tree: FullMerkle,
    chain_index: int,
    gateway_chain_id: int,
    gateway_block_number: int,
    aggregated_root: bytes | None = None,
) -> MessageProof:
    """``proof_based_gw`` proof, verified on a destination L2 against an imported interop root.

    ``chain_tree`` and ``shared_tree`` must be the trees as they stood at the end of Gateway
    block ``gateway_block_number`` (pass copies taken then); ``batch_leaf_index`` is the
    position of this batch's leaf in ``chain_tree`` and ``chain_index`` the chain's position
    in ``shared_tree``. ``aggregated_root`` defaults to the empty multichain root of
    ``chain_id``. Raises :class:`InteropError` when the trees do not commit to this batch.
    """
    words = _gateway_level0(
        logs=logs,
        leaf_index=leaf_index,
        aggregated_root=aggregated_root,
        chain_id=chain_id,
        batch_number=batch_number,
        chain_tree=chain_tree,
        batch_leaf_index=batch_leaf_index,
        shared_tree=shared_tree,
        chain_index=chain_index,
        sl_number=gateway_block_number,
        sl_mask=chain_index,
        gateway_chain_id=gateway_chain_id,
    )
    shared_path = shared_tree.proof(chain_index)
    words += [encode_proof_metadata(len(shared_path), 0, True), *shared_path]
    target = ProofTarget(chain_id=gateway_chain_id, number=gateway_block_number, root=shared_tree.root())
    return MessageProof(proof=tuple(words), target=target)


def build_gateway_l1_proof(
    *,
    logs: LogTree | Sequence[bytes | SupportsLeafHash],
    leaf_index: int,
    chain_id: int,
    batch_number: int,
    chain_tree: DynamicIncrementalMerkle,
    batch_leaf_index: int,
    shared_tree: FullMerkle,
    chain_index: int,
    gateway_chain_id: int,
    gateway_batch_number: int,
    gateway_local_logs_root: bytes,
    aggregated_root: bytes | None = None,
) -> MessageProof:
    """Default-variant proof, verified on L1 against Gateway's stored batch root.

    Level 1 is the shared-tree path plus Gateway's ``localLogsRoot`` (the aggregated root is
    the right half of Gateway's batch root), so the mask is
    ``chain_index | 1 << shared_tree.height``. The trees must be as they stood when Gateway
    batch ``gateway_batch_number`` was sealed; other arguments as in
    :func:`build_gateway_interop_proof`.
    """
    words = _gateway_level0(
        logs=logs,
        leaf_index=leaf_index,
        aggregated_root=aggregated_root,
        chain_id=chain_id,
        batch_number=batch_number,
        chain_tree=chain_tree,
        batch_leaf_index=batch_leaf_index,
        shared_tree=shared_tree,
        chain_index=chain_index,
        sl_number=gateway_batch_number,
        sl_mask=chain_index | (1 << shared_tree.height),
        gateway_chain_id=gateway_chain_id,
    )
    _check_word(gateway_local_logs_root, "gateway_local_logs_root")
    level1 = [*shared_tree.proof(chain_index), gateway_local_logs_root]
    words += [encode_proof_metadata(len(level1), 0, True), *level1]
    root = batch_root(gateway_local_logs_root, shared_tree.root())
    target = ProofTarget(chain_id=gateway_chain_id, number=gateway_batch_number, root=root)
    return MessageProof(proof=tuple(words), target=target)
