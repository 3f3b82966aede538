// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropRoot, L2Log, L2Message, L2ToL1Log, ProcessLogsInput} from "../Messaging.sol";
import {BalanceChange} from "./IAssetTrackerDataEncoding.sol";

/// @title SystemContext (0x800b), the parts interop needs.
interface ISystemContext {
    /// @notice Index of the current transaction in the current batch (= block on this devnet).
    function txNumberInBlock() external view returns (uint16);

    /// @notice Chain id of the layer this chain currently settles on.
    function currentSettlementLayerChainId() external view returns (uint256);
}

/// @title L1Messenger (0x8008).
interface IL1Messenger {
    event L1MessageSent(address indexed _sender, bytes32 indexed _hash, bytes _message);

    event L2ToL1LogSent(L2ToL1Log _l2log);

    /// @notice Sends an arbitrary-length message to L1 (and, through Gateway, to other chains).
    function sendToL1(bytes calldata _message) external returns (bytes32);
}

/// @title L2Bridgehub (0x10002), the parts interop needs.
interface IL2Bridgehub {
    function baseTokenAssetId(uint256 _chainId) external view returns (bytes32);

    function settlementLayer(uint256 _chainId) external view returns (uint256);

    function getZKChain(uint256 _chainId) external view returns (address);
}

/// @title Proof verification against stored roots (L2MessageVerification, L1MessageRoot).
interface IMessageVerification {
    function proveL2MessageInclusionShared(
        uint256 _chainId,
        uint256 _blockOrBatchNumber,
        uint256 _index,
        L2Message calldata _message,
        bytes32[] calldata _proof
    ) external view returns (bool);

    function proveL2LogInclusionShared(
        uint256 _chainId,
        uint256 _blockOrBatchNumber,
        uint256 _index,
        L2Log calldata _log,
        bytes32[] calldata _proof
    ) external view returns (bool);

    function proveL2LeafInclusionShared(
        uint256 _chainId,
        uint256 _blockOrBatchNumber,
        uint256 _leafProofMask,
        bytes32 _leaf,
        bytes32[] calldata _proof
    ) external view returns (bool);
}

/// @title MessageRoot (L2MessageRoot on Gateway, L1MessageRoot on L1), the shared parts.
interface IMessageRoot {
    event AddedChain(uint256 indexed chainId, uint256 indexed chainIndex);

    event AppendedChainBatchRoot(uint256 indexed chainId, uint256 indexed batchNumber, bytes32 chainBatchRoot);

    event NewChainRoot(uint256 indexed chainId, bytes32 chainRoot, bytes32 chainIdLeafHash);

    event NewInteropRoot(uint256 indexed chainId, uint256 indexed blockNumber, uint256 indexed logId, bytes32[] sides);

    function addNewChain(uint256 _chainId, uint256 _startingBatchNumber) external;

    function addChainBatchRoot(uint256 _chainId, uint256 _batchNumber, bytes32 _chainBatchRoot) external;

    function chainBatchRoots(uint256 _chainId, uint256 _batchNumber) external view returns (bytes32);

    function currentChainBatchNumber(uint256 _chainId) external view returns (uint256);
}

/// @title L2MessageRoot additions.
interface IL2MessageRoot is IMessageRoot {
    function historicalRoot(uint256 _blockNumber) external view returns (bytes32);

    function getAggregatedRoot() external view returns (bytes32);
}

/// @title L2InteropRootStorage (0x10008).
interface IL2InteropRootStorage {
    event InteropRootAdded(uint256 indexed chainId, uint256 indexed blockNumber, bytes32[] sides);

    function interopRoots(uint256 _chainId, uint256 _blockOrBatchNumber) external view returns (bytes32);

    function addInteropRoot(uint256 _chainId, uint256 _blockOrBatchNumber, bytes32[] calldata _sides) external;

    function addSingleInteropRoot(InteropRoot calldata _interopRoot) external;

    function addInteropRootsInBatch(InteropRoot[] calldata _interopRootsInput) external;
}

/// @title BaseTokenHolder (0x10011).
interface IBaseTokenHolder {
    function give(address _to, uint256 _amount, uint256 _fromChainId) external;

    function burnAndStartBridging(uint256 _toChainId) external payable;
}

/// @title GWAssetTracker (0x10010), the settlement entry point.
interface IGWAssetTracker {
    function processLogsAndMessages(ProcessLogsInput calldata _processLogsInputs) external;

    function getEmptyMultichainBatchRoot(uint256 _chainId) external pure returns (bytes32);

    function handleChainBalanceIncreaseOnGateway(
        uint256 _chainId,
        bytes32 _canonicalTxHash,
        BalanceChange calldata _balanceChange
    ) external;
}

/// @title The per-chain settlement contract (executor) as seen by bridgehubs and trackers.
interface IChainSettlement {
    function getChainId() external view returns (uint256);

    function getTotalBatchesExecuted() external view returns (uint256);

    function l2LogsRootHash(uint256 _batchNumber) external view returns (bytes32);
}

/// @title The part of L2AssetRouter that InteropCenter uses to burn a destination base token (asset task).
interface IL2AssetRouterBaseTokenDeposit {
    function bridgehubDepositBaseToken(
        uint256 _chainId,
        bytes32 _assetId,
        address _originalCaller,
        uint256 _amount
    ) external payable;
}

/// @title The part of L2NativeTokenVault that InteropCenter uses to find the ZK token (asset task).
interface IL2NativeTokenVaultTokenLookup {
    function tokenAddress(bytes32 _assetId) external view returns (address);
}

/// @title L2ChainAssetHandler (0x1000a), the parts the asset trackers and SystemContext need.
interface IL2ChainAssetHandler {
    /// @notice How many times `_chainId` changed its settlement layer: 0 never (always on L1), 1 moved to a settlement
    ///         layer, 2 moved back to L1.
    function migrationNumber(uint256 _chainId) external view returns (uint256);

    /// @notice Called by SystemContext whenever the bootloader sets the settlement layer.
    function setSettlementLayerChainId(
        uint256 _previousSettlementLayerChainId,
        uint256 _currentSettlementLayerChainId
    ) external;
}
