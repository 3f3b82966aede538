"""Installers of the asset contracts: L2AssetRouter, L2NativeTokenVault, L2AssetTracker, bridged-token beacon.

Every ZK chain and Gateway get, at their canonical addresses, the L2AssetRouter (``0x10003``),
the L2NativeTokenVault (``0x10004``) and the L2AssetTracker (``0x1000f``): runtime code placed at
genesis and initialised through the ComplexUpgrader, as :mod:`zkconnect.genesis.system_contracts` does for
the interop contracts. The BridgedStandardERC20 implementation and its UpgradeableBeacon are
deployed by the keyless :data:`ASSET_DEPLOYER` as its first two transactions, so they sit at the
same address on every chain and a bridged token's address depends only on its origin chain and
origin address. Gateway's GWAssetTracker is told each settled chain's base-token supply at genesis
(:func:`install_gateway_asset_balances`), so base-token value sent with interop calls settles.

>>> from zkconnect.engine.chain import Chain
>>> from zkconnect.engine.clock import Clock
>>> from zkconnect.genesis.system_contracts import eth_asset_id, install_l2_system_contracts
>>> chain = Chain(6565, Clock())
>>> _ = install_l2_system_contracts(chain, l1_chain_id=31337, settlement_layer_chain_id=506,
...     gateway_chain_id=506, base_token_asset_id=eth_asset_id(31337))
>>> assets = install_asset_contracts(chain, l1_chain_id=31337, base_token_asset_id=eth_asset_id(31337))
>>> assets.beacon == BRIDGED_TOKEN_BEACON
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import rlp
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from zkconnect.artifacts import load
from zkconnect.engine.chain import Chain, SystemCall
from zkconnect.errors import ConfigError
from zkconnect.genesis.installer import calldata, check
from zkconnect.protocol.addresses import (
    COMPLEX_UPGRADER,
    ETH_TOKEN_ADDRESS,
    GW_ASSET_TRACKER,
    L2_ASSET_ROUTER,
    L2_ASSET_TRACKER,
    L2_NATIVE_TOKEN_VAULT,
)

__all__ = [
    "ASSET_CONTRACTS",
    "ASSET_DEPLOYER",
    "BRIDGED_TOKEN_BEACON",
    "BRIDGED_TOKEN_IMPLEMENTATION",
    "AssetContracts",
    "install_asset_contracts",
    "install_gateway_asset_balances",
]

ASSET_DEPLOYER = keccak(b"zkconnect:asset-deployer")[12:]
"""Keyless deployer of the bridged-token implementation (nonce 0) and beacon (nonce 1) on every chain."""


def _create_address(sender: bytes, nonce: int) -> bytes:
    return keccak(rlp.encode([sender, nonce]))[12:]


BRIDGED_TOKEN_IMPLEMENTATION = _create_address(ASSET_DEPLOYER, 0)
"""The BridgedStandardERC20 implementation (same address on every chain)."""
BRIDGED_TOKEN_BEACON = _create_address(ASSET_DEPLOYER, 1)
"""The UpgradeableBeacon every bridged token proxy points at (same address on every chain)."""

ASSET_CONTRACTS = {
    L2_ASSET_ROUTER: "L2AssetRouter",
    L2_NATIVE_TOKEN_VAULT: "L2NativeTokenVault",
    L2_ASSET_TRACKER: "L2AssetTracker",
}
"""Address -> artifact name of the contracts :func:`install_asset_contracts` places."""


@dataclass(frozen=True)
class AssetContracts:
    """What :func:`install_asset_contracts` set up on one chain (addresses are canonical)."""

    chain_id: int
    l1_chain_id: int
    base_token_asset_id: bytes
    l1_asset_router: bytes
    router: bytes = L2_ASSET_ROUTER
    vault: bytes = L2_NATIVE_TOKEN_VAULT
    tracker: bytes = L2_ASSET_TRACKER
    beacon: bytes = BRIDGED_TOKEN_BEACON
    implementation: bytes = BRIDGED_TOKEN_IMPLEMENTATION


def install_asset_contracts(
    chain: Chain,
    *,
    l1_chain_id: int,
    base_token_asset_id: bytes,
    base_token_l1_address: bytes = ETH_TOKEN_ADDRESS,
    l1_asset_router: bytes = bytes(20),
    beacon_owner: bytes | None = None,
) -> AssetContracts:
    """Place and initialise the asset contracts on a ZK chain or Gateway, in one block.

    Install the L2 system contracts first: the L2AssetTracker reads the settlement layer when it is
    initialised (the base token counts as migrated on a chain that already settles on Gateway).
    ``l1_asset_router`` may stay zero until L1 is set up; ``L2AssetRouter.setL1AssetRouter`` sets
    it later (ComplexUpgrader only, once). ``base_token_l1_address`` is the base token's L1 address
    (ETH: ``0x…01``); ``base_token_asset_id`` must be its vault asset id on L1.
    """
    if len(base_token_asset_id) != 32 or base_token_asset_id == bytes(32):
        raise ConfigError("base_token_asset_id must be a non-zero bytes32")
    if chain.nonce(ASSET_DEPLOYER) != 0:
        raise ConfigError(
            f"chain {chain.chain_id}: the asset deployer has already been used; install the asset contracts once"
        )
    for address, name in ASSET_CONTRACTS.items():
        chain.place(address, load(name).runtime_bytecode)
    owner = COMPLEX_UPGRADER if beacon_owner is None else beacon_owner
    calls = [
        SystemCall(ASSET_DEPLOYER, None, load("BridgedStandardERC20").bytecode),
        SystemCall(
            ASSET_DEPLOYER,
            None,
            load("UpgradeableBeacon").bytecode + encode(["address", "address"], [BRIDGED_TOKEN_IMPLEMENTATION, owner]),
        ),
        SystemCall(
            COMPLEX_UPGRADER,
            L2_ASSET_ROUTER,
            calldata("initL2(uint256,address,bytes32)", l1_chain_id, l1_asset_router, base_token_asset_id),
        ),
        SystemCall(
            COMPLEX_UPGRADER,
            L2_NATIVE_TOKEN_VAULT,
            calldata(
                "initL2(uint256,bytes32,address,address,address)",
                l1_chain_id,
                base_token_asset_id,
                BRIDGED_TOKEN_BEACON,
                bytes(20),
                base_token_l1_address,
            ),
        ),
        SystemCall(
            COMPLEX_UPGRADER,
            L2_ASSET_TRACKER,
            calldata("initL2(uint256,bytes32)", l1_chain_id, base_token_asset_id),
        ),
    ]
    what = ("BridgedStandardERC20", "UpgradeableBeacon", "L2AssetRouter.initL2", "L2NativeTokenVault.initL2")
    for receipt, label in zip(chain.system_calls(calls), (*what, "L2AssetTracker.initL2"), strict=True):
        check(chain, receipt, label)
    return AssetContracts(
        chain_id=chain.chain_id,
        l1_chain_id=l1_chain_id,
        base_token_asset_id=base_token_asset_id,
        l1_asset_router=l1_asset_router,
    )


def install_gateway_asset_balances(gateway: Chain, balances: Iterable[tuple[int, bytes, int]]) -> None:
    """Tell Gateway's GWAssetTracker what each settled chain holds at genesis: ``(chain_id, asset_id, amount)``.

    Used for the base token: each chain's genesis supply (the dev accounts' balances), so the
    ``interopCallValue`` a chain sends is debited from a real balance and a chain that tries to
    send more than it holds stalls.
    """
    calls = [
        SystemCall(
            COMPLEX_UPGRADER,
            GW_ASSET_TRACKER,
            calldata("initializeChainBalance(uint256,bytes32,uint256)", chain_id, asset_id, amount),
        )
        for chain_id, asset_id, amount in balances
    ]
    if not calls:
        return
    for receipt in gateway.system_calls(calls):
        check(gateway, receipt, "GWAssetTracker.initializeChainBalance")
