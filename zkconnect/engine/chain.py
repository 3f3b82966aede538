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
"""

from __future__ import annotations

import os

os.environ.setdefault("ETH_HASH_BACKEND", "pysha3")

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from eth import constants
from eth.abc import BlockAPI, BlockHeaderAPI, ComputationAPI, SignedTransactionAPI, StateAPI
from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.exceptions import Revert
from eth.vm.forks.prague import PragueVM
from eth.vm.spoof import SpoofTransaction
from eth_keys.datatypes import PrivateKey
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError

from zkconnect.engine.clock import Clock
from zkconnect.engine.forks import ForkSchedule
from zkconnect.errors import (
    ChainError,
    ChainIdMismatch,
    InvalidTransaction,
    TransactionReverted,
    UnknownSnapshot,
)
from zkconnect.protocol.reverts import decode_revert_reason

__all__ = [
    "DEFAULT_BASE_FEE",
    "DEFAULT_GAS_LIMIT",
    "PENDING_LIMIT_TOTAL",
    "QUEUE_LIMIT_PER_ACCOUNT",
    "QUEUE_LIMIT_TOTAL",
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

DEFAULT_GAS_LIMIT = 60_000_000
DEFAULT_BASE_FEE = 1_000_000_000
SYSTEM_TX_GAS = 30_000_000
"""Gas of each system call unless told otherwise."""
_DEFAULT_TX_GAS = 10_000_000
QUEUE_LIMIT_PER_ACCOUNT = 64
"""Nonce-gapped transactions one sender may have waiting (geth's ``txpool.accountqueue``)."""
QUEUE_LIMIT_TOTAL = 1024
"""Nonce-gapped transactions the whole pool may hold (geth's ``txpool.globalqueue``)."""
PENDING_LIMIT_TOTAL = 5120
"""Executable transactions the pool may hold while automine is off (geth's ``txpool.globalslots``)."""
_PRICE_BUMP_PERCENT = 10  # geth's txpool.pricebump: a replacement must pay 10% more
_MAX_ACCESS_LIST_ROUNDS = 64
_GENESIS_PARENT_HASH = constants.GENESIS_PARENT_HASH


@dataclass(frozen=True)
class GenesisAccount:
    """An account in a chain's genesis state."""

    balance: int = 0
    code: bytes = b""
    storage: Mapping[int, int] = field(default_factory=dict)
    nonce: int = 0


@dataclass(frozen=True)
class SystemCall:
    """A call the devnet executes *as* ``sender`` without its key (see :meth:`Chain.system_calls`)."""

    sender: bytes
    to: bytes | None
    data: bytes = b""
    value: int = 0
    gas: int = 8_000_000


@dataclass(frozen=True)
class Log:
    """An event log, located in its block and transaction."""

    address: bytes
    topics: tuple[bytes, ...]
    data: bytes
    block_number: int
    block_hash: bytes
    tx_hash: bytes
    tx_index: int
    log_index: int


@dataclass(frozen=True)
class Receipt:
    """The outcome of a mined transaction.

    ``output`` is the call's return data, or the revert data when ``status == 0``.
    ``system`` marks transactions that came through :meth:`Chain.system_call`.
    ``post_state_root`` is set instead of a meaningful ``status`` for pre-Byzantium receipts
    (only in chains imported from elsewhere; see :meth:`Chain.from_py_evm`).
    """

    tx_hash: bytes
    tx_index: int
    block_number: int
    block_hash: bytes
    sender: bytes
    to: bytes | None
    contract_address: bytes | None
    status: int
    gas_used: int
    cumulative_gas_used: int
    effective_gas_price: int
    logs: tuple[Log, ...]
    output: bytes
    tx_type: int
    system: bool = False
    post_state_root: bytes | None = None

    @property
    def ok(self) -> bool:
        """True when the transaction succeeded."""
        return self.status == 1

    def raise_for_status(self) -> Receipt:
        """Return self, or raise :class:`TransactionReverted` with the revert data."""
        if self.status != 1:
            raise TransactionReverted(self.output, decode_revert_reason(self.output), tx_hash=self.tx_hash)
        return self


@dataclass(frozen=True)
class BlockRecord:
    """A mined block with its transactions and receipts."""

    header: BlockHeaderAPI
    transactions: tuple[SignedTransactionAPI, ...]
    receipts: tuple[Receipt, ...]

    @property
    def number(self) -> int:
        """Block number."""
        return int(self.header.block_number)

    @property
    def hash(self) -> bytes:
        """Block hash."""
        return bytes(self.header.hash)

    @property
    def timestamp(self) -> int:
        """Block timestamp (seconds)."""
        return int(self.header.timestamp)


@dataclass(frozen=True)
class AccountProof:
    """An account's fields with the state-trie nodes proving them (``eth_getProof``)."""

    address: bytes
    balance: int
    nonce: int
    code_hash: bytes
    storage_hash: bytes
    proof: tuple[bytes, ...]


@dataclass(frozen=True)
class StorageProof:
    """One storage slot's value with the storage-trie nodes proving it."""

    key: int
    value: int
    proof: tuple[bytes, ...]


@dataclass(frozen=True)
class AccessListResult:
    """What ``eth_createAccessList`` reports: the access list, the gas used with it, and the VM error if any.

    ``access_list`` is sorted by address, each address's slots sorted; ``error`` is geth's text of the
    failure (``"execution reverted"``, ``"out of gas"``...) or None when the call succeeds.
    """

    access_list: tuple[tuple[bytes, tuple[int, ...]], ...]
    gas_used: int
    error: str | None = None


@dataclass(frozen=True)
class _ChainSnapshot:
    height: int
    pending_state_root: bytes
    pool: tuple[SignedTransactionAPI, ...]
    queued: tuple[SignedTransactionAPI, ...] = ()


@dataclass(frozen=True)
class _TxResult:
    sender: bytes
    nonce: int
    status: int
    output: bytes
    post_state_root: bytes | None = None

    @classmethod
    def of(cls, computation: ComputationAPI, sender: bytes, nonce: int) -> _TxResult:
        status = 0 if computation.is_error else 1
        output = bytes(computation.output) if (status == 1 or isinstance(computation.error, Revert)) else b""
        return cls(sender, nonce, status, output)

    @classmethod
    def from_stored(cls, tx: SignedTransactionAPI, receipt: Any) -> _TxResult:
        root = bytes(receipt.state_root)
        if len(root) == 32:
            return cls(bytes(tx.sender), int(tx.nonce), 1, b"", root)
        return cls(bytes(tx.sender), int(tx.nonce), 1 if root == b"\x01" else 0, b"")


class _DevMiningChain(MiningChain):
    """A post-merge chain whose gas limit stays constant."""

    def create_header_from_parent(self, parent_header: BlockHeaderAPI, **header_params: Any) -> BlockHeaderAPI:
        header_params["gas_limit"] = parent_header.gas_limit
        return super().create_header_from_parent(parent_header, **header_params)


class _AccessTracer:
    """The addresses and slots a run touched (geth's ``AccessListTracer``), seeded with an access list."""

    def __init__(self, excluded: set[bytes], seed: Sequence[tuple[bytes, Sequence[int]]]) -> None:
        self.excluded = excluded
        self.entries: dict[bytes, set[int]] = {}
        for address, slots in seed:
            if bytes(address) not in excluded:
                self.add_address(bytes(address))
            for slot in slots:
                self.add_slot(bytes(address), int(slot))

    def add_address(self, address: bytes) -> None:
        self.entries.setdefault(address, set())

    def add_slot(self, address: bytes, slot: int) -> None:
        self.entries.setdefault(address, set()).add(slot)

    def access_list(self) -> tuple[tuple[bytes, tuple[int, ...]], ...]:
        return tuple((address, tuple(sorted(self.entries[address]))) for address in sorted(self.entries))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _AccessTracer) and self.entries == other.entries

    __hash__ = None  # type: ignore[assignment]


