"""Every error zkconnect raises, under one root.

Each class also derives from the builtin it resembles, so callers may catch either
``ZkConnectError`` ("anything from zkconnect") or the ordinary builtin::

    ZkConnectError
    ├── ConfigError(ValueError)            bad devnet.toml / env / CLI value: names file, key, value
    ├── EncodingError(ValueError)          bytes or values outside a v31 wire format (ABI, ERC-7930, ...)
    │   └── ProofFormatError               malformed inclusion proof: ``code`` names the Solidity error
    ├── MerkleIndexError(IndexError)       a leaf index outside a Merkle tree
    ├── ArtifactError(FileNotFoundError)   compiled contract missing or stale
    ├── CompilerError(RuntimeError)        Solidity did not compile
    ├── ChainError(RuntimeError)           the engine refused something
    │   ├── ChainIdMismatch(ValueError)    a transaction signed for another chain
    │   ├── InvalidTransaction(ValueError) bad nonce, fee, gas, funds or signature
    │   ├── TransactionReverted            execution reverted: carries the raw revert data
    │   └── UnknownSnapshot(KeyError)      revert to an id that does not exist
    ├── InteropError(RuntimeError)         the settlement pipeline or relayer could not proceed
    │   ├── ProofUnavailable(LookupError)  the message is not provable yet
    │   ├── SettlementError                a settlement layer refused a batch: the chain is stalled
    │   └── ChainMigrationError            a chain cannot change its settlement layer now (not drained)
    └── AssetError                         an asset operation (bridge, migration, transfer) reverted
"""

from __future__ import annotations

from typing import Protocol

__all__ = [
    "ArtifactError",
    "AssetError",
    "ChainError",
    "ChainIdMismatch",
    "ChainMigrationError",
    "CompilerError",
    "ConfigError",
    "EncodingError",
    "InteropError",
    "InvalidTransaction",
    "MerkleIndexError",
    "ProofFormatError",
    "ProofUnavailable",
    "SettlementError",
    "TransactionReverted",
    "UnknownSnapshot",
    "ZkConnectError",
]


class _HasOutput(Protocol):
    """What :class:`AssetError` reads of a receipt (errors.py sits below the engine and cannot import it)."""

    @property
    def output(self) -> bytes:
        """The transaction's return or revert data."""
        ...


class ZkConnectError(Exception):
    """Root of every error raised by zkconnect."""


class ConfigError(ZkConnectError, ValueError):
    """The devnet configuration is invalid; the message names the source, key and value."""


class EncodingError(ZkConnectError, ValueError):
    """Bytes that do not decode as the v31 format they claim to be, or a value that cannot be encoded."""


class ProofFormatError(EncodingError):
    """A message inclusion proof is malformed.

    ``code`` is the name of the error the Solidity verifier raises for the same input (for
    example ``MerkleIndexOutOfBounds``), or, for checks only the strict Python verifier makes,
    a name of the same style (for example ``TrailingProofWords``).
    """

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        super().__init__(f"{code}: {detail}" if detail else code)


class MerkleIndexError(ZkConnectError, IndexError):
    """A leaf index outside a Merkle tree (or beyond a fixed-size tree's capacity)."""


class ArtifactError(ZkConnectError, FileNotFoundError):
    """A compiled contract artifact is missing or does not match its sources."""


class CompilerError(ZkConnectError, RuntimeError):
    """The Solidity compiler is unavailable or reported errors."""


class ChainError(ZkConnectError, RuntimeError):
    """The in-process chain engine refused an operation."""


class ChainIdMismatch(ChainError, ValueError):
    """A signed transaction names a chain id other than the chain it was sent to."""


class InvalidTransaction(ChainError, ValueError):
    """A transaction cannot be included: bad nonce, fee, gas, funds or signature."""


class TransactionReverted(ChainError):
    """Execution reverted.

    ``data`` holds the exact revert bytes (an ``Error(string)``, a ``Panic(uint256)`` or a
    custom error), ``reason`` a best-effort human reading of them.
    """

    def __init__(self, data: bytes, reason: str = "", *, tx_hash: bytes | None = None) -> None:
        self.data = data
        self.reason = reason
        self.tx_hash = tx_hash
        shown = reason or ("0x" + data.hex() if data else "no revert data")
        super().__init__(f"execution reverted: {shown}")


class UnknownSnapshot(ChainError, KeyError):
    """A snapshot id that was never taken, or was discarded by an earlier revert."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown snapshot"


class InteropError(ZkConnectError, RuntimeError):
    """The settlement pipeline or the relayer could not make progress."""


class ProofUnavailable(InteropError, LookupError):
    """No inclusion proof exists yet for the requested message (it has not settled)."""


class SettlementError(InteropError):
    """A batch could not be executed on its settlement layer; the chain is stalled until it is fixed."""


class ChainMigrationError(InteropError):
    """A chain cannot change its settlement layer now; the message says what to do first."""


class AssetError(ZkConnectError):
    """An asset operation reverted; the message names the contract error and what to do.

    ``receipt`` is the failed transaction's receipt (any object with an ``output`` attribute), if there was one.
    """

    def __init__(self, message: str, *, receipt: _HasOutput | None = None) -> None:
        super().__init__(message)
        self.receipt = receipt

    @property
    def revert_data(self) -> bytes:
        """The exact revert bytes of the failed transaction (empty if there was none)."""
        return self.receipt.output if self.receipt is not None else b""
