// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {MessageVerificationBase} from "../common/MessageVerificationBase.sol";
import {L1Bridgehub} from "./L1Bridgehub.sol";
import {
    ChainBatchRootAlreadyExists,
    ChainBatchRootZero,
    ChainExists,
    InvalidSettlementLayerForBatch,
    MessageRootNotRegistered,
    NonConsecutiveBatchNumber,
    OnlyBridgehub,
    OnlyChain,
    ZeroAddress
} from "../common/Errors.sol";

/// @title L1MessageRoot: batch roots of every chain settling on L1 (Gateway included), and proofs against them.
/// @dev A withdrawal from a chain settling on Gateway is proven with the recursive format: level 0 up to the chain's
///      batch root and its chain-id leaf, level 1 from that leaf through Gateway's shared tree and local logs root
///      to Gateway's batch root stored here.
contract L1MessageRoot is IMessageRoot, MessageVerificationBase {
    /// @notice The bridgehub.
    L1Bridgehub public immutable BRIDGE_HUB;

    /// @notice Stored batch roots.
    mapping(uint256 chainId => mapping(uint256 batchNumber => bytes32 chainBatchRoot)) public chainBatchRoots;

    /// @notice Last batch number stored per chain.
    mapping(uint256 chainId => uint256 batchNumber) public currentChainBatchNumber;

    /// @notice Whether a chain is registered.
    mapping(uint256 chainId => bool) public chainRegistered;

    /// @notice Number of registered chains.
    uint256 public chainCount;

    /// @param _bridgehub The bridgehub that registers chains.
    constructor(L1Bridgehub _bridgehub) {
        if (address(_bridgehub) == address(0)) revert ZeroAddress();
        BRIDGE_HUB = _bridgehub;
    }

    /// @notice Registers a chain. Bridgehub only.
    function addNewChain(uint256 _chainId, uint256 _startingBatchNumber) external {
        if (msg.sender != address(BRIDGE_HUB)) revert OnlyBridgehub(msg.sender, address(BRIDGE_HUB));
        if (chainRegistered[_chainId]) revert ChainExists();
        chainRegistered[_chainId] = true;
        currentChainBatchNumber[_chainId] = _startingBatchNumber;
        emit AddedChain(_chainId, chainCount++);
    }

    /// @notice Stores a chain's executed batch root. Only the chain's settlement contract may call.
    function addChainBatchRoot(uint256 _chainId, uint256 _batchNumber, bytes32 _chainBatchRoot) external {
        address zkChain = BRIDGE_HUB.getZKChain(_chainId);
        if (msg.sender != zkChain) revert OnlyChain(msg.sender, zkChain);
        if (!chainRegistered[_chainId]) revert MessageRootNotRegistered();
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
    }

    /// @notice A chain moved back to L1: its next batch stored here is `_batchNumber + 1` (the earlier ones were
    ///         stored by its settlement layer). Bridgehub only.
    function setChainBatchNumberOnMigration(uint256 _chainId, uint256 _batchNumber) external {
        if (msg.sender != address(BRIDGE_HUB)) revert OnlyBridgehub(msg.sender, address(BRIDGE_HUB));
        if (!chainRegistered[_chainId]) revert MessageRootNotRegistered();
        if (_batchNumber < currentChainBatchNumber[_chainId]) revert NonConsecutiveBatchNumber(_chainId, _batchNumber);
        currentChainBatchNumber[_chainId] = _batchNumber;
    }

    function _storedRoot(uint256 _chainId, uint256 _batchNumber) internal view override returns (bytes32) {
        return chainBatchRoots[_chainId][_batchNumber];
    }

    /// @dev The claimed settlement layer must be whitelisted and be where the chain settled that batch (the
    ///         bridgehub's migration intervals), so batches settled on Gateway stay provable after the chain left it.
    function _checkSettlementLayer(
        uint256 _chainId,
        uint256 _batchNumber,
        uint256 _slChainId,
        uint256 _slBatchNumber
    ) internal view override {
        if (
            !BRIDGE_HUB.whitelistedSettlementLayers(_slChainId) ||
            !BRIDGE_HUB.isValidSettlementLayer(_chainId, _batchNumber, _slChainId, _slBatchNumber)
        ) {
            revert InvalidSettlementLayerForBatch(_chainId, _batchNumber, _slChainId);
        }
    }
}
