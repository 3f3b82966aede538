"""zkconnect: a local devnet for crosschain development on ZKsync Connect.

An L1, ZKsync Gateway and several ZK chains run as in-process py-evm chains sharing one clock.
Start here::

    from zkconnect import Devnet
    devnet = Devnet()            # default topology (devnet.toml)
    zk_a = devnet["zk-a"]        # a Chain, by name or chain id
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from zkconnect.errors import (
    ArtifactError,
    ChainError,
    ChainIdMismatch,
    CompilerError,
    ConfigError,
    InteropError,
    InvalidTransaction,
    ProofUnavailable,
    TransactionReverted,
    UnknownSnapshot,
    ZkConnectError,
)

if TYPE_CHECKING:
    from zkconnect.accounts import DevAccount, dev_accounts
    from zkconnect.config import ChainConfig, DevnetConfig, default_config, load_config
    from zkconnect.devnet import Devnet
    from zkconnect.engine.chain import Chain, GenesisAccount, Log, Receipt
    from zkconnect.engine.clock import Clock
    from zkconnect.interop.ledger import Entry, Stage
    from zkconnect.interop.relayer import Relayer, RelayReport
    from zkconnect.interop.settlement import LogProof
    from zkconnect.protocol.messages import InteropCallStarter, format_evm_v1

# Imported on first use: the pytest plugin loads this package in every pytest run, and the EVM
# stack behind these names takes most of a second to import.
_LAZY = {
    "DevAccount": "zkconnect.accounts",
    "dev_accounts": "zkconnect.accounts",
    "Chain": "zkconnect.engine.chain",
    "GenesisAccount": "zkconnect.engine.chain",
    "Log": "zkconnect.engine.chain",
    "Receipt": "zkconnect.engine.chain",
    "Clock": "zkconnect.engine.clock",
    "ChainConfig": "zkconnect.config",
    "DevnetConfig": "zkconnect.config",
    "default_config": "zkconnect.config",
    "load_config": "zkconnect.config",
    "Devnet": "zkconnect.devnet",
    "Entry": "zkconnect.interop.ledger",
    "Stage": "zkconnect.interop.ledger",
    "RelayReport": "zkconnect.interop.relayer",
    "Relayer": "zkconnect.interop.relayer",
    "LogProof": "zkconnect.interop.settlement",
    "InteropCallStarter": "zkconnect.protocol.messages",
    "format_evm_v1": "zkconnect.protocol.messages",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'zkconnect' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
    "ArtifactError",
    "Chain",
    "ChainConfig",
    "ChainError",
    "ChainIdMismatch",
    "Clock",
    "CompilerError",
    "ConfigError",
    "DevAccount",
    "Devnet",
    "DevnetConfig",
    "Entry",
    "GenesisAccount",
    "InteropCallStarter",
    "InteropError",
    "InvalidTransaction",
    "Log",
    "LogProof",
    "ProofUnavailable",
    "Receipt",
    "RelayReport",
    "Relayer",
    "Stage",
    "TransactionReverted",
    "UnknownSnapshot",
    "ZkConnectError",
    "__version__",
    "default_config",
    "dev_accounts",
    "format_evm_v1",
    "load_config",
]
