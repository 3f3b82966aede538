"""Genesis states with every interop contract in place, built once per topology and reused.

Installing the contracts takes a few dozen system transactions per chain. A devnet should not
pay that on every start or every test session, so :func:`devnet_genesis` runs the installers of
:mod:`zkconnect.genesis.system_contracts` once on scratch chains, keeps the resulting state tries, and
every :class:`~zkconnect.devnet.Devnet` of the same topology starts its chains *from* those
states at block 0: startup deploys nothing and every chain begins at batch 0, which counts as
settled. The installers never record block numbers, so the states do not depend on how many
blocks the scratch chains mined.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eth_keys.datatypes import PrivateKey
from eth_utils.crypto import keccak

from zkconnect.accounts import DevAccount, dev_accounts
from zkconnect.config import ChainConfig, DevnetConfig
from zkconnect.engine.chain import Chain, GenesisAccount
from zkconnect.engine.clock import Clock
from zkconnect.errors import ConfigError
from zkconnect.genesis.asset_contracts import install_asset_contracts, install_gateway_asset_balances
from zkconnect.genesis.l1_bridge import L1Bridge, base_token_l1_address, connect_l2_asset_routers, install_l1_bridge
from zkconnect.genesis.system_contracts import (
    GatewayContracts,
    GatewaySettledChain,
    InteropPeer,
    L1Contracts,
    L1SettledChain,
    L2SystemContracts,
    install_gateway_contracts,
    install_l1_contracts,
    install_l2_system_contracts,
)
from zkconnect.protocol.addresses import ETH_TOKEN_ADDRESS, eth_asset_id, ntv_asset_id

__all__ = [
    "RELAYER_KEY",
    "VALIDATOR",
    "DevnetContracts",
    "Genesis",
    "base_token_address",
    "devnet_genesis",
]

VALIDATOR = keccak(b"zkconnect:validator")[12:]
"""Keyless operator that executes batches on Gateway and L1 (reached only through the system path)."""
RELAYER_KEY = keccak(b"zkconnect:relayer")
"""Private key of the relayer account that submits ``executeBundle`` on destination chains."""
RELAYER_BALANCE = 10**30
"""Wei the relayer holds on every chain at genesis."""


def base_token_address(config: DevnetConfig, chain: ChainConfig) -> bytes:
    """The L1 address standing for a chain's base token (``0x…01`` for ETH)."""
    if chain.base_token == "ETH":
        return ETH_TOKEN_ADDRESS
    return base_token_l1_address(chain.base_token)


def _base_asset(config: DevnetConfig, chain: ChainConfig) -> bytes:
    if chain.base_token == "ETH":
        return eth_asset_id(config.l1.chain_id)
    return ntv_asset_id(config.l1.chain_id, base_token_address(config, chain))


@dataclass(frozen=True)
class DevnetContracts:
    """Where everything was installed: per-L2 system contracts, Gateway's executors, the L1 contracts."""

    l1: L1Contracts
    gateway: GatewayContracts | None
    l2: Mapping[int, L2SystemContracts]
    validator: bytes
    relayer: DevAccount
    l1_bridge: L1Bridge | None = None

    def base_token_asset_id(self, chain_id: int) -> bytes:
        """The base-token asset id of an L2 (ZK chain or Gateway)."""
        return self.l2[chain_id].base_token_asset_id


@dataclass(frozen=True)
class Genesis:
    """Per-chain genesis states (state root and trie entries) and the installed contracts."""

    states: Mapping[str, tuple[bytes, Mapping[bytes, bytes]]]
    contracts: DevnetContracts


def _relayer() -> DevAccount:
    return DevAccount(RELAYER_KEY, PrivateKey(RELAYER_KEY).public_key.to_canonical_address())


def devnet_genesis(config: DevnetConfig) -> Genesis:
    """The genesis of ``config``'s topology (cached per topology, accounts and fee).

    Built once per process, and kept on disk (see :func:`genesis_cache_dir`) keyed by the topology,
    the compiled artifacts and zkconnect's own sources, so a later process deploys nothing at startup.
    """
    return _cached(_Key.of(config))


_KEEP_CACHED = 16


