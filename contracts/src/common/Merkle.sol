// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH, L2_TO_L1_LOGS_TREE_HEIGHT} from "./Messaging.sol";
import {MerkleIndexOutOfBounds, MerklePathOutOfBounds, MerkleWrongIndex} from "./Errors.sol";

/// @title Binary Merkle trees with keccak256(left ‖ right) nodes.
library Merkle {
    /// @notice keccak256(_a ‖ _b) without allocating memory.
    function efficientHash(bytes32 _a, bytes32 _b) internal pure returns (bytes32 result) {
        assembly ("memory-safe") {
            mstore(0x00, _a)
            mstore(0x20, _b)
            result := keccak256(0x00, 0x40)
        }
    }

    /// @notice The root reached from `_leaf` at position `_index` following the siblings `_path`.
    /// @dev Bit i of `_index` says whether the node at level i is a right child. An empty path proves a
    ///      single-leaf tree (index 0). The caller must check that the path length is the height it expects.
    function calculateRoot(
        bytes32[] memory _path,
        uint256 _index,
        bytes32 _leaf
    ) internal pure returns (bytes32) {
        uint256 pathLength = _path.length;
        _checkPath(pathLength, _index);
        bytes32 current = _leaf;
        for (uint256 i; i < pathLength; ++i) {
            current = (_index >> i) & 1 == 0 ? efficientHash(current, _path[i]) : efficientHash(_path[i], current);
        }
        return current;
    }

    /// @notice Same as `calculateRoot`, with the path given as `_length` words of `_proof` starting at `_start`.
    function calculateRootCalldata(
        bytes32[] calldata _proof,
        uint256 _start,
        uint256 _length,
        uint256 _index,
        bytes32 _leaf
    ) internal pure returns (bytes32) {
        _checkPath(_length, _index);
        if (_start + _length > _proof.length) revert MerklePathOutOfBounds();
        bytes32 current = _leaf;
        for (uint256 i; i < _length; ++i) {
            bytes32 sibling = _proof[_start + i];
            current = (_index >> i) & 1 == 0 ? efficientHash(current, sibling) : efficientHash(sibling, current);
        }
        return current;
    }

    function _checkPath(uint256 _pathLength, uint256 _index) private pure {
        if (_pathLength >= 256) revert MerklePathOutOfBounds();
        if (_index >= (1 << _pathLength)) revert MerkleIndexOutOfBounds();
    }
}

/// @title The fixed-height (14) tree of a batch's L2->L1 logs.
/// @dev Empty leaves are `L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH`; only the filled part is hashed, the empty subtrees
///      come from the default-subtree hash of their level.
library LogsTree {
    /// @notice The root of a log tree whose first leaves are `_leaves` (overwritten in place).
    function rootInPlace(bytes32[] memory _leaves) internal pure returns (bytes32) {
        uint256 width = _leaves.length;
        if (width > (1 << L2_TO_L1_LOGS_TREE_HEIGHT)) revert MerkleWrongIndex(width, 1 << L2_TO_L1_LOGS_TREE_HEIGHT);
        bytes32 zero = L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH;
        for (uint256 level; level < L2_TO_L1_LOGS_TREE_HEIGHT; ++level) {
            uint256 parents = (width + 1) >> 1;
            for (uint256 i; i < parents; ++i) {
                uint256 left = i << 1;
                bytes32 right = left + 1 < width ? _leaves[left + 1] : zero;
                _leaves[i] = Merkle.efficientHash(_leaves[left], right);
            }
            width = parents;
            zero = Merkle.efficientHash(zero, zero);
        }
        return width == 0 ? zero : _leaves[0];
    }

    /// @notice The default-subtree hash of the given level (level 0 = an empty leaf).
    function zeroHash(uint256 _level) internal pure returns (bytes32 zero) {
        zero = L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH;
        for (uint256 i; i < _level; ++i) {
            zero = Merkle.efficientHash(zero, zero);
        }
    }
}
