// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL2Bridgehub, IL2ChainAssetHandler} from "../common/interfaces/ISystemContracts.sol";
import {
    L2_BRIDGEHUB_ADDR,
    L2_COMPLEX_UPGRADER_ADDR,
    L2_SYSTEM_CONTEXT_ADDR,
    SERVICE_TRANSACTION_SENDER
} from "../common/L2ContractAddresses.sol";
import {ChainIdNotRegistered, MigrationNumberMismatch, Unauthorized, ZeroChainId} from "../common/Errors.sol";

/// @dev A chain that moved from L1 to a settlement layer (Gateway).
uint256 constant MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER = 1;
/// @dev A chain that moved back from its settlement layer to L1.
uint256 constant MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1 = 2;

/// @title L2ChainAssetHandler (0x1000a): the chain migration numbers the asset trackers gate balances on.
/// @dev On every chain, `migrationNumber[block.chainid]` counts the chain's own settlement-layer changes: SystemContext
///      reports each change the bootloader makes (0 while the chain always settled on L1, 1 once on Gateway, 2 once
///      back on L1). On Gateway, `migrationNumber[chainId]` counts the migrations of each chain settling there, as
///      Gateway records them when a chain arrives and when it leaves. At most one round trip (v31).
contract L2ChainAssetHandler is IL2ChainAssetHandler {
    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;

    /// @inheritdoc IL2ChainAssetHandler
    mapping(uint256 chainId => uint256) public migrationNumber;

    /// @notice Emitted when a chain's migration number changes.
    event MigrationNumberUpdated(uint256 indexed chainId, uint256 migrationNumber, uint256 indexed settlementLayer);

    modifier onlyServiceTransactionSender() {
        if (msg.sender != SERVICE_TRANSACTION_SENDER) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice Initialises the handler. ComplexUpgrader only, once.
    function initL2(uint256 _l1ChainId) external {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        L1_CHAIN_ID = _l1ChainId;
    }

    /// @inheritdoc IL2ChainAssetHandler
    /// @dev SystemContext only. The first setting to L1 is no migration; any later change of layer is one.
    function setSettlementLayerChainId(uint256 _previous, uint256 _current) external {
        if (msg.sender != L2_SYSTEM_CONTEXT_ADDR) revert Unauthorized(msg.sender);
        if (_previous == 0 && _current == L1_CHAIN_ID) return;
        if (_previous == _current) return;
        uint256 number = ++migrationNumber[block.chainid];
        emit MigrationNumberUpdated(block.chainid, number, _current);
    }

    /// @notice Gateway records that `_chainId` now settles here (migration number 1). Service transactions only.
    function recordMigrationToSettlementLayer(uint256 _chainId) external onlyServiceTransactionSender {
        _requireSettledHere(_chainId);
        uint256 current = migrationNumber[_chainId];
        if (current != MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER - 1) {
            revert MigrationNumberMismatch(MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER - 1, current);
        }
        migrationNumber[_chainId] = MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER;
        emit MigrationNumberUpdated(_chainId, MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER, block.chainid);
    }

    /// @notice Gateway records that `_chainId` left for L1 (migration number 2): from now on its balances here may
    ///         only be migrated to L1 (`GWAssetTracker.initiateGatewayToL1MigrationOnGateway`). Service transactions
    ///         only.
    function recordMigrationToL1(uint256 _chainId) external onlyServiceTransactionSender {
        _requireSettledHere(_chainId);
        uint256 current = migrationNumber[_chainId];
        if (current != MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER) {
            revert MigrationNumberMismatch(MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER, current);
        }
        migrationNumber[_chainId] = MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1;
        emit MigrationNumberUpdated(_chainId, MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1, L1_CHAIN_ID);
    }

    function _requireSettledHere(uint256 _chainId) internal view {
        if (IL2Bridgehub(L2_BRIDGEHUB_ADDR).getZKChain(_chainId) == address(0)) revert ChainIdNotRegistered(_chainId);
    }
}
