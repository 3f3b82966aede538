"""A transaction pool as geth keeps one: *pending* (executable now) and *queued* (waiting on a nonce gap).

The pool knows no chain: it asks two callbacks for an account's nonce and balance, and the chain hands it
a check of the fee, gas and funds rules of the next block when a transaction arrives. geth's limits apply:
:data:`QUEUE_LIMIT_PER_ACCOUNT`, :data:`QUEUE_LIMIT_TOTAL`, :data:`PENDING_LIMIT_TOTAL`, and a replacement
must pay 10% more fee cap and tip than the transaction it replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from eth.abc import SignedTransactionAPI
from eth_utils.address import to_checksum_address

from zkconnect.errors import InvalidTransaction

__all__ = [
    "PENDING_LIMIT_TOTAL",
    "QUEUE_LIMIT_PER_ACCOUNT",
    "QUEUE_LIMIT_TOTAL",
    "TxPool",
    "check_payable",
]

QUEUE_LIMIT_PER_ACCOUNT = 64
"""Nonce-gapped transactions one sender may have waiting (geth's ``txpool.accountqueue``)."""
QUEUE_LIMIT_TOTAL = 1024
"""Nonce-gapped transactions the whole pool may hold (geth's ``txpool.globalqueue``)."""
PENDING_LIMIT_TOTAL = 5120
"""Executable transactions the pool may hold while automine is off (geth's ``txpool.globalslots``)."""
_PRICE_BUMP_PERCENT = 10  # geth's txpool.pricebump: a replacement must pay 10% more

AccountQuery = Callable[[bytes], int]


def _checksum(address: bytes) -> str:
    return str(to_checksum_address(address))


def _max_fee(tx: SignedTransactionAPI) -> int:
    return int(getattr(tx, "max_fee_per_gas", None) or tx.gas_price)


def _fee_caps(tx: SignedTransactionAPI) -> tuple[int, int]:
    max_fee = getattr(tx, "max_fee_per_gas", None)
    if max_fee is None:
        return int(tx.gas_price), int(tx.gas_price)
    return int(max_fee), int(tx.max_priority_fee_per_gas)


def _check_replacement(old: SignedTransactionAPI, new: SignedTransactionAPI) -> None:
    """geth's rule: a waiting transaction is replaced only by one paying 10% more fee cap and tip."""
    old_cap, old_tip = _fee_caps(old)
    new_cap, new_tip = _fee_caps(new)
    bump = 100 + _PRICE_BUMP_PERCENT
    if new_cap * 100 < old_cap * bump or new_tip * 100 < old_tip * bump:
        raise InvalidTransaction(
            f"replacement transaction underpriced: nonce {new.nonce} is taken by a waiting transaction "
            f"(fee cap {old_cap}, tip {old_tip}); pay at least {_PRICE_BUMP_PERCENT}% more of both to replace it"
        )


def check_payable(tx: SignedTransactionAPI, *, base_fee: int, gas_limit: int, balance: int) -> None:
    """Refuse a transaction the next block could not take: fee cap under the base fee, gas over the block's
    limit or under the intrinsic cost, or a sender who cannot pay gas * fee cap + value."""
    max_fee = _max_fee(tx)
    if max_fee < base_fee:
        raise InvalidTransaction(f"max fee per gas {max_fee} is below the base fee {base_fee}")
    if tx.gas > gas_limit:
        raise InvalidTransaction(f"gas {tx.gas} exceeds the block gas limit {gas_limit}")
    cost = tx.gas * max_fee + tx.value
    if balance < cost:
        raise InvalidTransaction(f"insufficient funds for gas * price + value: balance {balance}, need {cost}")
    intrinsic = tx.intrinsic_gas
    if tx.gas < intrinsic:
        raise InvalidTransaction(f"intrinsic gas too low: gas {tx.gas}, need {intrinsic}")


class TxPool:
    """Pending and queued transactions, kept in geth's order and within geth's limits.

    ``nonce`` and ``balance`` read an account in the latest state of the chain the pool feeds.
    """

    def __init__(self, nonce: AccountQuery, balance: AccountQuery) -> None:
        self._nonce = nonce
        self._balance = balance
        self._pending: list[SignedTransactionAPI] = []
        self._queued: dict[bytes, dict[int, SignedTransactionAPI]] = {}

    @property
    def pending(self) -> tuple[SignedTransactionAPI, ...]:
        """Executable transactions, in the order they will be mined."""
        return tuple(self._pending)

    @property
    def has_pending(self) -> bool:
        """True when a transaction waits for the next block."""
        return bool(self._pending)

    @property
    def queued(self) -> tuple[SignedTransactionAPI, ...]:
        """Transactions held back by a nonce gap, by sender then nonce."""
        return tuple(tx for sender in sorted(self._queued) for _, tx in sorted(self._queued[sender].items()))

    def pending_count(self, sender: bytes) -> int:
        """How many pending transactions ``sender`` has (its next nonce is the state's plus this)."""
        return sum(1 for p in self._pending if bytes(p.sender) == sender)

    def find(self, tx_hash: bytes) -> tuple[SignedTransactionAPI, int] | None:
        """A waiting transaction with its position among the pending, else among the queued, ones."""
        for group in (self._pending, self.queued):
            for i, tx in enumerate(group):
                if bytes(tx.hash) == tx_hash:
                    return tx, i
        return None

    def add(self, tx: SignedTransactionAPI, check: Callable[[SignedTransactionAPI], None]) -> None:
        """Place a transaction as pending, as queued, or as the replacement of a waiting one.

        ``check`` raises :class:`InvalidTransaction` when the chain's next block could not take ``tx``;
        it runs after the "already known" and "nonce too low" checks, as in geth.
        """
        tx_hash = bytes(tx.hash)
        sender = bytes(tx.sender)
        nonce = int(tx.nonce)
        mine = [i for i, p in enumerate(self._pending) if bytes(p.sender) == sender]
        waiting = [self._pending[i] for i in mine if int(self._pending[i].nonce) == nonce]
        waiting += [q for q in [self._queued.get(sender, {}).get(nonce)] if q is not None]
        if any(bytes(w.hash) == tx_hash for w in waiting):
            raise InvalidTransaction(f"already known: transaction 0x{tx_hash.hex()} is already in the pool")
        state_nonce = self._nonce(sender)
        if nonce < state_nonce:
            raise InvalidTransaction(f"nonce too low: address {_checksum(sender)}, tx: {nonce} state: {state_nonce}")
        check(tx)
        next_nonce = state_nonce + len(mine)
        if nonce < next_nonce:
            index = next(i for i in mine if int(self._pending[i].nonce) == nonce)
            _check_replacement(self._pending[index], tx)
            self._pending[index] = tx
        elif nonce == next_nonce:
            if len(self._pending) >= PENDING_LIMIT_TOTAL:
                raise InvalidTransaction(
                    f"txpool is full: {len(self._pending)} pending transactions (geth's limit is "
                    f"{PENDING_LIMIT_TOTAL}); mine them (evm_mine) or turn automine on, then retry"
                )
            self._pending.append(tx)
            self._promote(sender)
        else:
            self._enqueue(sender, tx, next_nonce)

    def _enqueue(self, sender: bytes, tx: SignedTransactionAPI, next_nonce: int) -> None:
        queue = self._queued.setdefault(sender, {})
        nonce = int(tx.nonce)
        if nonce in queue:
            _check_replacement(queue[nonce], tx)
        elif len(queue) >= QUEUE_LIMIT_PER_ACCOUNT:
            raise InvalidTransaction(
                f"account limit exceeded: {_checksum(sender)} already has {len(queue)} queued transactions "
                f"(nonce gap after {next_nonce - 1}; geth's limit is {QUEUE_LIMIT_PER_ACCOUNT} per account); "
                f"send nonce {next_nonce} first"
            )
        elif sum(len(q) for q in self._queued.values()) >= QUEUE_LIMIT_TOTAL:
            raise InvalidTransaction(
                f"txpool is full: {QUEUE_LIMIT_TOTAL} queued transactions wait for missing nonces; "
                "fill their gaps or mine, then retry"
            )
        queue[nonce] = tx

    def _promote(self, sender: bytes) -> None:
        """Drop the sender's queued transactions whose nonce is used, move the now-executable ones to pending."""
        queue = self._queued.get(sender)
        if not queue:
            return
        state_nonce = self._nonce(sender)
        for stale in [n for n in queue if n < state_nonce]:
            del queue[stale]
        next_nonce = state_nonce + self.pending_count(sender)
        while next_nonce in queue:
            tx = queue.pop(next_nonce)
            if self._balance(bytes(tx.sender)) >= tx.gas * _max_fee(tx) + tx.value:
                self._pending.append(tx)
                next_nonce += 1
            # an unaffordable one is dropped, as geth drops unpayable transactions; the rest wait on the gap
        if not queue:
            del self._queued[sender]

    def promote_all(self) -> None:
        """Promote every sender's queued transactions whose gap has closed (after a block or a dev edit)."""
        for sender in list(self._queued):
            self._promote(sender)

    def take_pending(self) -> list[SignedTransactionAPI]:
        """Remove and return the pending transactions, for a block to mine."""
        taken = list(self._pending)
        self._pending.clear()
        return taken

    def put_back(self, deferred: Iterable[SignedTransactionAPI], requeued: Iterable[SignedTransactionAPI]) -> None:
        """Return what a block left out: ``deferred`` first in the pending order (the block was full for them),
        ``requeued`` to the queue (an earlier transaction of their sender was dropped)."""
        self._pending[:0] = list(deferred)
        for tx in requeued:
            self._queued.setdefault(bytes(tx.sender), {})[int(tx.nonce)] = tx

    def restore(self, pending: Iterable[SignedTransactionAPI], queued: Iterable[SignedTransactionAPI]) -> None:
        """Replace the whole content with ``pending`` and ``queued`` (as :attr:`pending` and :attr:`queued` read)."""
        self._pending = list(pending)
        self._queued = {}
        self.put_back((), queued)
