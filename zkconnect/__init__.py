"""zkconnect: a local devnet for crosschain development on ZKsync Connect.

An L1, ZKsync Gateway and several ZK chains run as in-process py-evm chains sharing one clock.
Start here::

    from zkconnect import Devnet
    devnet = Devnet()            # default topology (devnet.toml)
    zk_a = devnet["zk-a"]        # a Chain, by name or chain id
"""

from zkconnect.accounts import DevAccount, dev_accounts
from zkconnect.chain import Chain, GenesisAccount, Log, Receipt
from zkconnect.clock import Clock
from zkconnect.config import ChainConfig, DevnetConfig, default_config, load_config
from zkconnect.devnet import Devnet
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
    "GenesisAccount",
    "InteropError",
    "InvalidTransaction",
    "Log",
    "ProofUnavailable",
    "Receipt",
    "TransactionReverted",
    "UnknownSnapshot",
    "ZkConnectError",
    "__version__",
    "default_config",
    "dev_accounts",
    "load_config",
]
