// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {L2Log, L2Message, ProofData} from "./Messaging.sol";
import {MessageHashing} from "./MessageHashing.sol";
import {IMessageVerification} from "./interfaces/ISystemContracts.sol";
import {DepthMoreThanOneForRecursiveMerkleProof, InvalidProofFormat} from "./Errors.sol";

/// @title Verification of message, log and leaf inclusion against the roots a contract stores.
/// @dev Level 0 proves a log leaf up to its chain's batch root. If that level is not final, the chain-id leaf is
///      proven once more against its settlement layer (recursion depth at most 1). The final root is compared with
///      `_storedRoot`, which must be non-zero. Every word of the proof must be consumed.
abstract contract MessageVerificationBase is IMessageVerification {
    /// @notice Whether `_message`, sent on `_chainId`, is leaf `_index` of the batch/block `_blockOrBatchNumber`.
    function proveL2MessageInclusionShared(
        uint256 _chainId,
        uint256 _blockOrBatchNumber,
        uint256 _index,
        L2Message calldata _message,
        bytes32[] calldata _proof
    ) public view returns (bool) {
        bytes32 leaf = MessageHashing.getLeafHashFromMessage(_message);
        return _proveLeaf(_chainId, _blockOrBatchNumber, _index, leaf, _proof, 0, 0);
    }

    /// @notice Whether `_log` is leaf `_index` of the given batch/block of `_chainId`.
    function proveL2LogInclusionShared(
        uint256 _chainId,
        uint256 _blockOrBatchNumber,
        uint256 _index,
        L2Log calldata _log,
        bytes32[] calldata _proof
    ) public view returns (bool) {
        bytes32 leaf = MessageHashing.getLeafHashFromLog(_log);
        return _proveLeaf(_chainId, _blockOrBatchNumber, _index, leaf, _proof, 0, 0);
    }

    /// @notice Whether the log-tree leaf `_leaf` sits at `_leafProofMask` in the given batch/block of `_chainId`.
    function proveL2LeafInclusionShared(
        uint256 _chainId,
        uint256 _blockOrBatchNumber,
        uint256 _leafProofMask,
        bytes32 _leaf,
        bytes32[] calldata _proof
    ) public view returns (bool) {
        return _proveLeaf(_chainId, _blockOrBatchNumber, _leafProofMask, _leaf, _proof, 0, 0);
    }

    function _proveLeaf(
        uint256 _chainId,
        uint256 _blockOrBatchNumber,
        uint256 _leafProofMask,
        bytes32 _leaf,
        bytes32[] calldata _proof,
        uint256 _start,
        uint256 _depth
    ) internal view returns (bool) {
        ProofData memory data = MessageHashing.getProofData(
            _chainId,
            _blockOrBatchNumber,
            _leafProofMask,
            _leaf,
            _proof,
            _start,
            _depth == 0
        );
        if (data.finalProofNode) {
            if (data.ptr != _proof.length) revert InvalidProofFormat();
            bytes32 stored = _storedRoot(_chainId, _blockOrBatchNumber);
            return stored != bytes32(0) && stored == data.batchSettlementRoot;
        }
        if (_depth != 0) revert DepthMoreThanOneForRecursiveMerkleProof();
        _checkSettlementLayer(
            _chainId,
            _blockOrBatchNumber,
            data.settlementLayerChainId,
            data.settlementLayerBatchNumber
        );
        return
            _proveLeaf(
                data.settlementLayerChainId,
                data.settlementLayerBatchNumber,
                data.settlementLayerBatchRootMask,
                data.chainIdLeaf,
                _proof,
                data.ptr,
                _depth + 1
            );
    }

    /// @dev The root a final proof node must match; 0 when unknown.
    function _storedRoot(uint256 _chainId, uint256 _blockOrBatchNumber) internal view virtual returns (bytes32);

    /// @dev Reverts unless `_slChainId` may vouch for batch `_batchNumber` of `_chainId`.
    function _checkSettlementLayer(
        uint256 _chainId,
        uint256 _batchNumber,
        uint256 _slChainId,
        uint256 _slBlockOrBatchNumber
    ) internal view virtual;
}
