"""Pure-Python twins of ZKsync's interop hashing and Merkle trees (v31, spec sections 2.6 and 4.1-4.4).

* the L2->L1 log leaf and the fixed-height-14 batch log tree (:class:`LogTree`);
* batch roots, batch-root leaves and chain-id leaves of ``MessageRoot``;
* the chain trees (:class:`DynamicIncrementalMerkle`) and the shared tree (:class:`FullMerkle`);
* :func:`root_from_path`, the fold every proof level uses.

Proofs built from and checked against these trees live in :mod:`zkconnect.protocol.proofs`;
:mod:`zkconnect.protocol.merkle` re-exports both. Conventions: every hash, tree node and proof
word is 32 raw ``bytes``; addresses come out as checksummed ``str`` (functions also accept 20
raw ``bytes``). Tree accessors raise :class:`~zkconnect.errors.MerkleIndexError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, Self, runtime_checkable

import sha3
from eth_utils.address import to_checksum_address

from zkconnect.errors import EncodingError, MerkleIndexError, ProofFormatError
from zkconnect.protocol.addresses import BOOTLOADER, L1_MESSENGER

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
    "SHARED_ROOT_TREE_EMPTY_HASH",
    "ZERO_HASH",
    "DynamicIncrementalMerkle",
    "FullMerkle",
    "L2ToL1Log",
    "LogTree",
    "SupportsLeafHash",
    "address_bytes",
    "batch_root",
    "batch_root_leaf",
    "chain_id_leaf",
    "check_uint",
    "check_word",
    "empty_multichain_batch_root",
    "hash_pair",
    "is_uint",
    "keccak",
    "leaf_of",
    "log_tree_path",
    "log_tree_root",
    "message_log",
    "root_from_path",
    "uint_word",
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
L2_TO_L1_MESSENGER_ADDRESS = to_checksum_address(L1_MESSENGER)
L2_BOOTLOADER_ADDRESS = to_checksum_address(BOOTLOADER)


def _zero_ladder(zero: bytes, height: int) -> tuple[bytes, ...]:
    ladder = [zero]
    for _ in range(height):
        ladder.append(hash_pair(ladder[-1], ladder[-1]))
    return tuple(ladder)


LOG_TREE_ZEROS = _zero_ladder(DEFAULT_LOG_LEAF, L2_L1_LOGS_TREE_HEIGHT)
"""``LOG_TREE_ZEROS[k]`` is the root of an all-empty log subtree of height ``k`` (k = 0..14)."""


def uint_word(value: int) -> bytes:
    """``value`` as one big-endian 32-byte word."""
    return value.to_bytes(32, "big")


def check_word(value: bytes, what: str) -> bytes:
    """``value`` if it is 32 bytes, else :class:`EncodingError` naming ``what``."""
    if not isinstance(value, bytes) or len(value) != 32:
        raise EncodingError(f"{what} must be 32 bytes, got {value!r}")
    return value


def is_uint(value: object, bits: int) -> bool:
    """True if ``value`` is an ``int`` (not a bool) that fits in ``uint<bits>``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < (1 << bits)


def check_uint(value: int, bits: int, what: str) -> int:
    """``value`` if it fits in ``uint<bits>``, else :class:`EncodingError` naming ``what``."""
    if not is_uint(value, bits):
        raise EncodingError(f"{what} must be a uint{bits}, got {value!r}")
    return value


def address_bytes(value: str | bytes) -> bytes:
    """A 20-byte address from raw bytes or ``0x`` hex (:class:`EncodingError` otherwise)."""
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
        check_uint(self.l2_shard_id, 8, "l2_shard_id")
        if not isinstance(self.is_service, bool):
            raise EncodingError(f"is_service must be a bool, got {self.is_service!r}")
        check_uint(self.tx_number_in_batch, 16, "tx_number_in_batch")
        check_word(self.key, "key")
        check_word(self.value, "value")
        object.__setattr__(self, "sender", to_checksum_address(address_bytes(self.sender)))

    def encode_packed(self) -> bytes:
        """``abi.encodePacked(uint8, bool, uint16, address, bytes32, bytes32)``: 88 bytes."""
        return (
            bytes((self.l2_shard_id, int(self.is_service)))
            + self.tx_number_in_batch.to_bytes(2, "big")
            + address_bytes(self.sender)
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
        key=bytes(12) + address_bytes(original_sender),
        value=keccak(data),
    )


def leaf_of(item: bytes | SupportsLeafHash) -> bytes:
    """The log-tree leaf of a log or message, or a 32-byte leaf hash as given."""
    if isinstance(item, bytes):
        return check_word(item, "leaf")
    return item.leaf_hash()


class LogTree:
    """The fixed 16,384-leaf (height 14) L2->L1 log tree of one batch.

    Empty slots hold :data:`DEFAULT_LOG_LEAF`. Only the filled prefix is hashed: each level
    keeps the nodes above filled leaves and borrows :data:`LOG_TREE_ZEROS` for the rest, so a
    tree of ``n`` logs costs about ``n + 14`` hashes. Leaves are logs or 32-byte leaf hashes.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaves: Iterable[bytes | SupportsLeafHash] = ()) -> None:
        level = [leaf_of(item) for item in leaves]
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
    return hash_pair(check_word(local_root, "local_root"), check_word(aggregated_root, "aggregated_root"))


def empty_multichain_batch_root(chain_id: int) -> bytes:
    """Aggregated root of a chain that aggregates no other chain (only its own, empty, chain tree)."""
    return chain_id_leaf(ZERO_HASH, chain_id)


def batch_root_leaf(batch_root: bytes, batch_number: int) -> bytes:
    """Chain-tree leaf: ``keccak256(BATCH_LEAF_PADDING ‖ batchRoot ‖ uint256 batchNumber)``."""
    check_word(batch_root, "batch_root")
    return keccak(BATCH_LEAF_PADDING + batch_root + uint_word(check_uint(batch_number, 256, "batch_number")))


def chain_id_leaf(chain_root: bytes, chain_id: int) -> bytes:
    """Shared-tree leaf: ``keccak256(CHAIN_ID_LEAF_PADDING ‖ chainRoot ‖ uint256 chainId)``."""
    check_word(chain_root, "chain_root")
    return keccak(CHAIN_ID_LEAF_PADDING + chain_root + uint_word(check_uint(chain_id, 256, "chain_id")))


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
        self._zeros: list[bytes] = [check_word(zero, "zero")]
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
        check_word(leaf, "leaf")
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
        self._levels[0][index] = check_word(leaf, "leaf")
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
    if not is_uint(index, length):
        raise ProofFormatError("MerkleIndexOutOfBounds", f"index {index} with a path of {length} words")
    node = check_word(leaf, "leaf")
    for sibling in path:
        check_word(sibling, "path word")
        node = hash_pair(node, sibling) if index & 1 == 0 else hash_pair(sibling, node)
        index >>= 1
    return node