def genesis_cache_dir() -> Path | None:
    """Where genesis states are cached: ``$ZKCONNECT_CACHE_DIR``, else ``$XDG_CACHE_HOME/zkconnect``, else
    ``~/.cache/zkconnect``. ``ZKCONNECT_CACHE_DIR=off`` disables the disk cache."""
    chosen = os.environ.get("ZKCONNECT_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "zkconnect"


@lru_cache(maxsize=8)
def _cached(key: _Key) -> Genesis:
    directory = genesis_cache_dir()
    if directory is None:
        return _build(key)
    path = directory / f"genesis-{_fingerprint(key)}.pickle"
    with suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        found = pickle.loads(path.read_bytes())
        if isinstance(found, Genesis):
            return found
    genesis = _build(key)
    with suppress(OSError):  # a read-only or full disk only costs the next start its cache
        directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(genesis, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
        for stale in sorted(directory.glob("genesis-*.pickle"), key=lambda p: p.stat().st_mtime)[:-_KEEP_CACHED]:
            stale.unlink()
    return genesis


def _fingerprint(key: _Key) -> str:
    """Topology + every compiled artifact + every zkconnect source: any change builds a new genesis."""
    digest = hashlib.sha256(repr(key).encode())
    package = Path(__file__).resolve().parent
    for source in sorted([*package.glob("*.py"), *(package / "artifacts").glob("*.json")]):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class _Key:
    chains: tuple[tuple[str, int, str, str | None, str], ...]
    mnemonic: str
    accounts: int
    balance_eth: int
    interop_fee: int

    @classmethod
    def of(cls, config: DevnetConfig) -> _Key:
        return cls(
            chains=tuple((c.name, c.chain_id, c.role, c.settlement, c.base_token) for c in config.all_chains),
            mnemonic=config.mnemonic,
            accounts=config.accounts,
            balance_eth=config.account_balance_eth,
            interop_fee=config.interop_fee_wei,
        )


def _build(key: _Key) -> Genesis:
    configs = [ChainConfig(name, cid, 0, role, settlement, base) for name, cid, role, settlement, base in key.chains]  # type: ignore[arg-type]
    by_name = {c.name: c for c in configs}
    l1 = next(c for c in configs if c.role == "l1")
    gateway = next((c for c in configs if c.role == "gateway"), None)
    zk = [c for c in configs if c.role == "zk"]
    fake = DevnetConfig(l1=l1, gateway=gateway, chains=tuple(zk))

    relayer = _relayer()
    balance = key.balance_eth * 10**18
    alloc = {a.address: GenesisAccount(balance=balance) for a in dev_accounts(key.mnemonic, key.accounts)}
    alloc[relayer.address] = GenesisAccount(balance=RELAYER_BALANCE)
    clock = Clock()
    chains = {c.name: Chain(c.chain_id, clock, alloc, name=c.name) for c in configs}

    def settles_on(c: ChainConfig) -> ChainConfig:
        if c.settlement is None:
            raise ConfigError(f"chain {c.name} has no settlement layer")
        return by_name[c.settlement]

    l2: dict[int, L2SystemContracts] = {}
    for c in zk:
        layer = settles_on(c)
        if layer.role == "zk":
            raise ConfigError(f"chain {c.name} settles on {layer.name}, a ZK chain; settle on the Gateway or on L1")
        # Interop registration only accepts chains on the same non-L1 settlement layer (ChainRegistrationSender).
        peers = [
            InteropPeer(p.chain_id, _base_asset(fake, p))
            for p in zk
            if p.chain_id != c.chain_id and layer.role != "l1" and p.settlement == c.settlement
        ]
        l2[c.chain_id] = install_l2_system_contracts(
            chains[c.name],
            l1_chain_id=l1.chain_id,
            settlement_layer_chain_id=layer.chain_id,
            gateway_chain_id=gateway.chain_id if gateway else l1.chain_id,
            base_token_asset_id=_base_asset(fake, c),
            interop_fee=key.interop_fee,
            peers=peers,
        )
    gateway_contracts = None
    if gateway is not None:
        settled = [
            GatewaySettledChain(c.chain_id, VALIDATOR, _base_asset(fake, c)) for c in zk if c.settlement == gateway.name
        ]
        gateway_contracts = install_gateway_contracts(
            chains[gateway.name],
            l1_chain_id=l1.chain_id,
            base_token_asset_id=_base_asset(fake, gateway),
            settled_chains=settled,
            interop_fee=key.interop_fee,
        )
        l2[gateway.chain_id] = gateway_contracts.system
    # Asset contracts (router, vault, L2 tracker) on every L2; Gateway's tracker learns each chain's base-token supply.
    for c in (*zk, *([gateway] if gateway else [])):
        install_asset_contracts(
            chains[c.name],
            l1_chain_id=l1.chain_id,
            base_token_asset_id=_base_asset(fake, c),
            base_token_l1_address=base_token_address(fake, c),
        )
    supply = sum(a.balance for a in alloc.values())  # each L2's genesis base token
    if gateway is not None:
        install_gateway_asset_balances(
            chains[gateway.name],
            [(c.chain_id, _base_asset(fake, c), supply) for c in zk if c.settlement == gateway.name],
        )
    registered = []
    if gateway is not None:
        registered.append(
            L1SettledChain(
                gateway.chain_id,
                VALIDATOR,
                _base_asset(fake, gateway),
                base_token_address(fake, gateway),
                is_settlement_layer=True,
            )
        )
    for c in zk:
        layer = settles_on(c)
        registered.append(
            L1SettledChain(
                c.chain_id,
                VALIDATOR,
                _base_asset(fake, c),
                base_token_address(fake, c),
                settlement_layer_chain_id=None if layer.role == "l1" else layer.chain_id,
            )
        )
    l1_contracts = install_l1_contracts(chains[l1.name], chains=registered)
    l1_bridge = install_l1_bridge(
        chains[l1.name],
        l1_contracts,
        base_token_symbols=[c.base_token for c in configs],
        funded=[a.address for a in dev_accounts(key.mnemonic, key.accounts)],
        genesis_balances=[(c.chain_id, c.base_token, supply) for c in configs if c.role != "l1"],
    )
    connect_l2_asset_routers([chains[c.name] for c in configs if c.role != "l1"], l1_bridge.asset_router)

    states: dict[str, tuple[bytes, Mapping[bytes, bytes]]] = {}
    for name, chain in chains.items():
        root, entries = chain.export_state()
        # content-addressed entries only (trie nodes, code): never the scratch chain's head pointers
        states[name] = (root, {k: v for k, v in entries.items() if len(k) == 32 and keccak(v) == k})
    contracts = DevnetContracts(
        l1=l1_contracts, gateway=gateway_contracts, l2=l2, validator=VALIDATOR, relayer=relayer, l1_bridge=l1_bridge
    )
    return Genesis(states=states, contracts=contracts)
