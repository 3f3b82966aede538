// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    BATCH_LEAF_PADDING,
    CHAIN_ID_LEAF_PADDING,
    L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH,
    L2_TO_L1_LOGS_MERKLE_TREE_DEPTH,
    L2_TO_L1_LOGS_TREE_HEIGHT,
    L2Log,
    L2Message,
    ProofData,
    SUPPORTED_PROOF_METADATA_VERSION
} from "./Messaging.sol";
import {L2_TO_L1_MESSENGER_ADDR} from "./L2ContractAddresses.sol";
import {Merkle} from "./Merkle.sol";
import {
    HashedLogIsDefault,
    InvalidProofFormat,
    InvalidProofLengthForFinalNode,
    MerkleIndexOutOfBounds,
    MerklePathEmpty,
    MerklePathLengthMismatch,
    MerklePathOutOfBounds,
    UnsupportedProofMetadataVersion
} from "./Errors.sol";

/// @title Leaf hashes, tree-leaf paddings and the proof format of ZKsync interop.
/// @dev Proof format (one bytes32[]):
///      level 0: [meta(version 1, logLeafProofLen L, batchLeafProofLen B, final)] [L log-path words]
///               if not final: [batchLeafMask] [B chain-tree words] [(slNumber << 128) | slMask] [slChainId]
///               and the rest is the proof of the chain-id leaf at (slChainId, slNumber, slMask).
///      A metadata word whose low 28 bytes are not zero marks the legacy format: the whole array is one path.
library MessageHashing {
    struct ProofMetadata {
        uint256 proofStartIndex;
        uint256 logLeafProofLen;
        uint256 batchLeafProofLen;
        bool finalProofNode;
        bool legacy;
    }

    /// @notice The log the L1Messenger records for a message.
    function l2MessageToLog(L2Message memory _message) internal pure returns (L2Log memory) {
        return
            L2Log({
                l2ShardId: 0,
                isService: true,
                txNumberInBatch: _message.txNumberInBatch,
                sender: L2_TO_L1_MESSENGER_ADDR,
                key: bytes32(uint256(uint160(_message.sender))),
                value: keccak256(_message.data)
            });
    }

    /// @notice The log-tree leaf of a message.
    function getLeafHashFromMessage(L2Message memory _message) internal pure returns (bytes32) {
        return getLeafHashFromLog(l2MessageToLog(_message));
    }

    /// @notice The log-tree leaf of a log: keccak256 of its 88-byte packed encoding.
    function getLeafHashFromLog(L2Log memory _log) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encodePacked(_log.l2ShardId, _log.isService, _log.txNumberInBatch, _log.sender, _log.key, _log.value)
            );
    }

    /// @notice The chain-tree leaf of a batch: keccak256(BATCH_LEAF_PADDING ‖ batchRoot ‖ batchNumber).
    function batchLeafHash(bytes32 _batchRoot, uint256 _batchNumber) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(BATCH_LEAF_PADDING, _batchRoot, _batchNumber));
    }

    /// @notice The shared-tree leaf of a chain: keccak256(CHAIN_ID_LEAF_PADDING ‖ chainRoot ‖ chainId).
    function chainIdLeafHash(bytes32 _chainRoot, uint256 _chainId) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(CHAIN_ID_LEAF_PADDING, _chainRoot, _chainId));
    }

    /// @notice The aggregated root of a chain that aggregates nobody: a shared tree holding only itself with an
    ///         empty chain tree (root 0).
    function emptyMultichainBatchRoot(uint256 _chainId) internal pure returns (bytes32) {
        return chainIdLeafHash(bytes32(0), _chainId);
    }

    /// @notice Parses the metadata word at `_proof[_start]`.
    function parseProofMetadata(
        bytes32[] calldata _proof,
        uint256 _start
    ) internal pure returns (ProofMetadata memory result) {
        if (_start >= _proof.length) revert MerklePathEmpty();
        bytes32 metadata = _proof[_start];
        if (uint256(metadata) << 32 == 0) {
            uint256 version = uint256(uint8(metadata[0]));
            if (version != SUPPORTED_PROOF_METADATA_VERSION) revert UnsupportedProofMetadataVersion(version);
            result.proofStartIndex = _start + 1;
            result.logLeafProofLen = uint256(uint8(metadata[1]));
            result.batchLeafProofLen = uint256(uint8(metadata[2]));
            uint8 finalByte = uint8(metadata[3]);
            // era-contracts reads any non-zero byte as "final"; only 0 and 1 are accepted here, so that no bit
            // flip of a valid proof still verifies.
            if (finalByte > 1) revert InvalidProofFormat();
            result.finalProofNode = finalByte == 1;
        } else {
            result.legacy = true;
            result.proofStartIndex = _start;
            result.logLeafProofLen = _proof.length - _start;
            result.finalProofNode = true;
        }
        if (result.finalProofNode && result.batchLeafProofLen != 0) revert InvalidProofLengthForFinalNode();
    }

    /// @notice Processes one level of a proof that starts at `_proof[_start]`.
    /// @param _chainId The chain the leaf comes from.
    /// @param _batchNumber Its batch number (level 0) or settlement-layer block/batch number (level 1).
    /// @param _leafProofMask The leaf's index (its path mask).
    /// @param _leaf The leaf.
    /// @param _isLogLevel Whether `_leaf` is a log-tree leaf; then its path must be exactly the 15 words of the log
    ///        tree plus the aggregated root, and its index must fit the 14-level tree.
    function getProofData(
        uint256 _chainId,
        uint256 _batchNumber,
        uint256 _leafProofMask,
        bytes32 _leaf,
        bytes32[] calldata _proof,
        uint256 _start,
        bool _isLogLevel
    ) internal pure returns (ProofData memory result) {
        if (_proof.length <= _start) revert MerklePathEmpty();
        ProofMetadata memory meta = parseProofMetadata(_proof, _start);
        // v31 always opens the settlement-layer level with a metadata word. Accepting the legacy format there (as
        // era-contracts does) would let a proof with that word deleted still verify: one encoding per proof.
        if (!_isLogLevel && meta.legacy) revert InvalidProofFormat();
        if (_isLogLevel) _checkLogLevel(meta.logLeafProofLen, _leafProofMask, _leaf);
        result.batchSettlementRoot = Merkle.calculateRootCalldata(
            _proof,
            meta.proofStartIndex,
            meta.logLeafProofLen,
            _leafProofMask,
            _leaf
        );
        result.ptr = meta.proofStartIndex + meta.logLeafProofLen;
        result.finalProofNode = meta.finalProofNode;
        result.batchLeafProofLen = meta.batchLeafProofLen;
        if (!meta.finalProofNode) _readSettlementLayerHop(result, _chainId, _batchNumber, _proof);
    }

    function _checkLogLevel(uint256 _pathLength, uint256 _leafProofMask, bytes32 _leaf) private pure {
        if (_leaf == L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH) revert HashedLogIsDefault();
        if (_pathLength != L2_TO_L1_LOGS_MERKLE_TREE_DEPTH) {
            revert MerklePathLengthMismatch(_pathLength, L2_TO_L1_LOGS_MERKLE_TREE_DEPTH);
        }
        if (_leafProofMask >= (1 << L2_TO_L1_LOGS_TREE_HEIGHT)) revert MerkleIndexOutOfBounds();
    }

    /// @dev Reads [batchLeafMask][chain-tree path][packed settlement-layer word][settlement-layer chain id] at
    ///      `_result.ptr` and fills in the chain-id leaf and the settlement-layer reference.
    function _readSettlementLayerHop(
        ProofData memory _result,
        uint256 _chainId,
        uint256 _batchNumber,
        bytes32[] calldata _proof
    ) private pure {
        uint256 ptr = _result.ptr;
        uint256 pathLength = _result.batchLeafProofLen;
        if (ptr + pathLength + 3 > _proof.length) revert MerklePathOutOfBounds();
        bytes32 chainRoot = Merkle.calculateRootCalldata(
            _proof,
            ptr + 1,
            pathLength,
            uint256(_proof[ptr]),
            batchLeafHash(_result.batchSettlementRoot, _batchNumber)
        );
        ptr += 1 + pathLength;
        _result.chainIdLeaf = chainIdLeafHash(chainRoot, _chainId);
        uint256 packed = uint256(_proof[ptr]);
        _result.settlementLayerBatchNumber = packed >> 128;
        _result.settlementLayerBatchRootMask = packed & type(uint128).max;
        _result.settlementLayerChainId = uint256(_proof[ptr + 1]);
        _result.ptr = ptr + 2;
    }
}
