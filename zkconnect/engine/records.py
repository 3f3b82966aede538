"""The records a :class:`~zkconnect.engine.chain.Chain` hands out: blocks, receipts, logs, proofs, calls.

Plain frozen values with no behaviour beyond reading themselves, shared by the chain and its collaborators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from eth.abc import BlockHeaderAPI, ComputationAPI, ReceiptAPI, SignedTransactionAPI
from eth.exceptions import Revert

from zkconnect.errors import TransactionReverted
from zkconnect.protocol.reverts import decode_revert_reason

__all__ = [
    "DEFAULT_BASE_FEE",
    "DEFAULT_GAS_LIMIT",
    "DEFAULT_TX_GAS",
    "SYSTEM_TX_GAS",
    "AccessListResult",
    "AccountProof",
    "BlockRecord",
    "GenesisAccount",
    "Log",
    "Receipt",
    "StorageProof",
    "SystemCall",
    "TxResult",
]

DEFAULT_GAS_LIMIT = 60_000_000
DEFAULT_BASE_FEE = 1_000_000_000
SYSTEM_TX_GAS = 30_000_000
"""Gas of each system call unless told otherwise."""
DEFAULT_TX_GAS = 10_000_000
"""Gas of a signed or impersonated transaction unless told otherwise."""


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
class TxResult:
    """What one executed transaction left for its receipt: sender, nonce, status and output."""

    sender: bytes
    nonce: int
    status: int
    output: bytes
    post_state_root: bytes | None = None

    @classmethod
    def of(cls, computation: ComputationAPI, sender: bytes, nonce: int) -> TxResult:
        """The result of a transaction this chain just executed."""
        status = 0 if computation.is_error else 1
        output = bytes(computation.output) if (status == 1 or isinstance(computation.error, Revert)) else b""
        return cls(sender, nonce, status, output)

    @classmethod
    def from_stored(cls, tx: SignedTransactionAPI, receipt: ReceiptAPI) -> TxResult:
        """The result of a stored (perhaps imported) transaction: no output, status or pre-Byzantium root."""
        root = bytes(receipt.state_root)
        if len(root) == 32:
            return cls(bytes(tx.sender), int(tx.nonce), 1, b"", root)
        return cls(bytes(tx.sender), int(tx.nonce), 1 if root == b"\x01" else 0, b"")
