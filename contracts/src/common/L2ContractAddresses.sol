// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Canonical addresses of the L2 system and built-in contracts (era-contracts `L2ContractAddresses.sol`).

/// @dev Pseudo-address of the bootloader: writes interop roots and sets the interop fee.
address constant L2_BOOTLOADER_ADDRESS = address(0x8001);
/// @dev KnownCodeStorage (only used to recognise its L2->L1 logs).
address constant L2_KNOWN_CODE_STORAGE_ADDR = address(0x8004);
/// @dev L1Messenger: `sendToL1`.
address constant L2_TO_L1_MESSENGER_ADDR = address(0x8008);
/// @dev L2BaseToken (not deployed on this devnet; base-token balances are native balances).
address constant L2_BASE_TOKEN_ADDR = address(0x800a);
/// @dev SystemContext: `txNumberInBlock`, `currentSettlementLayerChainId`.
address constant L2_SYSTEM_CONTEXT_ADDR = address(0x800b);
/// @dev Compressor (only used to recognise its L2->L1 logs).
address constant L2_COMPRESSOR_ADDR = address(0x800e);
/// @dev ComplexUpgrader: the only caller of the `initL2` functions.
address constant L2_COMPLEX_UPGRADER_ADDR = address(0x800f);
/// @dev L2Bridgehub.
address constant L2_BRIDGEHUB_ADDR = address(0x10002);
/// @dev L2AssetRouter (asset task).
address constant L2_ASSET_ROUTER_ADDR = address(0x10003);
/// @dev L2NativeTokenVault (asset task).
address constant L2_NATIVE_TOKEN_VAULT_ADDR = address(0x10004);
/// @dev L2MessageRoot: chain trees and the shared tree (meaningful on Gateway).
address constant L2_MESSAGE_ROOT_ADDR = address(0x10005);
/// @dev L2InteropRootStorage: imported interop roots.
address constant L2_INTEROP_ROOT_STORAGE_ADDR = address(0x10008);
/// @dev L2MessageVerification: `proveL2MessageInclusionShared`.
address constant L2_MESSAGE_VERIFICATION_ADDR = address(0x10009);
/// @dev L2ChainAssetHandler: chain migration numbers.
address constant L2_CHAIN_ASSET_HANDLER_ADDR = address(0x1000a);
/// @dev InteropCenter: the sending side.
address constant L2_INTEROP_CENTER_ADDR = address(0x1000d);
/// @dev InteropHandler: the receiving side.
address constant L2_INTEROP_HANDLER_ADDR = address(0x1000e);
/// @dev L2AssetTracker (asset task).
address constant L2_ASSET_TRACKER_ADDR = address(0x1000f);
/// @dev GWAssetTracker: batch processing on Gateway.
address constant GW_ASSET_TRACKER_ADDR = address(0x10010);
/// @dev BaseTokenHolder: the chain's base-token reserve.
address constant L2_BASE_TOKEN_HOLDER_ADDR = address(0x10011);

/// @dev Every address up to this one is reserved for system and built-in contracts.
uint256 constant MAX_BUILT_IN_CONTRACT_ADDR = 0x2ffff;

/// @dev Sender of the L1->L2 transactions that Gateway relays.
address constant SETTLEMENT_LAYER_RELAY_SENDER = address(0x1111111111111111111111111111111111111111);

/// @dev Sender of L1->L2 service transactions (chain registration, migration confirmations).
address constant SERVICE_TRANSACTION_SENDER = address(0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF);
