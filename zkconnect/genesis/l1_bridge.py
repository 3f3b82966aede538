"""The L1 shared bridge: installers for the L1AssetRouter, L1Nullifier, L1NativeTokenVault and L1AssetTracker.

:func:`install_l1_bridge` runs after :func:`~zkconnect.genesis.system_contracts.install_l1_contracts` (the Bridgehub,
message root and per-chain settlement/Mailbox contracts). It deploys the four bridge contracts keylessly, wires
them together, points ``Bridgehub.assetRouter()`` at the router, and deploys one real L1 ERC20 per ERC20 base
token of the topology, at an address that depends only on the token's symbol (:func:`base_token_l1_address`), so
genesis can name a chain's base-token asset id before L1 is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import rlp  # type: ignore[import-untyped]
from eth_utils.crypto import keccak

from zkconnect.artifacts import load
from zkconnect.engine.chain import Chain
from zkconnect.errors import ArtifactError, ConfigError
from zkconnect.genesis.asset_contracts import ASSET_DEPLOYER, BRIDGED_TOKEN_BEACON, BRIDGED_TOKEN_IMPLEMENTATION
from zkconnect.genesis.installer import calldata, deploy, system_call
from zkconnect.genesis.system_contracts import L1Contracts
from zkconnect.protocol.addresses import (
    COMPLEX_UPGRADER,
    DEVNET_DEPLOYER,
    ETH_TOKEN_ADDRESS,
    L2_ASSET_ROUTER,
    ntv_asset_id,
)

__all__ = [
    "L1_TO_L2_ALIAS_OFFSET",
    "L1Bridge",
    "apply_l1_to_l2_alias",
    "base_token_deployer",
    "base_token_l1_address",
    "connect_l2_asset_routers",
    "install_l1_bridge",
]

L1_TO_L2_ALIAS_OFFSET = 0x1111000000000000000000000000000000001111
"""Added to an L1 contract's address to form its L2 sender address."""

BASE_TOKEN_MINT = 1_000_000 * 10**18
"""How much of each ERC20 base token every funded account receives on L1."""


def apply_l1_to_l2_alias(address: bytes) -> bytes:
    """The L2 sender of an L1->L2 transaction sent by the L1 contract ``address``."""
    return ((int.from_bytes(address, "big") + L1_TO_L2_ALIAS_OFFSET) % 2**160).to_bytes(20, "big")


def base_token_deployer(symbol: str) -> bytes:
    """The keyless account that deploys the L1 ERC20 of base token ``symbol`` (as its first transaction)."""
    return keccak(b"zkconnect:base-token:" + symbol.encode())[12:]


def base_token_l1_address(symbol: str) -> bytes:
    """The L1 address of the ERC20 base token ``symbol``: the CREATE address of its deployer at nonce 0."""
    return keccak(rlp.encode([base_token_deployer(symbol), 0]))[12:]


@dataclass(frozen=True)
class L1Bridge:
    """The L1 shared bridge: where each contract lives, and the ERC20 base tokens by symbol."""

    bridgehub: bytes
    asset_router: bytes
    nullifier: bytes
    native_token_vault: bytes
    asset_tracker: bytes
    base_tokens: tuple[tuple[str, bytes], ...] = ()
    genesis_balances: tuple[tuple[int, str, int], ...] = ()
    """``(chain_id, base token symbol, amount)``: each L2's genesis base token, locked in the L1 vault."""

    def base_token(self, symbol: str) -> bytes:
        """The L1 ERC20 of base token ``symbol``."""
        for sym, address in self.base_tokens:
            if sym == symbol:
                return address
        raise KeyError(f"no ERC20 base token {symbol!r} on this devnet's L1")


def _install_bridged_token_beacon(chain: Chain, owner: bytes) -> bytes:
    """The BridgedStandardERC20 implementation and its UpgradeableBeacon on L1, deployed by the same keyless
    deployer as on the L2s (so the beacon has the same address, :data:`BRIDGED_TOKEN_BEACON`)."""
    if chain.nonce(ASSET_DEPLOYER) != 0:
        raise ConfigError("the asset deployer already sent transactions on L1; install the L1 bridge once")
    implementation = deploy(chain, ASSET_DEPLOYER, "BridgedStandardERC20", [], [])
    beacon = deploy(chain, ASSET_DEPLOYER, "UpgradeableBeacon", ["address", "address"], [implementation, owner])
    if (implementation, beacon) != (BRIDGED_TOKEN_IMPLEMENTATION, BRIDGED_TOKEN_BEACON):
        raise ConfigError("the bridged-token beacon landed at an unexpected address on L1")
    return beacon


