// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL2MessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {MessageVerificationBase} from "../common/MessageVerificationBase.sol";
import {DynamicIncrementalMerkle} from "../common/DynamicIncrementalMerkle.sol";
import {FullMerkle} from "../common/FullMerkle.sol";
import {MessageHashing} from "../common/MessageHashing.sol";
import {CHAIN_TREE_EMPTY_ENTRY_HASH, SHARED_ROOT_TREE_EMPTY_HASH} from "../common/Messaging.sol";
import {
    GW_ASSET_TRACKER_ADDR,
    L2_BRIDGEHUB_ADDR,
    L2_COMPLEX_UPGRADER_ADDR
} from "../common/L2ContractAddresses.sol";
import {
    ChainBatchRootAlreadyExists,
    ChainBatchRootZero,
    ChainExists,
    MessageRootNotRegistered,
    NonConsecutiveBatchNumber,
    OnlyAssetTracker,
    OnlyBridgehub,
    OnlyL1,
    Unauthorized,
    ZeroChainId
} from "../common/Errors.sol";

/// @title L2MessageRoot (0x10005): per-chain batch trees and the shared tree over them (meaningful on Gateway).
/// @dev Chain index 0 is the chain hosting the contract. Every appended batch root updates the chain's tree, its
///      chain-id leaf in the shared tree, and records the new shared root as `historicalRoot[block.number]`, which
///      is the interop root destination chains import as (block.chainid, block.number).
contract L2MessageRoot is IL2MessageRoot, MessageVerificationBase {
    using DynamicIncrementalMerkle for DynamicIncrementalMerkle.Bytes32PushTree;
    using FullMerkle for FullMerkle.FullTree;

    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;

    /// @notice Number of registered chains.
    uint256 public chainCount;

    /// @notice Index of each chain's leaf in the shared tree.
    mapping(uint256 chainId => uint256 chainIndex) public chainIndex;

    /// @notice Chain id at each shared-tree index.
    mapping(uint256 chainIndex => uint256 chainId) public chainIndexToId;

    /// @notice Last batch number appended per chain.
    mapping(uint256 chainId => uint256 batchNumber) public currentChainBatchNumber;

    /// @notice Appended batch roots.
    mapping(uint256 chainId => mapping(uint256 batchNumber => bytes32 chainBatchRoot)) public chainBatchRoots;

    /// @notice The shared root as of the end of each block that changed it.
    mapping(uint256 blockNumber => bytes32 sharedRoot) public historicalRoot;

    /// @notice Id of the last `NewInteropRoot` emission; increments at most once per block.
    uint256 public interopRootLogId;

    mapping(uint256 chainId => bool) internal _chainRegistered;
    mapping(uint256 chainId => DynamicIncrementalMerkle.Bytes32PushTree) internal _chainTree;
    FullMerkle.FullTree internal _sharedTree;
    uint256 internal _lastInteropRootBlockPlusOne;

    modifier onlyUpgrader() {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice Initialises the trees and registers this chain at index 0. ComplexUpgrader only, once.
    /// @param _l1ChainId Chain id of L1.
    function initL2(uint256 _l1ChainId) external onlyUpgrader {
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        L1_CHAIN_ID = _l1ChainId;
        _sharedTree.setup(SHARED_ROOT_TREE_EMPTY_HASH);
        _addNewChain(block.chainid, 0);
    }

    /// @notice Registers a chain that settles here. L2Bridgehub only.
    /// @param _chainId The chain.
    /// @param _startingBatchNumber The batch number its numbering continues from.
    function addNewChain(uint256 _chainId, uint256 _startingBatchNumber) external {
        if (msg.sender != L2_BRIDGEHUB_ADDR) revert OnlyBridgehub(msg.sender, L2_BRIDGEHUB_ADDR);
        _addNewChain(_chainId, _startingBatchNumber);
    }

    /// @notice Appends a chain's executed batch root. GWAssetTracker only (from `processLogsAndMessages`).
    /// @param _chainId The chain.
    /// @param _batchNumber Must be the chain's next batch number.
    /// @param _chainBatchRoot The batch root (non-zero).
    function addChainBatchRoot(uint256 _chainId, uint256 _batchNumber, bytes32 _chainBatchRoot) external {
        if (msg.sender != GW_ASSET_TRACKER_ADDR) revert OnlyAssetTracker(msg.sender, GW_ASSET_TRACKER_ADDR);
        if (!_chainRegistered[_chainId]) revert MessageRootNotRegistered();
        if (_chainBatchRoot == bytes32(0)) revert ChainBatchRootZero();
        if (_batchNumber != currentChainBatchNumber[_chainId] + 1) {
            revert NonConsecutiveBatchNumber(_chainId, _batchNumber);
        }
        if (chainBatchRoots[_chainId][_batchNumber] != bytes32(0)) {
            revert ChainBatchRootAlreadyExists(_chainId, _batchNumber);
        }
        chainBatchRoots[_chainId][_batchNumber] = _chainBatchRoot;
        currentChainBatchNumber[_chainId] = _batchNumber;
        emit AppendedChainBatchRoot(_chainId, _batchNumber, _chainBatchRoot);

        (, bytes32 chainRoot) = _chainTree[_chainId].push(MessageHashing.batchLeafHash(_chainBatchRoot, _batchNumber));
        bytes32 chainIdLeaf = MessageHashing.chainIdLeafHash(chainRoot, _chainId);
        emit NewChainRoot(_chainId, chainRoot, chainIdLeaf);

        bytes32 sharedRoot = _sharedTree.updateLeaf(chainIndex[_chainId], chainIdLeaf);
        _emitInteropRoot(sharedRoot);
    }

    /// @notice The shared-tree root (what this chain commits to as its aggregated root).
    function getAggregatedRoot() external view returns (bytes32) {
        if (chainCount == 0) return SHARED_ROOT_TREE_EMPTY_HASH;
        return _sharedTree.root();
    }

    /// @notice The root of a chain's batch tree (0 before its first batch).
    function getChainRoot(uint256 _chainId) external view returns (bytes32) {
        if (!_chainRegistered[_chainId]) revert MessageRootNotRegistered();
        return _chainTree[_chainId].root();
    }

    /// @notice The current shared-tree path of a chain's chain-id leaf.
    function getMerklePathForChain(uint256 _chainId) external view returns (bytes32[] memory) {
        if (!_chainRegistered[_chainId]) revert MessageRootNotRegistered();
        return _sharedTree.getPath(chainIndex[_chainId]);
    }

    /// @notice Height of the shared tree.
    function sharedTreeHeight() external view returns (uint256) {
        return _sharedTree.height();
    }

    /// @notice Whether a chain is registered.
    function chainRegistered(uint256 _chainId) external view returns (bool) {
        return _chainRegistered[_chainId];
    }

    function _addNewChain(uint256 _chainId, uint256 _startingBatchNumber) internal {
        if (_chainId == 0) revert ZeroChainId();
        if (_chainRegistered[_chainId]) revert ChainExists();
        uint256 index = chainCount++;
        _chainRegistered[_chainId] = true;
        chainIndex[_chainId] = index;
        chainIndexToId[index] = _chainId;
        currentChainBatchNumber[_chainId] = _startingBatchNumber;
        bytes32 initialChainRoot = _chainTree[_chainId].setup(CHAIN_TREE_EMPTY_ENTRY_HASH);
        _sharedTree.pushNewLeaf(MessageHashing.chainIdLeafHash(initialChainRoot, _chainId));
        emit AddedChain(_chainId, index);
    }

    function _emitInteropRoot(bytes32 _sharedRoot) internal {
        uint256 last = _lastInteropRootBlockPlusOne;
        if (last != 0 && last != block.number + 1) ++interopRootLogId;
        _lastInteropRootBlockPlusOne = block.number + 1;
        historicalRoot[block.number] = _sharedRoot;
        bytes32[] memory sides = new bytes32[](1);
        sides[0] = _sharedRoot;
        emit NewInteropRoot(block.chainid, block.number, interopRootLogId, sides);
    }

    function _storedRoot(uint256 _chainId, uint256 _batchNumber) internal view override returns (bytes32) {
        return chainBatchRoots[_chainId][_batchNumber];
    }

    /// @dev Only L1 verifies recursive proofs: a chain settling here cannot itself aggregate other chains.
    function _checkSettlementLayer(uint256, uint256, uint256, uint256) internal view override {
        if (block.chainid != L1_CHAIN_ID) revert OnlyL1();
    }
}
