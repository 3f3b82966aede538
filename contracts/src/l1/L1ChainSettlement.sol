// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IChainSettlement, IMessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {BatchLogs} from "../common/BatchLogs.sol";
import {MessageHashing} from "../common/MessageHashing.sol";
import {L2Log} from "../common/Messaging.sol";
import {L1Bridgehub} from "./L1Bridgehub.sol";
import {
    InvalidBatchNumber,
    InvalidEmptyMultichainBatchRoot,
    NotSettlementLayer,
    ReconstructionMismatch,
    Unauthorized,
    ZeroAddress,
    ZeroChainId
} from "../common/Errors.sol";

/// @title L1ChainSettlement: executes the batches of one chain that settles on L1 (e.g. Gateway).
/// @dev Rebuilds the batch's local logs root from its logs, checks the batch root, and appends it to the
///      L1MessageRoot. The aggregated root of an ordinary chain must be its empty multichain root; that of a
///      settlement layer (Gateway) is its shared-tree root, taken from the validator.
contract L1ChainSettlement is IChainSettlement {
    /// @notice The chain whose batches this contract executes.
    uint256 public immutable CHAIN_ID;

    /// @notice The only address allowed to execute batches.
    address public immutable validator;

    /// @notice The bridgehub.
    L1Bridgehub public immutable BRIDGE_HUB;

    uint256 internal _totalBatchesExecuted;
    mapping(uint256 batchNumber => bytes32 chainBatchRoot) internal _l2LogsRootHashes;

    /// @notice Emitted per executed batch.
    event BlockExecution(uint256 indexed batchNumber, bytes32 indexed batchHash, bytes32 indexed commitment);

    /// @param _chainId The chain whose batches this contract executes.
    /// @param _validator The only address allowed to execute them.
    /// @param _bridgehub The L1 bridgehub.
    /// @param _startingBatchNumber The last batch considered executed (0 for a new chain); must equal the starting
    ///        batch number the chain is registered with.
    constructor(uint256 _chainId, address _validator, L1Bridgehub _bridgehub, uint256 _startingBatchNumber) {
        if (_chainId == 0) revert ZeroChainId();
        if (_validator == address(0) || address(_bridgehub) == address(0)) revert ZeroAddress();
        CHAIN_ID = _chainId;
        validator = _validator;
        BRIDGE_HUB = _bridgehub;
        _totalBatchesExecuted = _startingBatchNumber;
    }

    /// @notice Executes the chain's next batch on L1.
    /// @param _batchNumber Must be the last executed batch + 1.
    /// @param _chainBatchRoot keccak256(localLogsRoot ‖ aggregatedRoot).
    /// @param _logs Every L2->L1 log of the batch, in order.
    /// @param _messages The preimages of the L1Messenger logs, in order.
    /// @param _aggregatedRoot The chain's aggregated root (shared-tree root for a settlement layer).
    function executeBatch(
        uint256 _batchNumber,
        bytes32 _chainBatchRoot,
        L2Log[] calldata _logs,
        bytes[] calldata _messages,
        bytes32 _aggregatedRoot
    ) external {
        if (msg.sender != validator) revert Unauthorized(msg.sender);
        if (BRIDGE_HUB.settlementLayer(CHAIN_ID) != block.chainid) revert NotSettlementLayer();
        uint256 expected = _totalBatchesExecuted + 1;
        if (_batchNumber != expected) revert InvalidBatchNumber(_batchNumber, expected);

        bytes32 localLogsRoot = BatchLogs.localLogsRoot(_logs, _messages);
        if (!BRIDGE_HUB.whitelistedSettlementLayers(CHAIN_ID)) {
            bytes32 emptyRoot = MessageHashing.emptyMultichainBatchRoot(CHAIN_ID);
            if (_aggregatedRoot != emptyRoot) revert InvalidEmptyMultichainBatchRoot(emptyRoot, _aggregatedRoot);
        }
        bytes32 chainBatchRoot = keccak256(bytes.concat(localLogsRoot, _aggregatedRoot));
        if (chainBatchRoot != _chainBatchRoot) revert ReconstructionMismatch(chainBatchRoot, _chainBatchRoot);

        IMessageRoot(BRIDGE_HUB.messageRoot()).addChainBatchRoot(CHAIN_ID, _batchNumber, _chainBatchRoot);
        _totalBatchesExecuted = _batchNumber;
        _l2LogsRootHashes[_batchNumber] = _chainBatchRoot;
        emit BlockExecution(_batchNumber, _chainBatchRoot, bytes32(0));
    }

    /// @notice The chain id.
    function getChainId() external view returns (uint256) {
        return CHAIN_ID;
    }

    /// @notice Number of the last executed batch.
    function getTotalBatchesExecuted() external view returns (uint256) {
        return _totalBatchesExecuted;
    }

    /// @notice Root of an executed batch.
    function l2LogsRootHash(uint256 _batchNumber) external view returns (bytes32) {
        return _l2LogsRootHashes[_batchNumber];
    }
}