def install_l1_bridge(
    chain: Chain,
    l1: L1Contracts,
    *,
    base_token_symbols: Iterable[str] = (),
    funded: Iterable[bytes] = (),
    genesis_balances: Iterable[tuple[int, str, int]] = (),
    owner: bytes = DEVNET_DEPLOYER,
    deployer: bytes = DEVNET_DEPLOYER,
) -> L1Bridge:
    """Deploy and wire the L1 shared bridge on ``chain`` (L1), after :func:`install_l1_contracts`.

    ``owner`` must be the Bridgehub's owner (it also owns the L1 beacon of bridged tokens). Each symbol of
    ``base_token_symbols`` gets a real L1 ERC20 at :func:`base_token_l1_address`, registered in the vault, with
    :data:`BASE_TOKEN_MINT` minted to every
    ``funded`` account. ``genesis_balances`` are ``(chain_id, base token symbol, amount)``: what each L2 holds
    of its base token at genesis, locked in the L1 vault and booked to the chain (or its settlement layer) by
    ``L1AssetTracker.initializeChainBalance``, so genesis funds withdraw to L1 like deposited ones. Mines one
    block per step.
    """
    if chain.chain_id != l1.l1_chain_id:
        raise ConfigError(f"installing L1 {l1.l1_chain_id}'s bridge on chain {chain.chain_id}")
    accounts = list(funded)
    seeded = tuple(genesis_balances)
    tokens: list[tuple[str, bytes]] = []
    for symbol in dict.fromkeys(base_token_symbols):
        if symbol == "ETH":
            continue
        token_deployer = base_token_deployer(symbol)
        if chain.nonce(token_deployer) != 0:
            raise ConfigError(f"the deployer of base token {symbol} already sent transactions on L1")
        token = deploy(
            chain, token_deployer, "L1TestnetERC20", ["string", "string", "uint8"], [f"{symbol} Token", symbol, 18]
        )
        assert token == base_token_l1_address(symbol)
        for account in accounts:
            system_call(
                chain,
                token_deployer,
                token,
                calldata("mint(address,uint256)", account, BASE_TOKEN_MINT),
                f"minting {symbol}",
            )
        tokens.append((symbol, token))

    bridgehub = l1.bridgehub
    beacon = _install_bridged_token_beacon(chain, owner)
    nullifier = deploy(chain, deployer, "L1Nullifier", ["address", "address"], [bridgehub, owner])
    router = deploy(chain, deployer, "L1AssetRouter", ["address", "address", "address"], [bridgehub, nullifier, owner])
    vault = deploy(
        chain,
        deployer,
        "L1NativeTokenVault",
        ["address", "address", "address", "address"],
        [router, nullifier, owner, beacon],
    )
    tracker = deploy(chain, deployer, "L1AssetTracker", ["address", "address"], [bridgehub, owner])
    steps: list[tuple[bytes, bytes, str]] = [
        (router, calldata("setNativeTokenVault(address)", vault), "L1AssetRouter.setNativeTokenVault"),
        (
            nullifier,
            calldata("setAddresses(address,address)", router, vault),
            "L1Nullifier.setAddresses",
        ),
        (tracker, calldata("setNativeTokenVault(address)", vault), "L1AssetTracker.setNativeTokenVault"),
        (vault, calldata("setAssetTracker(address)", tracker), "L1NativeTokenVault.setAssetTracker"),
        (
            bridgehub,
            calldata("setAddresses(address,address)", router, l1.message_root),
            "L1Bridgehub.setAddresses",
        ),
    ]
    for symbol, token in tokens:
        steps.append((vault, calldata("registerToken(address)", token), f"registering {symbol}"))
    for to, data, what in steps:
        system_call(chain, owner, to, data, what)
    for symbol, token in tokens:
        registered = chain.call(vault, calldata("assetId(address)", token))
        if registered != ntv_asset_id(l1.l1_chain_id, token):
            raise ConfigError(f"base token {symbol} was registered under an unexpected asset id")
    token_of = dict(tokens)
    for chain_id, symbol, amount in seeded:
        if symbol == "ETH":
            chain.set_balance(vault, chain.balance(vault) + amount)
            asset = ntv_asset_id(l1.l1_chain_id, ETH_TOKEN_ADDRESS)
        else:
            token = token_of[symbol]
            mint = calldata("mint(address,uint256)", vault, amount)
            system_call(chain, base_token_deployer(symbol), token, mint, f"locking chain {chain_id}'s genesis {symbol}")
            asset = ntv_asset_id(l1.l1_chain_id, token)
        system_call(
            chain,
            owner,
            tracker,
            calldata(
                "initializeChainBalance(uint256,bytes32,uint256,uint256)",
                chain_id,
                asset,
                amount,
                l1.l1_chain_id,
            ),
            f"L1AssetTracker.initializeChainBalance({chain_id}, {symbol})",
        )
    return L1Bridge(
        bridgehub=bridgehub,
        asset_router=router,
        nullifier=nullifier,
        native_token_vault=vault,
        asset_tracker=tracker,
        base_tokens=tuple(tokens),
        genesis_balances=seeded,
    )


def connect_l2_asset_routers(chains: Iterable[Chain], l1_asset_router: bytes) -> list[int]:
    """Tell each chain's L2AssetRouter (0x10003) its L1 counterpart (``setL1AssetRouter``, through the
    ComplexUpgrader), so deposits from the aliased L1AssetRouter are accepted. Chains without an L2AssetRouter
    are skipped; returns the chain ids that were connected."""
    try:
        abi = load("L2AssetRouter").abi
    except ArtifactError:
        return []
    if "setL1AssetRouter" not in {entry.get("name") for entry in abi}:
        return []
    connected = []
    for chain in chains:
        if not chain.code(L2_ASSET_ROUTER):
            continue
        system_call(
            chain,
            COMPLEX_UPGRADER,
            L2_ASSET_ROUTER,
            calldata("setL1AssetRouter(address)", l1_asset_router),
            "L2AssetRouter.setL1AssetRouter",
        )
        connected.append(chain.chain_id)
    return connected