_SLOT_OPS = {0x54, 0x55}  # SLOAD, SSTORE: the slot is on top of the stack
_ADDRESS_OPS = {0x31, 0x3B, 0x3C, 0x3F, 0xFF}  # BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH, SELFDESTRUCT
_CALL_OPS = {0xF1, 0xF2, 0xF4, 0xFA}  # CALL, CALLCODE, DELEGATECALL, STATICCALL: the address is second
_TRACED_CLASSES: dict[type[Any], type[Any]] = {}


class _RecordingOpcode:
    """Wraps one opcode: records what it touches into the state's tracer once the opcode paid its gas."""

    def __init__(self, inner: Any, code: int) -> None:
        self.inner = inner
        self.code = code
        self.mnemonic = getattr(inner, "mnemonic", hex(code))
        self.gas_cost = getattr(inner, "gas_cost", 0)

    def __call__(self, computation: Any) -> None:
        from eth.exceptions import OutOfGas
        from eth.vm.stack import to_int

        tracer: _AccessTracer | None = getattr(computation.state, "zk_access_tracer", None)
        stack = computation._stack.values
        depth = 2 if self.code in _CALL_OPS else 1
        word = to_int(stack[-depth]) if tracer is not None and len(stack) >= depth else None
        try:
            self.inner(computation=computation)
        except OutOfGas:
            raise  # geth records an opcode only once its gas is paid
        except Exception:
            self._record(tracer, computation, word)
            raise
        self._record(tracer, computation, word)

    def _record(self, tracer: _AccessTracer | None, computation: Any, word: int | None) -> None:
        if tracer is None or word is None:
            return
        if self.code in _SLOT_OPS:
            tracer.add_slot(bytes(computation.msg.storage_address), word)
            return
        address = (word % 2**160).to_bytes(20, "big")
        if address not in tracer.excluded:
            tracer.add_address(address)


def _traced_computation(base: type[Any]) -> type[Any]:
    if getattr(base, "zk_traced", False):
        return base
    traced = _TRACED_CLASSES.get(base)
    if traced is None:
        opcodes = dict(base.opcodes)
        for code in _SLOT_OPS | _ADDRESS_OPS | _CALL_OPS:
            if code in opcodes:
                opcodes[code] = _RecordingOpcode(opcodes[code], code)
        traced = type(f"AccessTraced{base.__name__}", (base,), {"opcodes": opcodes, "zk_traced": True})
        _TRACED_CLASSES[base] = traced
    return traced


# geth's texts of VM errors (core/vm/errors.go), by py-evm exception class name.
_GETH_VM_ERRORS = {
    "Revert": "execution reverted",
    "OutOfGas": "out of gas",
    "InsufficientStack": "stack underflow",
    "FullStack": "stack limit reached 1024",
    "InvalidJumpDestination": "invalid jump destination",
    "InsufficientFunds": "insufficient balance for transfer",
    "StackDepthLimit": "max call depth exceeded",
    "ContractCreationCollision": "contract address collision",
    "WriteProtection": "write protection",
    "OutOfBoundsRead": "return data out of bounds",
    "ReservedBytesInCode": "invalid code: must not begin with 0xef",
}


