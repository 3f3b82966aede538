"""The canonical blocks of a chain and where each transaction sits in them.

Besides its own hash, a transaction can be found under an *alias*: the canonical hash L1 gave a priority
request finds the L2 transaction that executed it (:meth:`BlockIndex.alias`). Reverting a chain truncates
the index; whoever made an alias forgets it when its own state is reverted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from zkconnect.engine.records import BlockRecord, Log, Receipt
from zkconnect.errors import ChainError

__all__ = ["BlockIndex"]


class BlockIndex:
    """Blocks by number and hash, transactions by hash (or alias). ``name`` appears in errors."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._blocks: list[BlockRecord] = []
        self._tx_index: dict[bytes, tuple[int, int]] = {}
        self._aliases: dict[bytes, bytes] = {}

    @property
    def blocks(self) -> Sequence[BlockRecord]:
        """All canonical blocks, genesis first."""
        return self._blocks

    @property
    def height(self) -> int:
        """How many blocks there are (the head's number plus one)."""
        return len(self._blocks)

    def append(self, record: BlockRecord) -> None:
        """Add the next block and index its transactions."""
        self._blocks.append(record)
        for i, tx in enumerate(record.transactions):
            self._tx_index[bytes(tx.hash)] = (record.number, i)

    def truncate(self, height: int) -> None:
        """Drop every block from number ``height`` on, with its transactions (aliases to them find nothing)."""
        for record in self._blocks[height:]:
            for tx in record.transactions:
                self._tx_index.pop(bytes(tx.hash), None)
        del self._blocks[height:]

    def alias(self, alias: bytes, tx_hash: bytes) -> None:
        """Make ``alias`` find the mined transaction ``tx_hash``."""
        if bytes(tx_hash) not in self._tx_index:
            raise ChainError(f"chain {self.name} has no mined transaction 0x{bytes(tx_hash).hex()} to alias")
        self._aliases[bytes(alias)] = bytes(tx_hash)

    def forget_alias(self, alias: bytes) -> None:
        """Drop an alias made by :meth:`alias` (nothing happens if there is none)."""
        self._aliases.pop(bytes(alias), None)

    def block(self, number: int) -> BlockRecord:
        """The block at ``number``; raises :class:`ChainError` when it does not exist."""
        if not 0 <= number < len(self._blocks):
            raise ChainError(f"chain {self.name} has no block {number} (head is {len(self._blocks) - 1})")
        return self._blocks[number]

    def block_by_hash(self, block_hash: bytes) -> BlockRecord | None:
        """The canonical block with ``block_hash``, or None."""
        for record in reversed(self._blocks):
            if record.hash == block_hash:
                return record
        return None

    def locate(self, tx_hash: bytes) -> tuple[BlockRecord, int] | None:
        """The block of a mined transaction (found by hash or alias) and its index there, or None."""
        key = bytes(tx_hash)
        where = self._tx_index.get(self._aliases.get(key, key))
        if where is None:
            return None
        return self._blocks[where[0]], where[1]

    def receipt(self, tx_hash: bytes) -> Receipt | None:
        """The receipt of a mined transaction (found by hash or alias), or None."""
        found = self.locate(tx_hash)
        return None if found is None else found[0].receipts[found[1]]

    def logs(
        self,
        from_block: int,
        to_block: int,
        address: bytes | Iterable[bytes] | None,
        topics: Sequence[bytes | Sequence[bytes] | None],
    ) -> Iterator[Log]:
        """Logs of blocks ``from_block`` to ``to_block`` (both in the index) from ``address`` (one, several, or
        any when None) whose topics match position by position (each None, one topic, or alternatives)."""
        addresses: set[bytes] | None
        if address is None:
            addresses = None
        elif isinstance(address, bytes | bytearray):
            addresses = {bytes(address)}
        else:
            addresses = {bytes(a) for a in address}
        wanted: list[set[bytes] | None] = []
        for t in topics:
            if t is None:
                wanted.append(None)
            elif isinstance(t, bytes | bytearray):
                wanted.append({bytes(t)})
            else:
                wanted.append({bytes(x) for x in t})
        for number in range(max(from_block, 0), to_block + 1):
            for receipt in self._blocks[number].receipts:
                for log in receipt.logs:
                    if addresses is not None and log.address not in addresses:
                        continue
                    if len(wanted) > len(log.topics):
                        continue
                    if all(w is None or log.topics[i] in w for i, w in enumerate(wanted)):
                        yield log
