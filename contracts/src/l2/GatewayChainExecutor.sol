// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IChainSettlement, IGWAssetTracker, IL2MessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {InteropRoot, L2Log, ProcessLogsInput} from "../common/Messaging.sol";
import {GW_ASSET_TRACKER_ADDR, L2_MESSAGE_ROOT_ADDR} from "../common/L2ContractAddresses.sol";
import {
    CommitBasedInteropNotSupported,
    InvalidBatchNumber,
    NotHistoricalRoot,
    SidesLengthNotOne,
    Unauthorized,
    ZeroAddress,
    ZeroChainId
} from "../common/Errors.sol";

/// @title GatewayChainExecutor: executes the batches of one ZK chain on Gateway (the chain's "diamond" there).
/// @dev Deployed on Gateway, one per chain, and registered as the chain's `L2Bridgehub.getZKChain`. Batches execute
///      in order; each one's interop-root imports are checked against Gateway's `historicalRoot`, then
///      GWAssetTracker rebuilds the batch from its logs and appends the batch root to the L2MessageRoot.
contract GatewayChainExecutor is IChainSettlement {
    /// @notice The chain whose batches this contract executes.
    uint256 public immutable CHAIN_ID;

    /// @notice The only address allowed to execute batches.
    address public immutable validator;

    uint256 internal _totalBatchesExecuted;
    mapping(uint256 batchNumber => bytes32 chainBatchRoot) internal _l2LogsRootHashes;

    /// @notice Emitted per executed batch; `commitment` is the rolling hash of the batch's imported interop roots.
    event BlockExecution(uint256 indexed batchNumber, bytes32 indexed batchHash, bytes32 indexed commitment);

    /// @param _chainId The chain whose batches this contract executes.
    /// @param _validator The only address allowed to execute them.
    /// @param _startingBatchNumber The last batch considered executed (0 for a new chain); must equal the starting
    ///        batch number the chain is registered with in the L2MessageRoot.
    constructor(uint256 _chainId, address _validator, uint256 _startingBatchNumber) {
        if (_chainId == 0) revert ZeroChainId();
        if (_validator == address(0)) revert ZeroAddress();
        CHAIN_ID = _chainId;
        validator = _validator;
        _totalBatchesExecuted = _startingBatchNumber;
    }

    /// @notice Executes the chain's next batch.
    /// @param _batchNumber Must be the last executed batch + 1.
    /// @param _chainBatchRoot The batch root: keccak256(localLogsRoot ‖ multichainBatchRoot).
    /// @param _logs Every L2->L1 log of the batch, in order.
    /// @param _messages The preimages of the L1Messenger logs, in order.
    /// @param _multichainBatchRoot The chain's aggregated root (its empty multichain root).
    /// @param _dependencyRoots The interop roots the batch imported; each must be a Gateway historical root.
    function executeBatch(
        uint256 _batchNumber,
        bytes32 _chainBatchRoot,
        L2Log[] calldata _logs,
        bytes[] calldata _messages,
        bytes32 _multichainBatchRoot,
        InteropRoot[] calldata _dependencyRoots
    ) external {
        if (msg.sender != validator) revert Unauthorized(msg.sender);
        uint256 expected = _totalBatchesExecuted + 1;
        if (_batchNumber != expected) revert InvalidBatchNumber(_batchNumber, expected);
        bytes32 rollingHash = _verifyDependencyInteropRoots(_dependencyRoots);

        IGWAssetTracker(GW_ASSET_TRACKER_ADDR).processLogsAndMessages(
            ProcessLogsInput({
                logs: _logs,
                messages: _messages,
                chainId: CHAIN_ID,
                batchNumber: _batchNumber,
                chainBatchRoot: _chainBatchRoot,
                multichainBatchRoot: _multichainBatchRoot,
                settlementFeePayer: address(0)
            })
        );

        _totalBatchesExecuted = _batchNumber;
        _l2LogsRootHashes[_batchNumber] = _chainBatchRoot;
        emit BlockExecution(_batchNumber, _chainBatchRoot, rollingHash);
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

    /// @dev Each imported root must be Gateway's own (proof-based interop) and equal its historical root at that
    ///      block. Returns keccak-rolling hash over (chainId, blockNumber, sides) starting from 0.
    function _verifyDependencyInteropRoots(InteropRoot[] calldata _roots) internal view returns (bytes32 rolling) {
        uint256 length = _roots.length;
        for (uint256 i; i < length; ++i) {
            InteropRoot calldata root = _roots[i];
            if (root.chainId != block.chainid) revert CommitBasedInteropNotSupported();
            if (root.sides.length != 1) revert SidesLengthNotOne();
            bytes32 historical = IL2MessageRoot(L2_MESSAGE_ROOT_ADDR).historicalRoot(root.blockOrBatchNumber);
            if (historical == bytes32(0) || historical != root.sides[0]) revert NotHistoricalRoot(root.sides[0]);
            rolling = keccak256(abi.encodePacked(rolling, root.chainId, root.blockOrBatchNumber, root.sides));
        }
    }
}