def _vm_error_text(error: BaseException) -> str:
    name = type(error).__name__
    if name == "InvalidInstruction":
        import re

        found = re.search(r"0x([0-9a-fA-F]+)", str(error))
        if found is None:
            return "invalid opcode"
        code = int(found.group(1), 16)
        return "invalid opcode: INVALID" if code == 0xFE else f"invalid opcode: opcode {code:#x} not defined"
    return _GETH_VM_ERRORS.get(name, str(error) or name)


def _checksum(address: bytes) -> str:
    from eth_utils.address import to_checksum_address

    return str(to_checksum_address(address))


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
        chain_class = _DevMiningChain.configure(
            __name__=f"ZkDevChain{chain_id}",
            vm_configuration=((0, PragueVM),),
            chain_id=chain_id,
        )
        timestamp = clock.block_timestamp(0) if genesis_timestamp is None else genesis_timestamp
        params: Any = {
            "coinbase": constants.ZERO_ADDRESS,
            "difficulty": 0,
            "extra_data": b"",
            "gas_limit": gas_limit,
            "mix_hash": constants.ZERO_HASH32,
            "nonce": b"\x00" * 8,
            "timestamp": timestamp,
            "base_fee_per_gas": base_fee,
        }
        state: Any = {
            bytes(addr): {
                "balance": acct.balance,
                "nonce": acct.nonce,
                "code": acct.code,
                "storage": dict(acct.storage),
            }
            for addr, acct in (alloc or {}).items()
        }
        if genesis_state is not None:
            if alloc:
                raise ChainError("pass either alloc or genesis_state, not both")
            root, entries = genesis_state
            db = AtomicDB()
            for key, value in entries.items():
                db[key] = value
            if not db.exists(root):
                raise ChainError(f"genesis state root 0x{root.hex()} is not in the given entries")
            header = PragueVM.create_genesis_header(**params, state_root=root)
            evm = chain_class.from_genesis_header(db, header)
        else:
            evm = chain_class.from_genesis(AtomicDB(), params, state)
        # py-evm types a configured chain as BaseChain; it is our _DevMiningChain subclass.
        self._setup(chain_id, name, clock, evm)

    def _setup(self, chain_id: int, name: str, clock: Clock, evm: Any, forks: ForkSchedule | None = None) -> None:
        self.chain_id = chain_id
        self.name = name or str(chain_id)
        self.clock = clock
        self.fork_schedule = forks or ForkSchedule.prague_from_genesis()
        self.automine = True
        self.pre_transaction_hooks: list[Callable[[StateAPI, int], None]] = []
        self.block_listeners: list[Callable[[BlockRecord], None]] = []
        self.block_preludes: list[Callable[[], Sequence[SystemCall]]] = []
        self.after_mine: list[Callable[[Chain], None]] = []
        self._evm: Any = evm
        head = self._evm.get_canonical_head()
        self._blocks: list[BlockRecord] = []
        self._tx_index: dict[bytes, tuple[int, int]] = {}
        for number in range(int(head.block_number) + 1):
            block = self._evm.get_canonical_block_by_number(number)
            txs = tuple(block.transactions)
            receipts = (
                self._evm.chaindb.get_receipts(block.header, self._evm.get_vm_class(block.header).get_receipt_builder())
                if txs
                else ()
            )
            results = [_TxResult.from_stored(tx, r) for tx, r in zip(txs, receipts, strict=True)]
            self._blocks.append(self._record(block.header, txs, receipts, results, set()))
            for i, tx in enumerate(txs):
                self._tx_index[bytes(tx.hash)] = (number, i)
        self._pending_root: bytes = bytes(head.state_root)
        self._pool: list[SignedTransactionAPI] = []
        self._queued: dict[bytes, dict[int, SignedTransactionAPI]] = {}
        self._snapshots: dict[int, _ChainSnapshot] = {}
        self._next_snapshot = 1
        self._system_tx_class: dict[type[Any], type[Any]] = {}

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
        return self._blocks[-1]

    @property
    def block_number(self) -> int:
        """Number of the newest mined block."""
        return len(self._blocks) - 1

    def block(self, number: int) -> BlockRecord:
        """The block at ``number``; raises :class:`ChainError` when it does not exist."""
        if not 0 <= number < len(self._blocks):
            raise ChainError(f"chain {self.name} has no block {number} (head is {self.block_number})")
        return self._blocks[number]

    def block_by_hash(self, block_hash: bytes) -> BlockRecord | None:
        """The canonical block with ``block_hash``, or None."""
        for record in reversed(self._blocks):
            if record.hash == block_hash:
                return record
        return None

    def py_evm_block(self, number: int) -> BlockAPI:
        """The full py-evm block (with uncles and withdrawals) at ``number``."""
        return cast(BlockAPI, self._evm.get_block_by_hash(self.block(number).hash))

    def raw_receipts(self, number: int) -> list[bytes]:
        """The consensus encoding of every receipt of block ``number`` (``debug_getRawReceipts``)."""
        import rlp

        header = self.block(number).header
        builder = self._evm.get_vm_class(header).get_receipt_builder()
        out = []
        for receipt in self._evm.chaindb.get_receipts(header, builder):
            encode = getattr(receipt, "encode", None)
            out.append(bytes(encode()) if callable(encode) else bytes(rlp.encode(receipt)))
        return out

    @property
    def next_base_fee(self) -> int:
        """The base fee per gas of the next block."""
        return int(getattr(self._evm.header, "base_fee_per_gas", 0) or 0)

    def blob_base_fee(self, block: int | None = None) -> int:
        """The blob base fee of ``block`` (the next block when None); 0 before Cancun."""
        header = self._evm.header if block is None else self.block(block).header
        if getattr(header, "excess_blob_gas", None) is None:
            return 0
        state = self._evm.get_vm(header).state
        return int(getattr(state, "blob_base_fee", 0))

    def account_proof(
        self, address: bytes, slots: Sequence[int], block: int | None = None
    ) -> tuple[AccountProof, list[StorageProof]]:
        """Merkle-Patricia proofs of an account and some of its storage slots (``eth_getProof``)."""
        import rlp
        from eth.rlp.accounts import Account
        from trie.hexary import HexaryTrie

        db = self._evm.chaindb.db
        state_trie: Any = HexaryTrie(db, self.state_root(block))
        key = keccak(address)
        raw = state_trie.get(key)
        account = rlp.decode(raw, sedes=Account) if raw else Account()
        nodes = tuple(rlp.encode(node) for node in state_trie.get_proof(key))
        proof = AccountProof(
            address=address,
            balance=int(account.balance),
            nonce=int(account.nonce),
            code_hash=bytes(account.code_hash),
            storage_hash=bytes(account.storage_root),
            proof=nodes,
        )
        storage_trie: Any = HexaryTrie(db, bytes(account.storage_root))
        storage = []
        for slot in slots:
            slot_key = keccak(slot.to_bytes(32, "big"))
            value_raw = storage_trie.get(slot_key)
            value = int(rlp.decode(value_raw, sedes=rlp.sedes.big_endian_int)) if value_raw else 0
            storage.append(StorageProof(slot, value, tuple(rlp.encode(n) for n in storage_trie.get_proof(slot_key))))
        return proof, storage

    @property
    def blocks(self) -> Sequence[BlockRecord]:
        """All canonical blocks, genesis first."""
        return self._blocks

    def receipt(self, tx_hash: bytes) -> Receipt | None:
        """The receipt of a mined transaction, or None if unknown or not mined."""
        where = self._tx_index.get(bytes(tx_hash))
        if where is None:
            return None
        number, index = where
        return self._blocks[number].receipts[index]

    def transaction(self, tx_hash: bytes) -> tuple[SignedTransactionAPI, BlockRecord | None, int] | None:
        """A transaction with its block and index; pending ones have no block."""
        where = self._tx_index.get(bytes(tx_hash))
        if where is not None:
            record = self._blocks[where[0]]
            return record.transactions[where[1]], record, where[1]
        for i, tx in enumerate(self._pool):
            if bytes(tx.hash) == bytes(tx_hash):
                return tx, None, i
        for i, tx in enumerate(self.queued_transactions):
            if bytes(tx.hash) == bytes(tx_hash):
                return tx, None, i
        return None

    @property
    def pending_transactions(self) -> tuple[SignedTransactionAPI, ...]:
        """Executable transactions waiting for the next block (only when automine is off)."""
        return tuple(self._pool)

    @property
    def queued_transactions(self) -> tuple[SignedTransactionAPI, ...]:
        """Transactions held back by a nonce gap, by sender then nonce (geth's *queued* set).

        Each is promoted to :attr:`pending_transactions` (and mined under automine) once the
        transactions before it arrive.
        """
        return tuple(tx for sender in sorted(self._queued) for _, tx in sorted(self._queued[sender].items()))

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
        out: list[Log] = []
        for number in range(max(from_block, 0), last + 1):
            for receipt in self._blocks[number].receipts:
                for log in receipt.logs:
                    if addresses is not None and log.address not in addresses:
                        continue
                    if len(wanted) > len(log.topics):
                        continue
                    if all(w is None or log.topics[i] in w for i, w in enumerate(wanted)):
                        out.append(log)
        return out

    # ------------------------------------------------------------------ state

    def _state(self, block: int | None = None) -> Any:
        header = self._read_header(block)
        return self._evm.get_vm(header).state

    def _read_header(self, block: int | None) -> BlockHeaderAPI:
        if block is None:
            return self.head.header.copy(state_root=self._pending_root)
        return self.block(block).header

    def balance(self, address: bytes, block: int | None = None) -> int:
        """Balance in wei (latest state when ``block`` is None)."""
        return int(self._state(block).get_balance(address))

    def nonce(self, address: bytes, block: int | None = None) -> int:
        """Account nonce (latest state when ``block`` is None)."""
        return int(self._state(block).get_nonce(address))

    def code(self, address: bytes, block: int | None = None) -> bytes:
        """Runtime code at ``address``."""
        return bytes(self._state(block).get_code(address))

    def storage(self, address: bytes, slot: int, block: int | None = None) -> int:
        """One storage word."""
        return int(self._state(block).get_storage(address, slot))

    def state_root(self, block: int | None = None) -> bytes:
        """State root after ``block`` (latest, with unmined dev edits, when None)."""
        return self._pending_root if block is None else bytes(self.block(block).header.state_root)

    def _edit_state(self, edit: Callable[[Any], None]) -> None:
        state = self._state(None)
        edit(state)
        state.persist()
        self._pending_root = bytes(state.state_root)

    def export_state(self) -> tuple[bytes, dict[bytes, bytes]]:
        """The latest state root and every database entry (``anvil_dumpState``)."""
        store = getattr(getattr(self._evm.chaindb.db, "wrapped_db", None), "kv_store", None)
        if store is None:
            raise ChainError("this chain's database cannot be exported")
        return self._pending_root, dict(store)

    def import_state(self, state_root: bytes, entries: Mapping[bytes, bytes]) -> None:
        """Load entries from :meth:`export_state` and make ``state_root`` the latest state.

        Like any dev edit, the state is visible at once and mined with the next block.
        """
        db = self._evm.chaindb.db
        for key, value in entries.items():
            db[key] = value
        if not db.exists(state_root):
            raise ChainError(f"state root 0x{state_root.hex()} is not in the loaded entries")
        self._pending_root = bytes(state_root)

    def set_balance(self, address: bytes, wei: int) -> None:
        """Set a balance directly (dev method; visible at once, mined with the next block)."""
        self._edit_state(lambda s: s.set_balance(address, wei))

    def set_nonce(self, address: bytes, nonce: int) -> None:
        """Set an account nonce directly."""
        self._edit_state(lambda s: s.set_nonce(address, nonce))

    def set_code(self, address: bytes, code: bytes) -> None:
        """Set runtime code directly."""
        self._edit_state(lambda s: s.set_code(address, code))

    def set_storage(self, address: bytes, slot: int, value: int) -> None:
        """Set one storage word directly."""
        self._edit_state(lambda s: s.set_storage(address, slot, value))

    def place(self, address: bytes, runtime_code: bytes, storage: Mapping[int, int] | None = None) -> None:
        """Put runtime code (and optional storage) at ``address`` without running a constructor."""

        def edit(s: Any) -> None:
            s.set_code(address, runtime_code)
            if s.get_nonce(address) == 0:
                s.set_nonce(address, 1)
            for slot, value in (storage or {}).items():
                s.set_storage(address, slot, value)

        self._edit_state(edit)

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
        computation = self._execute_call(
            to, data, sender=sender, value=value, gas=gas, block=block, gas_price=gas_price
        )
        if computation.is_error:
            output = bytes(computation.output) if isinstance(computation.error, Revert) else b""
            reason = decode_revert_reason(output) or str(computation.error)
            raise TransactionReverted(output, reason)
        return bytes(computation.output)

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
        first = self._execute_call(to, data, sender=sender, value=value, gas=cap, block=block)
        if first.is_error:
            output = bytes(first.output) if isinstance(first.error, Revert) else b""
            raise TransactionReverted(output, decode_revert_reason(output) or str(first.error))
        # The gas the first run consumed is a lower bound: one less than it must fail.
        low = int(cap - first.get_gas_remaining()) - 1
        high = cap
        guess = min(cap, max(low + 1, (low + 1) * 64 // 63 + 5000))
        if not self._execute_call(to, data, sender=sender, value=value, gas=guess, block=block).is_error:
            high = guess
        while low + 1 < high:
            mid = (low + high) // 2
            if self._execute_call(to, data, sender=sender, value=value, gas=mid, block=block).is_error:
                low = mid
            else:
                high = mid
        return high

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
        from eth._utils.address import generate_contract_address

        header = self._read_header(block)
        base_fee = getattr(header, "base_fee_per_gas", None)
        if base_fee is not None and (gas_price is None or gas_price < base_fee):
            header = header.copy(base_fee_per_gas=gas_price or 0)  # geth runs it with NoBaseFee
        from_ = sender if sender is not None else constants.ZERO_ADDRESS
        vm = self._evm.get_vm(header)
        if to is None:
            start_nonce = nonce if nonce is not None else int(vm.state.get_nonce(from_))
            target = bytes(generate_contract_address(cast(Any, from_), start_nonce))
        else:
            target = to
        excluded = {bytes(from_), bytes(target)}
        excluded.update(bytes(a) for a in vm.state.computation_class.get_precompiles())
        previous = _AccessTracer(excluded, access_list)
        gas = gas if gas is not None else int(header.gas_limit)
        for _ in range(_MAX_ACCESS_LIST_ROUNDS):
            listed = previous.access_list()
            vm = self._evm.get_vm(header)
            state = vm.state
            needed = value + gas * (gas_price or 0)
            if needed and state.get_balance(from_) < needed:
                state.set_balance(from_, needed)
            builder = vm.get_transaction_builder()
            if not hasattr(builder, "new_unsigned_access_list_transaction"):
                raise ChainError(f"chain {self.name}: access lists need Berlin or later at this block")
            tx = builder.new_unsigned_access_list_transaction(
                chain_id=self.chain_id,
                nonce=state.get_nonce(from_),
                gas_price=gas_price or 0,
                gas=gas,
                to=to if to is not None else constants.CREATE_CONTRACT_ADDRESS,
                value=value,
                data=data,
                access_list=listed,
            )
            spoofed = SpoofTransaction(tx, from_=from_)
            tracer = _AccessTracer(excluded, listed)
            state.computation_class = _traced_computation(state.computation_class)
            state.zk_access_tracer = tracer
            try:
                computation = state.apply_transaction(spoofed)
            except ValidationError as exc:
                raise InvalidTransaction(str(exc)) from exc
            if tracer == previous:
                gas_used = int(type(vm).finalize_gas_used(spoofed, computation))
                error = _vm_error_text(computation.error) if computation.is_error else None
                return AccessListResult(listed, gas_used, error)
            previous = tracer
        raise ChainError(
            f"chain {self.name}: the access list did not settle after {_MAX_ACCESS_LIST_ROUNDS} runs "
            "(the call's path keeps changing with it); pass an accessList to start from"
        )

    def _execute_call(
        self,
        to: bytes | None,
        data: bytes,
        *,
        sender: bytes | None,
        value: int,
        gas: int | None,
        block: int | None,
        gas_price: int | None = None,
    ) -> ComputationAPI:
        header = self._read_header(block)
        if gas_price is None and getattr(header, "base_fee_per_gas", None) is not None:
            header = header.copy(base_fee_per_gas=0)
        vm = self._evm.get_vm(header)
        from_ = sender if sender is not None else constants.ZERO_ADDRESS
        state = vm.state
        gas = gas if gas is not None else int(header.gas_limit)
        needed = value + gas * (gas_price or 0)
        if needed and state.get_balance(from_) < needed:
            state.set_balance(from_, needed)
        tx = vm.create_unsigned_transaction(
            nonce=state.get_nonce(from_),
            gas_price=gas_price or 0,
            gas=gas,
            to=to if to is not None else constants.CREATE_CONTRACT_ADDRESS,
            value=value,
            data=data,
        )
        spoofed = SpoofTransaction(tx, from_=from_)
        if gas_price:
            # The fee is real here (BASEFEE and GASPRICE must show it); the state is thrown away.
            return cast(ComputationAPI, state.apply_transaction(spoofed))
        return cast(ComputationAPI, state.costless_execute_transaction(spoofed))

    # ------------------------------------------------------------------ transactions

    def decode_raw_transaction(self, raw: bytes) -> SignedTransactionAPI:
        """Decode a signed raw transaction and check that it was signed for this chain.

        Raises :class:`ChainIdMismatch` for another chain id or an unprotected (pre-EIP-155)
        signature, :class:`InvalidTransaction` when it cannot be decoded or its signature is bad.
        """
        try:
            tx = self._evm.get_vm().get_transaction_builder().decode(raw)
            tx.check_signature_validity()
        except Exception as exc:
            raise InvalidTransaction(f"cannot decode transaction: {exc}") from exc
        signed_for = tx.chain_id
        if signed_for is None:
            raise ChainIdMismatch(
                f"transaction is not replay-protected (pre-EIP-155 signature); sign it for chain {self.chain_id}"
            )
        if signed_for != self.chain_id:
            raise ChainIdMismatch(
                f"transaction was signed for chain {signed_for} but sent to chain {self.name} ({self.chain_id}); "
                "sign it with this chain's id"
            )
        return cast(SignedTransactionAPI, tx)

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
        tx_hash = bytes(tx.hash)
        sender = bytes(tx.sender)
        nonce = int(tx.nonce)
        pending = [i for i, p in enumerate(self._pool) if bytes(p.sender) == sender]
        waiting = [self._pool[i] for i in pending if int(self._pool[i].nonce) == nonce]
        waiting += [q for q in [self._queued.get(sender, {}).get(nonce)] if q is not None]
        if any(bytes(w.hash) == tx_hash for w in waiting):
            raise InvalidTransaction(f"already known: transaction 0x{tx_hash.hex()} is already in the pool")
        state_nonce = self.nonce(sender)
        if nonce < state_nonce:
            raise InvalidTransaction(f"nonce too low: address {_checksum(sender)}, tx: {nonce} state: {state_nonce}")
        self._validate_for_pool(tx)
        next_nonce = state_nonce + len(pending)
        if nonce < next_nonce:
            index = next(i for i in pending if int(self._pool[i].nonce) == nonce)
            _check_replacement(self._pool[index], tx)
            self._pool[index] = tx
        elif nonce == next_nonce:
            if len(self._pool) >= PENDING_LIMIT_TOTAL:
                raise InvalidTransaction(
                    f"txpool is full: {len(self._pool)} pending transactions (geth's limit is {PENDING_LIMIT_TOTAL}); "
                    "mine them (evm_mine) or turn automine on, then retry"
                )
            self._pool.append(tx)
            self._promote(sender)
        else:
            self._enqueue(sender, tx, next_nonce)
        if self.automine and self._pool:
            self.mine_pending()
        return tx_hash

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
        state_nonce = self.nonce(sender)
        for stale in [n for n in queue if n < state_nonce]:
            del queue[stale]
        next_nonce = state_nonce + sum(1 for p in self._pool if bytes(p.sender) == sender)
        while next_nonce in queue:
            tx = queue.pop(next_nonce)
            if self._affordable(tx):
                self._pool.append(tx)
                next_nonce += 1
            # an unaffordable one is dropped, as geth drops unpayable transactions; the rest wait on the gap
        if not queue:
            del self._queued[sender]

    def _promote_all(self) -> None:
        for sender in list(self._queued):
            self._promote(sender)

    def _affordable(self, tx: SignedTransactionAPI) -> bool:
        max_fee = int(getattr(tx, "max_fee_per_gas", None) or tx.gas_price)
        return self.balance(bytes(tx.sender)) >= tx.gas * max_fee + tx.value

    def _validate_for_pool(self, tx: SignedTransactionAPI) -> None:
        sender = tx.sender
        base_fee = int(self._evm.header.base_fee_per_gas)
        max_fee = int(getattr(tx, "max_fee_per_gas", None) or tx.gas_price)
        if max_fee < base_fee:
            raise InvalidTransaction(f"max fee per gas {max_fee} is below the base fee {base_fee}")
        if tx.gas > int(self.head.header.gas_limit):
            raise InvalidTransaction(f"gas {tx.gas} exceeds the block gas limit {self.head.header.gas_limit}")
        cost = tx.gas * max_fee + tx.value
        balance = self.balance(sender)
        if balance < cost:
            raise InvalidTransaction(f"insufficient funds for gas * price + value: balance {balance}, need {cost}")
        intrinsic = tx.intrinsic_gas
        if tx.gas < intrinsic:
            raise InvalidTransaction(f"intrinsic gas too low: gas {tx.gas}, need {intrinsic}")

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
        sender = key.public_key.to_canonical_address()
        if nonce is None:
            nonce = self.nonce(sender) + sum(1 for p in self._pool if p.sender == sender)
        if max_fee_per_gas is None:
            max_fee_per_gas = 2 * int(self._evm.header.base_fee_per_gas) + max_priority_fee_per_gas
        builder = self._evm.get_vm().get_transaction_builder()
        unsigned = builder.new_unsigned_dynamic_fee_transaction(
            chain_id=self.chain_id,
            nonce=nonce,
            max_priority_fee_per_gas=max_priority_fee_per_gas,
            max_fee_per_gas=max_fee_per_gas,
            gas=gas if gas is not None else _DEFAULT_TX_GAS,
            to=to if to is not None else constants.CREATE_CONTRACT_ADDRESS,
            value=value,
            data=data,
            access_list=(),
        )
        return cast(SignedTransactionAPI, unsigned.as_signed_transaction(key))

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
        if self._pool:
            raise ChainError("system calls need an empty pool; mine the pending transactions first")
        if not calls:
            raise ChainError("system_calls needs at least one call")
        record = self._mine([], calls)
        self._promote_all()
        self._after_mine()
        return list(record.receipts[-len(calls) :])

    def _after_mine(self) -> None:
        for hook in list(self.after_mine):
            hook(self)

    def _system_txs(self, calls: Sequence[SystemCall], used: dict[bytes, int]) -> list[SignedTransactionAPI]:
        txs = []
        for call in calls:
            sender = bytes(call.sender)
            nonce = self.nonce(sender) + used.get(sender, 0)
            used[sender] = used.get(sender, 0) + 1
            txs.append(
                self.impersonated_transaction(sender, call.to, call.data, value=call.value, gas=call.gas, nonce=nonce)
            )
        return txs

    def _system_tx(self, sender: bytes, to: bytes | None, data: bytes, value: int, gas: int) -> SignedTransactionAPI:
        return self.impersonated_transaction(sender, to, data, value=value, gas=gas, nonce=self.nonce(sender))

    def impersonated_transaction(
        self,
        sender: bytes,
        to: bytes | None,
        data: bytes = b"",
        *,
        value: int = 0,
        gas: int = _DEFAULT_TX_GAS,
        nonce: int | None = None,
        gas_price: int | None = None,
    ) -> SignedTransactionAPI:
        """A legacy transaction that claims ``sender`` without its key (anvil's impersonation).

        Pass it to :meth:`submit`; it pays gas like any other. ``nonce`` defaults to the next one
        including pending transactions, ``gas_price`` to the next block's base fee.
        """
        vm = self._evm.get_vm()
        price = self.next_base_fee if gas_price is None else gas_price
        if nonce is None:
            nonce = self.nonce(sender) + sum(1 for p in self._pool if p.sender == sender)
        dummy = PrivateKey(keccak(b"zkconnect-system-path" + sender))
        signed = vm.create_unsigned_transaction(
            nonce=nonce,
            gas_price=price,
            gas=gas,
            to=to if to is not None else constants.CREATE_CONTRACT_ADDRESS,
            value=value,
            data=data,
        ).as_signed_transaction(dummy, chain_id=self.chain_id)
        base = type(signed)
        cls = self._system_tx_class.get(base)
        if cls is None:
            cls = type(
                "SystemTransaction",
                (base,),
                {
                    "sender": property(lambda self: self._zk_sender),
                    "get_sender": lambda self: self._zk_sender,
                    "check_signature_validity": lambda self: None,
                },
            )
            self._system_tx_class[base] = cls
        tx = cls(**{name: getattr(signed, name) for name, _ in base._meta.fields})
        object.__setattr__(tx, "_zk_sender", bytes(sender))
        return cast(SignedTransactionAPI, tx)

    # ------------------------------------------------------------------ mining

    def mine(self, count: int = 1) -> list[BlockRecord]:
        """Mine the pending pool into one block, then ``count - 1`` more blocks (each takes what is still pending).

        As on a real node, a transaction whose gas limit does not fit in what is left of the block's gas
        stays pending for the next block, and so do the later transactions of its sender.
        """
        records = []
        for _ in range(count):
            self._promote_all()  # a dev edit (anvil_setNonce) may have closed a gap
            pending = list(self._pool)
            self._pool.clear()
            records.append(self._mine(pending))
            self._promote_all()
        self._after_mine()
        return records

    def mine_pending(self) -> list[BlockRecord]:
        """Mine blocks until the pool is empty (at least one block)."""
        records = self.mine()
        while self._pool:
            records.extend(self.mine())
        return records

    def _mine(self, txs: list[SignedTransactionAPI], calls: Sequence[SystemCall] = ()) -> BlockRecord:
        prelude = [call for hook in self.block_preludes for call in hook()]
        system_txs = self._system_txs([*prelude, *calls], {}) if prelude or calls else []
        system = {bytes(tx.hash) for tx in system_txs}
        txs = system_txs + txs
        parent = self.head.header
        timestamp = self.clock.block_timestamp(int(parent.timestamp))
        header = self._evm.header.copy(timestamp=timestamp, state_root=self._pending_root)
        vm = self._evm.get_vm(header)
        state = vm.state
        receipts = []
        results: list[_TxResult] = []
        restore: list[tuple[bytes, int]] = []
        result_header = header
        deferred: list[SignedTransactionAPI] = []
        blocked: set[bytes] = set()
        dropped: set[bytes] = set()
        requeued: list[SignedTransactionAPI] = []
        included: list[SignedTransactionAPI] = []
        for tx in txs:
            sender = bytes(tx.sender)
            is_system = bytes(tx.hash) in system
            if not is_system and sender in dropped:
                requeued.append(tx)  # its sender's earlier transaction was dropped: it waits on that gap again
                continue
            if not is_system and (
                sender in blocked or tx.gas > int(result_header.gas_limit) - int(result_header.gas_used)
            ):
                deferred.append(tx)  # the block is full for it: next block, with its sender's later nonces
                blocked.add(sender)
                continue
            for hook in self.pre_transaction_hooks:
                hook(state, len(included))
            if is_system:
                before = state.get_balance(sender)
                state.set_balance(sender, before + tx.gas * tx.gas_price + tx.value)
                restore.append((sender, before))
            try:
                receipt, computation = vm.apply_transaction(result_header, tx)
            except ValidationError as exc:
                if is_system:
                    raise InvalidTransaction(str(exc)) from exc
                # accepted earlier, no longer valid (funds spent, nonce moved by a dev edit): geth's miner skips
                # it and its pool drops it
                dropped.add(sender)
                continue
            included.append(tx)
            if is_system:
                state.set_balance(sender, restore[-1][1])
            result_header = vm.add_receipt_to_header(result_header, receipt)
            receipts.append(receipt)
            results.append(_TxResult.of(computation, sender, int(tx.nonce)))
        txs = included
        self._pool[:0] = deferred
        for tx in requeued:
            self._queued.setdefault(bytes(tx.sender), {})[int(tx.nonce)] = tx
        state.persist()
        result_header = result_header.copy(state_root=state.state_root)
        block = vm.set_block_transactions_and_withdrawals(vm.get_block(), result_header, txs, receipts)
        mined = vm.mine_block(block, mix_hash=keccak(bytes(parent.hash) + b"prevrandao")).block
        self._evm.persist_block(mined, perform_validation=False)
        self._evm.header = self._evm.create_header_from_parent(mined.header)
        self._pending_root = bytes(mined.header.state_root)
        record = self._record(mined.header, tuple(txs), receipts, results, system)
        self._blocks.append(record)
        for i, tx in enumerate(txs):
            self._tx_index[bytes(tx.hash)] = (record.number, i)
        for listener in list(self.block_listeners):
            listener(record)
        return record

    def _record(
        self,
        header: BlockHeaderAPI,
        txs: tuple[SignedTransactionAPI, ...],
        receipts: Sequence[Any],
        results: Sequence[_TxResult],
        system: set[bytes],
    ) -> BlockRecord:
        number = int(header.block_number)
        block_hash = bytes(header.hash)
        base_fee = int(getattr(header, "base_fee_per_gas", 0) or 0)
        out: list[Receipt] = []
        log_index = 0
        previous_cumulative = 0
        for i, (tx, raw, result) in enumerate(zip(txs, receipts, results, strict=True)):
            sender, nonce, status, output = result.sender, result.nonce, result.status, result.output
            tx_hash = bytes(tx.hash)
            logs = []
            for entry in raw.logs:
                logs.append(
                    Log(
                        address=bytes(entry.address),
                        topics=tuple(t.to_bytes(32, "big") for t in entry.topics),
                        data=bytes(entry.data),
                        block_number=number,
                        block_hash=block_hash,
                        tx_hash=tx_hash,
                        tx_index=i,
                        log_index=log_index,
                    )
                )
                log_index += 1
            creation = tx.to == constants.CREATE_CONTRACT_ADDRESS
            contract = None
            if creation:
                from eth._utils.address import generate_contract_address

                contract = bytes(generate_contract_address(cast(Any, sender), nonce))
            max_fee = getattr(tx, "max_fee_per_gas", None)
            if max_fee is not None:
                price = min(int(max_fee), base_fee + int(tx.max_priority_fee_per_gas))
            else:
                price = int(tx.gas_price)
            cumulative = int(raw.gas_used)
            out.append(
                Receipt(
                    tx_hash=tx_hash,
                    tx_index=i,
                    block_number=number,
                    block_hash=block_hash,
                    sender=sender,
                    to=None if creation else bytes(tx.to),
                    contract_address=contract if status == 1 else None,
                    status=status,
                    gas_used=cumulative - previous_cumulative,
                    cumulative_gas_used=cumulative,
                    effective_gas_price=price,
                    logs=tuple(logs),
                    output=output,
                    tx_type=int(getattr(tx, "type_id", None) or 0),
                    system=tx_hash in system,
                    post_state_root=result.post_state_root,
                )
            )
            previous_cumulative = cumulative
        return BlockRecord(header, txs, tuple(out))

    # ------------------------------------------------------------------ snapshots

    def snapshot(self) -> int:
        """Remember the current state; returns an id for :meth:`revert`."""
        sid = self._next_snapshot
        self._next_snapshot += 1
        self._snapshots[sid] = _ChainSnapshot(
            len(self._blocks), self._pending_root, tuple(self._pool), self.queued_transactions
        )
        return sid

    def revert(self, snapshot_id: int) -> None:
        """Go back to a snapshot. It and every later snapshot are consumed (as in anvil)."""
        snap = self._snapshots.get(snapshot_id)
        if snap is None:
            raise UnknownSnapshot(f"chain {self.name} has no snapshot {snapshot_id} (already reverted, or never taken)")
        for sid in [s for s in self._snapshots if s >= snapshot_id]:
            del self._snapshots[sid]
        for record in self._blocks[snap.height :]:
            for tx in record.transactions:
                self._tx_index.pop(bytes(tx.hash), None)
        del self._blocks[snap.height :]
        header = self.head.header
        chaindb = self._evm.chaindb
        chaindb._set_as_canonical_chain_head(chaindb.db, header, _GENESIS_PARENT_HASH)
        self._evm.header = self._evm.create_header_from_parent(header)
        self._pending_root = snap.pending_state_root
        self._pool = list(snap.pool)
        self._queued = {}
        for tx in snap.queued:
            self._queued.setdefault(bytes(tx.sender), {})[int(tx.nonce)] = tx

    def __repr__(self) -> str:
        return f"<Chain {self.name} id={self.chain_id} head={self.block_number}>"
