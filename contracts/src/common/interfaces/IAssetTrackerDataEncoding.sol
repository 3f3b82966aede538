// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropCallExecutedMessage} from "../Messaging.sol";

/// @title Selector sources for the L2->L1 messages that asset trackers read.
interface IAssetTrackerDataEncoding {
    /// @notice Selector of the message the InteropHandler sends after each executed call (0x70353c28).
    function receiveInteropCallExecuted(InteropCallExecutedMessage calldata _data) external;
}

/// @dev Version of the token balance migration messages.
bytes1 constant TOKEN_BALANCE_MIGRATION_DATA_VERSION = 0x01;

/// @notice What L2AssetTracker.initiateL1ToGatewayMigrationOnL2 sends to L1 (through Gateway).
struct L1ToGatewayTokenBalanceMigrationData {
    bytes1 version;
    address originToken;
    uint256 chainId;
    bytes32 assetId;
    uint256 tokenOriginChainId;
    uint256 chainMigrationNumber;
    uint256 assetMigrationNumber;
    uint256 totalWithdrawalsToL1;
    uint256 totalSuccessfulDepositsFromL1;
    uint256 totalPreV31TotalSupply;
}

/// @notice What GWAssetTracker.initiateGatewayToL1MigrationOnGateway sends to L1 once the chain has migrated back:
///         Gateway's whole `chainBalance` of the asset for the chain.
struct GatewayToL1TokenBalanceMigrationData {
    bytes1 version;
    address originToken;
    uint256 chainId;
    bytes32 assetId;
    uint256 tokenOriginChainId;
    uint256 amount;
    uint256 chainMigrationNumber;
    uint256 assetMigrationNumber;
}

/// @notice The confirmation L1 sends (as service transactions) to GWAssetTracker and to the chain's L2AssetTracker.
struct MigrationConfirmationData {
    uint256 chainId;
    bytes32 assetId;
    uint256 tokenOriginChainId;
    address originToken;
    uint256 amount;
    uint256 assetMigrationNumber;
    bool isL1ToGateway;
}

/// @title Selector sources for token balance migration messages and confirmations.
interface ITokenBalanceMigration {
    /// @notice The L2->L1 message of a migration (its selector is what GWAssetTracker accepts from 0x1000f).
    function receiveL1ToGatewayMigrationOnL1(L1ToGatewayTokenBalanceMigrationData calldata _data) external;

    /// @notice The L2->L1 message Gateway's GWAssetTracker sends to move a migrated-back chain's balance to L1.
    function receiveGatewayToL1MigrationOnL1(GatewayToL1TokenBalanceMigrationData calldata _data) external;

    /// @notice Service transaction to GWAssetTracker.
    function confirmMigrationOnGateway(MigrationConfirmationData calldata _data) external;

    /// @notice Service transaction to the chain's L2AssetTracker.
    function confirmMigrationOnL2(MigrationConfirmationData calldata _data) external;
}

/// @dev Version of `BalanceChange`.
bytes1 constant BALANCE_CHANGE_VERSION = 0x01;

/// @notice The balance change a deposit from L1 to a Gateway-settled chain carries to Gateway (same layout as L1's).
struct BalanceChange {
    bytes1 version;
    address originToken;
    bytes32 baseTokenAssetId;
    uint256 baseTokenAmount;
    bytes32 assetId;
    uint256 amount;
    uint256 tokenOriginChainId;
}
