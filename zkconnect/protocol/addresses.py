"""Canonical addresses of the ZKsync Connect v31 contracts and the devnet's special senders: the one copy.

Addresses are 20 raw ``bytes`` (era-contracts ``L2ContractAddresses.sol``);
:func:`zkconnect.protocol.abi.to_address` gives the EIP-55 string form for display.
"""

from __future__ import annotations

from collections.abc import Mapping

from eth_abi.abi import encode
from eth_utils.crypto import keccak

__all__ = [
    "BASE_TOKEN_HOLDER",
    "BASE_TOKEN_HOLDER_INITIAL_BALANCE",
    "BOOTLOADER",
    "COMPLEX_UPGRADER",
    "COMPRESSOR",
    "DEFAULT_MAX_NUMBER_OF_ZK_CHAINS",
    "DEVNET_DEPLOYER",
    "DEVNET_OWNER",
    "ETH_TOKEN_ADDRESS",
    "GW_ASSET_TRACKER",
    "INTEROP_CENTER",
    "INTEROP_HANDLER",
    "KNOWN_CODE_STORAGE",
    "L1_MESSENGER",
    "L1_ZK_TOKEN_PLACEHOLDER",
    "L2_ASSET_ROUTER",
    "L2_ASSET_TRACKER",
    "L2_BASE_TOKEN",
    "L2_BRIDGEHUB",
    "L2_CHAIN_ASSET_HANDLER",
    "L2_INTEROP_ROOT_STORAGE",
    "L2_MESSAGE_ROOT",
    "L2_MESSAGE_VERIFICATION",
    "L2_NATIVE_TOKEN_VAULT",
    "L2_SYSTEM_CONTRACTS",
    "SERVICE_TRANSACTION_SENDER",
    "SETTLEMENT_LAYER_RELAY_SENDER",
    "SYSTEM_CONTEXT",
    "eth_asset_id",
    "ntv_asset_id",
]


def _addr(value: int) -> bytes:
    return value.to_bytes(20, "big")


# ---- special senders --------------------------------------------------------------------------

BOOTLOADER = _addr(0x8001)
"""Writes interop roots, sets the settlement layer and the interop fee."""
COMPLEX_UPGRADER = _addr(0x800F)
"""The only caller of the ``initL2`` functions."""
SERVICE_TRANSACTION_SENDER = b"\xff" * 20
"""Sender of L1->L2 service transactions (chain registration)."""
SETTLEMENT_LAYER_RELAY_SENDER = b"\x11" * 20
"""Sender of the L1->L2 transactions Gateway relays."""

# ---- canonical L2 addresses (era-contracts L2ContractAddresses.sol) ----------------------------

KNOWN_CODE_STORAGE = _addr(0x8004)
L1_MESSENGER = _addr(0x8008)
L2_BASE_TOKEN = _addr(0x800A)
SYSTEM_CONTEXT = _addr(0x800B)
COMPRESSOR = _addr(0x800E)
L2_BRIDGEHUB = _addr(0x10002)
L2_ASSET_ROUTER = _addr(0x10003)
L2_NATIVE_TOKEN_VAULT = _addr(0x10004)
L2_MESSAGE_ROOT = _addr(0x10005)
L2_INTEROP_ROOT_STORAGE = _addr(0x10008)
L2_MESSAGE_VERIFICATION = _addr(0x10009)
L2_CHAIN_ASSET_HANDLER = _addr(0x1000A)
INTEROP_CENTER = _addr(0x1000D)
INTEROP_HANDLER = _addr(0x1000E)
L2_ASSET_TRACKER = _addr(0x1000F)
GW_ASSET_TRACKER = _addr(0x10010)
BASE_TOKEN_HOLDER = _addr(0x10011)

L2_SYSTEM_CONTRACTS: Mapping[bytes, str] = {
    SYSTEM_CONTEXT: "SystemContext",
    L1_MESSENGER: "L1Messenger",
    L2_BASE_TOKEN: "L2BaseToken",
    L2_BRIDGEHUB: "L2Bridgehub",
    L2_MESSAGE_ROOT: "L2MessageRoot",
    L2_INTEROP_ROOT_STORAGE: "L2InteropRootStorage",
    L2_MESSAGE_VERIFICATION: "L2MessageVerification",
    INTEROP_CENTER: "InteropCenter",
    INTEROP_HANDLER: "InteropHandler",
    GW_ASSET_TRACKER: "GWAssetTracker",
    BASE_TOKEN_HOLDER: "BaseTokenHolder",
    L2_CHAIN_ASSET_HANDLER: "L2ChainAssetHandler",
}
"""Address -> artifact name of every contract :func:`install_l2_system_contracts` places."""

# ---- devnet defaults ----------------------------------------------------------------------------

BASE_TOKEN_HOLDER_INITIAL_BALANCE = 2**127 - 1
"""The base-token reserve each chain's BaseTokenHolder starts with (era-contracts' value)."""
DEFAULT_MAX_NUMBER_OF_ZK_CHAINS = 100
ETH_TOKEN_ADDRESS = _addr(1)
"""L1 address that stands for ETH in asset ids."""
DEVNET_DEPLOYER = keccak(b"zkconnect:deployer")[12:]
"""Keyless deployer of the L1 contracts and Gateway executors (reached through ``system_call``)."""
DEVNET_OWNER = keccak(b"zkconnect:owner")[12:]
"""Default owner of the system contracts (may pause the InteropCenter)."""
L1_ZK_TOKEN_PLACEHOLDER = keccak(b"zkconnect:zk-token")[12:]


def ntv_asset_id(origin_chain_id: int, token: bytes) -> bytes:
    """``keccak256(abi.encode(originChainId, 0x…010004, token))``: an NTV asset id."""
    return keccak(encode(["uint256", "address", "address"], [origin_chain_id, L2_NATIVE_TOKEN_VAULT, token]))


def eth_asset_id(l1_chain_id: int) -> bytes:
    """The asset id of ETH (the usual base token)."""
    return ntv_asset_id(l1_chain_id, ETH_TOKEN_ADDRESS)
