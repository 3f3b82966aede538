"""One in-process EVM chain (py-evm, Prague) with a fast direct API.

A :class:`Chain` owns a py-evm ``MiningChain`` configured with its own chain id (a subclass
built per chain, so no two chains ever share the class attribute), its genesis allocation
and an index of its blocks, transactions and receipts. It offers:

* automine (one block per transaction) and batched mining of many transactions per block;
* a direct path for the devnet's own work (``transact``, ``call``, ``logs``, ``receipt``)
  that skips any JSON/web3 formatting;
* :meth:`Chain.system_call`, a keyless privileged path executing a call *as* a given system
  address (what ZKsync's bootloader and operator do); it is reachable only from Python;
* chain-id enforcement on signed transactions (py-evm itself does not check it);
* timestamps from a :class:`~zkconnect.engine.clock.Clock` shared with the other chains;
* snapshot/revert in microseconds: blocks are never re-executed, only the head moves.

The class is a facade: the pool (:mod:`~zkconnect.engine.txpool`), block building
(:mod:`~zkconnect.engine.builder`), simulation (:mod:`~zkconnect.engine.simulation`) and the block index
(:mod:`~zkconnect.engine.index`) each live in their own module; the records it returns are in
:mod:`~zkconnect.engine.records`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from eth.abc import BlockAPI, SignedTransactionAPI, StateAPI
from eth.chains.base import MiningChain
from eth_keys.datatypes import PrivateKey
from eth_typing import Address, Hash32

from zkconnect.engine.builder import BlockBuilder, new_dev_chain
from zkconnect.engine.clock import Clock
from zkconnect.engine.forks import ForkSchedule
from zkconnect.engine.hashing import use_fast_keccak
from zkconnect.engine.index import BlockIndex
from zkconnect.engine.records import (
    DEFAULT_BASE_FEE,
    DEFAULT_GAS_LIMIT,
    DEFAULT_TX_GAS,
    SYSTEM_TX_GAS,
    AccessListResult,
    AccountProof,
    BlockRecord,
    GenesisAccount,
    Log,
    Receipt,
    StorageProof,
    SystemCall,
)
from zkconnect.engine.simulation import Simulator
from zkconnect.engine.state import ChainState
from zkconnect.engine.txpool import (
    PENDING_LIMIT_TOTAL,
    QUEUE_LIMIT_PER_ACCOUNT,
    QUEUE_LIMIT_TOTAL,
    TxPool,
    check_payable,
)
from zkconnect.errors import ChainError, UnknownSnapshot

__all__ = [
    "DEFAULT_BASE_FEE",
    "DEFAULT_GAS_LIMIT",
    "PENDING_LIMIT_TOTAL",
    "QUEUE_LIMIT_PER_ACCOUNT",
    "QUEUE_LIMIT_TOTAL",
    "SYSTEM_TX_GAS",
    "AccessListResult",
    "AccountProof",
    "BlockRecord",
    "Chain",
    "GenesisAccount",
    "Log",
    "Receipt",
    "StorageProof",
    "SystemCall",
]

use_fast_keccak()


@dataclass(frozen=True)
class _ChainSnapshot:
    height: int
    pending_state_root: bytes
    pool: tuple[SignedTransactionAPI, ...]
    queued: tuple[SignedTransactionAPI, ...] = ()


class Chain:
    """An in-process EVM chain. See the module docstring."""

    def __init__(
        self,
        chain_id: int,
        clock: Clock,
        alloc: Mapping[bytes, GenesisAccount] | None = None,
        *,
        name: str = "",
        gas_limit: int = DEFAULT_GAS_LIMIT,
        base_fee: int = DEFAULT_BASE_FEE,
        genesis_timestamp: int | None = None,
        genesis_state: tuple[bytes, Mapping[bytes, bytes]] | None = None,
    ) -> None:
        if chain_id <= 0:
            raise ChainError(f"chain id must be positive, got {chain_id}")
        timestamp = clock.block_timestamp(0) if genesis_timestamp is None else genesis_timestamp
        evm = new_dev_chain(chain_id, alloc or {}, gas_limit, base_fee, timestamp, genesis_state)
        self._setup(chain_id, name, clock, evm)

    def _setup(
        self, chain_id: int, name: str, clock: Clock, evm: MiningChain, forks: ForkSchedule | None = None
    ) -> None:
        self.chain_id = chain_id
        self.name = name or str(chain_id)
        self.clock = clock
        self.fork_schedule = forks or ForkSchedule.prague_from_genesis()
        self.automine = True
        self.pre_transaction_hooks: list[Callable[[StateAPI, int], None]] = []
        self.block_listeners: list[Callable[[BlockRecord], None]] = []
        self.block_preludes: list[Callable[[], Sequence[SystemCall]]] = []
        self.after_mine: list[Callable[[Chain], None]] = []
        self._evm = evm
        self._builder = BlockBuilder(evm, chain_id, clock)
        self._index = BlockIndex(self.name)
        for record in self._builder.stored_blocks():
            self._index.append(record)
        self._state = ChainState(evm, self._index)
        self._pool = TxPool(self.nonce, self.balance)
        self._simulator = Simulator(evm, self._state.header_at, chain_id, self.name)
        self._snapshots: dict[int, _ChainSnapshot] = {}
        self._next_snapshot = 1

    @classmethod
    def from_py_evm(cls, evm: MiningChain, clock: Clock, *, name: str = "", forks: ForkSchedule | None = None) -> Chain:
        """Wrap an existing py-evm ``MiningChain`` (for example one whose blocks were imported).

        Every canonical block is indexed with its transactions and stored receipts (imported
        receipts carry no return data). ``evm`` should be configured with ``chain_id`` and should
        keep the gas limit constant, as :class:`Chain` mines new blocks on top of it. ``forks``
        is the schedule ``evm`` follows (``eth_config`` reports it); default: Prague from genesis.
        """
        chain = cls.__new__(cls)
        chain._setup(int(evm.chain_id), name, clock, evm, forks)
        return chain

    # ------------------------------------------------------------------ blocks and lookups

    @property
    def head(self) -> BlockRecord:
        """The newest mined block."""
        return self._index.blocks[-1]

    @property
    def block_number(self) -> int:
        """Number of the newest mined block."""
        return self._index.height - 1

    @property
    def blocks(self) -> Sequence[BlockRecord]:
        """All canonical blocks, genesis first."""
        return self._index.blocks

    def block(self, number: int) -> BlockRecord:
        """The block at ``number``; raises :class:`ChainError` when it does not exist."""
        return self._index.block(number)

    def block_by_hash(self, block_hash: bytes) -> BlockRecord | None:
        """The canonical block with ``block_hash``, or None."""
        return self._index.block_by_hash(block_hash)

    def py_evm_block(self, number: int) -> BlockAPI:
        """The full py-evm block (with uncles and withdrawals) at ``number``."""
        block: BlockAPI = self._evm.get_block_by_hash(Hash32(self.block(number).hash))
        return block

    def raw_receipts(self, number: int) -> list[bytes]:
        """The consensus encoding of every receipt of block ``number`` (``debug_getRawReceipts``)."""
        return self._builder.raw_receipts(self.block(number).header)

    @property
    def next_base_fee(self) -> int:
        """The base fee per gas of the next block."""
        return int(getattr(self._evm.header, "base_fee_per_gas", 0) or 0)

    def blob_base_fee(self, block: int | None = None) -> int:
        """The blob base fee of ``block`` (the next block when None); 0 before Cancun."""
        return self._state.blob_base_fee(self._evm.header if block is None else self.block(block).header)

    def account_proof(
        self, address: bytes, slots: Sequence[int], block: int | None = None
    ) -> tuple[AccountProof, list[StorageProof]]:
        """Merkle-Patricia proofs of an account and some of its storage slots (``eth_getProof``)."""
        return self._state.proof(address, slots, block)

    def receipt(self, tx_hash: bytes) -> Receipt | None:
        """The receipt of a mined transaction, or None if unknown or not mined."""
        return self._index.receipt(tx_hash)

    def transaction(self, tx_hash: bytes) -> tuple[SignedTransactionAPI, BlockRecord | None, int] | None:
        """A transaction with its block and index; pending ones have no block."""
        mined = self._index.locate(tx_hash)
        if mined is not None:
            record, index = mined
            return record.transactions[index], record, index
        waiting = self._pool.find(bytes(tx_hash))
        return None if waiting is None else (waiting[0], None, waiting[1])

    def alias_transaction(self, alias: bytes, tx_hash: bytes) -> None:
        """Make :meth:`receipt` and :meth:`transaction` find the mined ``tx_hash`` under ``alias`` too
        (the canonical hash L1 gave a priority request finds the L2 transaction that executed it)."""
        self._index.alias(alias, tx_hash)

    def forget_alias(self, alias: bytes) -> None:
        """Drop an alias made by :meth:`alias_transaction` (when the work that made it is reverted)."""
        self._index.forget_alias(alias)

    @property
    def pending_transactions(self) -> tuple[SignedTransactionAPI, ...]:
        """Executable transactions waiting for the next block (only when automine is off)."""
        return self._pool.pending

    @property
    def queued_transactions(self) -> tuple[SignedTransactionAPI, ...]:
        """Transactions held back by a nonce gap, by sender then nonce (geth's *queued* set).

        Each is promoted to :attr:`pending_transactions` (and mined under automine) once the
        transactions before it arrive.
        """
        return self._pool.queued

    def logs(
        self,
        *,
        from_block: int = 0,
        to_block: int | None = None,
        address: bytes | Iterable[bytes] | None = None,
        topics: Sequence[bytes | Sequence[bytes] | None] = (),
    ) -> list[Log]:
        """Logs in ``[from_block, to_block]`` matching address(es) and topic filters.

        Each topic position is ``None`` (any), one topic, or a list of alternatives.
        """
        last = self.block_number if to_block is None else min(to_block, self.block_number)
        return list(self._index.logs(from_block, last, address, topics))

    # ------------------------------------------------------------------ state

    def balance(self, address: bytes, block: int | None = None) -> int:
        """Balance in wei (latest state when ``block`` is None)."""
        return int(self._state.at(block).get_balance(Address(address)))

    def nonce(self, address: bytes, block: int | None = None) -> int:
        """Account nonce (latest state when ``block`` is None)."""
        return int(self._state.at(block).get_nonce(Address(address)))

    def code(self, address: bytes, block: int | None = None) -> bytes:
        """Runtime code at ``address``."""
        return bytes(self._state.at(block).get_code(Address(address)))

    def storage(self, address: bytes, slot: int, block: int | None = None) -> int:
        """One storage word."""
        return int(self._state.at(block).get_storage(Address(address), slot))

    def state_root(self, block: int | None = None) -> bytes:
        """State root after ``block`` (latest, with unmined dev edits, when None)."""
        return self._state.root(block)

    def export_state(self) -> tuple[bytes, dict[bytes, bytes]]:
        """The latest state root and every database entry (``anvil_dumpState``)."""
        return self._state.export()

    def import_state(self, state_root: bytes, entries: Mapping[bytes, bytes]) -> None:
        """Load entries from :meth:`export_state` and make ``state_root`` the latest state.

        Like any dev edit, the state is visible at once and mined with the next block.
        """
        self._state.load(state_root, entries)

    def set_balance(self, address: bytes, wei: int) -> None:
        """Set a balance directly (dev method; visible at once, mined with the next block)."""
        self._state.edit(lambda s: s.set_balance(Address(address), wei))

    def set_nonce(self, address: bytes, nonce: int) -> None:
        """Set an account nonce directly."""
        self._state.edit(lambda s: s.set_nonce(Address(address), nonce))

    def set_code(self, address: bytes, code: bytes) -> None:
        """Set runtime code directly."""
        self._state.edit(lambda s: s.set_code(Address(address), code))

    def set_storage(self, address: bytes, slot: int, value: int) -> None:
        """Set one storage word directly."""
        self._state.edit(lambda s: s.set_storage(Address(address), slot, value))

    def place(self, address: bytes, runtime_code: bytes, storage: Mapping[int, int] | None = None) -> None:
        """Put runtime code (and optional storage) at ``address`` without running a constructor."""
        self._state.place(address, runtime_code, storage or {})

    # ------------------------------------------------------------------ calls

    def call(
        self,
        to: bytes | None,
        data: bytes = b"",
        *,
        sender: bytes | None = None,
        value: int = 0,
        gas: int | None = None,
        block: int | None = None,
        gas_price: int | None = None,
    ) -> bytes:
        """Execute a call without a transaction and return its output.

        Works from any address, funded or not (no fee is charged, as geth does when no fee is
        given; with ``gas_price`` the block's real base fee applies and the sender is topped up to
        afford it, on a throwaway state). Raises :class:`TransactionReverted` carrying the exact revert bytes.
        """
        return self._simulator.call(to, data, sender=sender, value=value, gas=gas, block=block, gas_price=gas_price)

    def estimate_gas(
        self,
        to: bytes | None,
        data: bytes = b"",
        *,
        sender: bytes | None = None,
        value: int = 0,
        block: int | None = None,
        gas_cap: int | None = None,
    ) -> int:
        """The smallest gas limit with which the call succeeds (binary search, like geth).

        ``gas_cap`` bounds the search (default: the block gas limit).
        """
        cap = int(self.head.header.gas_limit) if gas_cap is None else gas_cap
        return self._simulator.estimate_gas(to, data, sender=sender, value=value, block=block, gas_cap=cap)

    def create_access_list(
        self,
        to: bytes | None,
        data: bytes = b"",
        *,
        sender: bytes | None = None,
        value: int = 0,
        gas: int | None = None,
        block: int | None = None,
        gas_price: int | None = None,
        nonce: int | None = None,
        access_list: Sequence[tuple[bytes, Sequence[int]]] = (),
    ) -> AccessListResult:
        """The EIP-2930 access list of a call, as geth's ``eth_createAccessList`` builds it.

        The call runs as an access-list transaction on a throwaway state while every ``SLOAD``/``SSTORE``
        slot and every address touched by ``BALANCE``, ``EXTCODE*``, ``SELFDESTRUCT`` and ``*CALL`` is
        recorded (also in frames that revert); the sender, the recipient (or the created address) and the
        precompiles are left out as addresses, though the recipient's slots are listed. The call is re-run
        with the list it produced until the list no longer changes; ``gas_used`` is that last run's (refunds
        and the EIP-7623 floor applied). Works from any address, funded or not, as :meth:`call` does.
        """
        return self._simulator.create_access_list(
            to,
            data,
            sender=sender,
            value=value,
            gas=gas,
            block=block,
            gas_price=gas_price,
            nonce=nonce,
            access_list=access_list,
        )

    # ------------------------------------------------------------------ transactions

    def decode_raw_transaction(self, raw: bytes) -> SignedTransactionAPI:
        """Decode a signed raw transaction and check that it was signed for this chain.

        Raises :class:`ChainIdMismatch` for another chain id or an unprotected (pre-EIP-155)
        signature, :class:`InvalidTransaction` when it cannot be decoded or its signature is bad.
        """
        return self._builder.decode(raw, self.name)

    def send_raw_transaction(self, raw: bytes) -> bytes:
        """Validate and submit a signed transaction; returns its hash (mined at once under automine)."""
        return self.submit(self.decode_raw_transaction(raw))

    def submit(self, tx: SignedTransactionAPI) -> bytes:
        """Add a decoded signed transaction to the pool; returns its hash.

        As geth's pool does: a transaction with the sender's next nonce is *pending* (mined at once
        under automine); one with a later nonce is *queued* until the transactions before it arrive,
        then promoted (and mined under automine); one with the nonce of a waiting transaction replaces
        it if it pays at least 10% more. A nonce already used is refused ("nonce too low"), and so is a
        queued transaction beyond :data:`QUEUE_LIMIT_PER_ACCOUNT` per sender or :data:`QUEUE_LIMIT_TOTAL` in all,
        or a pending one beyond :data:`PENDING_LIMIT_TOTAL`.
        """
        self._pool.add(tx, self._check_payable)
        if self.automine and self._pool.has_pending:
            self.mine_pending()
        return bytes(tx.hash)

    def _check_payable(self, tx: SignedTransactionAPI) -> None:
        limit = int(self.head.header.gas_limit)
        base_fee = self.next_base_fee
        check_payable(tx, base_fee=base_fee, gas_limit=limit, balance=self.balance(tx.sender))

    def _next_nonce(self, sender: bytes) -> int:
        return self.nonce(sender) + self._pool.pending_count(sender)

    def sign(
        self,
        private_key: bytes,
        to: bytes | None,
        data: bytes = b"",
        *,
        value: int = 0,
        gas: int | None = None,
        nonce: int | None = None,
        max_fee_per_gas: int | None = None,
        max_priority_fee_per_gas: int = 0,
    ) -> SignedTransactionAPI:
        """Build and sign an EIP-1559 transaction for this chain."""
        key = PrivateKey(private_key)
        if nonce is None:
            nonce = self._next_nonce(key.public_key.to_canonical_address())
        if max_fee_per_gas is None:
            max_fee_per_gas = 2 * self.next_base_fee + max_priority_fee_per_gas
        fees = (max_fee_per_gas, max_priority_fee_per_gas)
        gas = DEFAULT_TX_GAS if gas is None else gas
        return self._builder.sign(key, to, data, value=value, gas=gas, nonce=nonce, fees=fees)

    def transact(
        self,
        private_key: bytes,
        to: bytes | None,
        data: bytes = b"",
        *,
        value: int = 0,
        gas: int | None = None,
    ) -> Receipt:
        """Sign, send and mine a transaction from a dev key; returns the receipt (status 0 on revert).

        With automine off, the transaction waits in the pool and this raises :class:`ChainError`;
        use :meth:`submit` and :meth:`mine` instead.
        """
        tx_hash = self.submit(self.sign(private_key, to, data, value=value, gas=gas))
        receipt = self.receipt(tx_hash)
        if receipt is None:
            raise ChainError("automine is off: the transaction is pending; call mine()")
        return receipt

    def deploy(self, private_key: bytes, creation_code: bytes, *, value: int = 0, gas: int | None = None) -> bytes:
        """Deploy a contract (creation code with encoded constructor args); returns its address."""
        receipt = self.transact(private_key, None, creation_code, value=value, gas=gas).raise_for_status()
        assert receipt.contract_address is not None
        return receipt.contract_address

    def system_call(
        self,
        sender: bytes,
        to: bytes | None,
        data: bytes = b"",
        *,
        value: int = 0,
        gas: int = SYSTEM_TX_GAS,
    ) -> Receipt:
        """Execute a transaction *as* ``sender`` without its key, mined in its own block.

        This is the privileged path the devnet uses for what ZKsync's bootloader and operator
        do. ``value`` is minted to the sender first (as the bootloader mints deposits); gas is
        paid from a transient top-up, so the sender's balance is unchanged apart from ``value``
        having moved. Returns the receipt (status 0 on revert; see ``raise_for_status``).
        """
        return self.system_calls([SystemCall(sender, to, data, value, gas)])[-1]

    def system_calls(self, calls: Sequence[SystemCall]) -> list[Receipt]:
        """Execute several :class:`SystemCall` s in order, in one new block; returns their receipts.

        Block preludes (:attr:`block_preludes`) run first, as in any block.
        """
        if self._pool.has_pending:
            raise ChainError("system calls need an empty pool; mine the pending transactions first")
        if not calls:
            raise ChainError("system_calls needs at least one call")
        record = self._mine([], calls)
        self._pool.promote_all()
        self._after_mine()
        return list(record.receipts[-len(calls) :])

    def impersonated_transaction(
        self,
        sender: bytes,
        to: bytes | None,
        data: bytes = b"",
        *,
        value: int = 0,
        gas: int = DEFAULT_TX_GAS,
        nonce: int | None = None,
        gas_price: int | None = None,
    ) -> SignedTransactionAPI:
        """A legacy transaction that claims ``sender`` without its key (anvil's impersonation).

        Pass it to :meth:`submit`; it pays gas like any other. ``nonce`` defaults to the next one
        including pending transactions, ``gas_price`` to the next block's base fee.
        """
        nonce = self._next_nonce(sender) if nonce is None else nonce
        price = self.next_base_fee if gas_price is None else gas_price
        return self._builder.impersonate(sender, to, data, value=value, gas=gas, nonce=nonce, gas_price=price)

    # ------------------------------------------------------------------ mining

    def mine(self, count: int = 1) -> list[BlockRecord]:
        """Mine the pending pool into one block, then ``count - 1`` more blocks (each takes what is still pending).

        As on a real node, a transaction whose gas limit does not fit in what is left of the block's gas
        stays pending for the next block, and so do the later transactions of its sender.
        """
        records = []
        for _ in range(count):
            self._pool.promote_all()  # a dev edit (anvil_setNonce) may have closed a gap
            records.append(self._mine(self._pool.take_pending()))
            self._pool.promote_all()
        self._after_mine()
        return records

    def mine_pending(self) -> list[BlockRecord]:
        """Mine blocks until the pool is empty (at least one block)."""
        records = self.mine()
        while self._pool.has_pending:
            records.extend(self.mine())
        return records

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Turn automine off while the block runs, then mine what it queued (in as few blocks as the gas
        limit allows; at least one) and restore automine as it was. Nothing is mined if the block raises.
        """
        automine = self.automine
        self.automine = False
        try:
            yield
        finally:
            self.automine = automine
        self.mine_pending()

    def _after_mine(self) -> None:
        for hook in list(self.after_mine):
            hook(self)

    def _mine(self, txs: list[SignedTransactionAPI], calls: Sequence[SystemCall] = ()) -> BlockRecord:
        prelude = [call for hook in self.block_preludes for call in hook()]
        system_txs = self._builder.system_transactions([*prelude, *calls], self.nonce, self.next_base_fee)
        mined = self._builder.mine(
            self.head.header, self._state.pending_root, txs, system_txs, self.pre_transaction_hooks
        )
        self._pool.put_back(mined.deferred, mined.requeued)
        record = mined.record
        self._state.move_to(record.header.state_root)
        self._index.append(record)
        for listener in list(self.block_listeners):
            listener(record)
        return record

    # ------------------------------------------------------------------ snapshots

    def snapshot(self) -> int:
        """Remember the current state; returns an id for :meth:`revert`."""
        sid = self._next_snapshot
        self._next_snapshot += 1
        self._snapshots[sid] = _ChainSnapshot(
            self._index.height, self._state.pending_root, self._pool.pending, self._pool.queued
        )
        return sid

    def revert(self, snapshot_id: int) -> None:
        """Go back to a snapshot. It and every later snapshot are consumed (as in anvil)."""
        snap = self._snapshots.get(snapshot_id)
        if snap is None:
            raise UnknownSnapshot(f"chain {self.name} has no snapshot {snapshot_id} (already reverted, or never taken)")
        for sid in [s for s in self._snapshots if s >= snapshot_id]:
            del self._snapshots[sid]
        self._index.truncate(snap.height)
        self._builder.rewind(self.head.header)
        self._state.move_to(snap.pending_state_root)
        self._pool.restore(snap.pool, snap.queued)

    def __repr__(self) -> str:
        return f"<Chain {self.name} id={self.chain_id} head={self.block_number}>"
