// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Merkle} from "./Merkle.sol";
import {MerkleWrongIndex} from "./Errors.sol";

/// @title Merkle tree with updatable leaves whose height grows with the number of leaves (the shared tree).
/// @dev Every node that covers at least one leaf is stored; nodes covering only missing leaves are the zero
///      hash of their level. One leaf is its own root.
library FullMerkle {
    struct FullTree {
        uint256 _height;
        uint256 _leafNumber;
        bytes32[] _zeros;
        mapping(uint256 level => mapping(uint256 index => bytes32 node)) _nodes;
    }

    /// @notice Initialises an empty tree; returns the root of the empty tree (the zero leaf).
    function setup(FullTree storage self, bytes32 _zero) internal returns (bytes32) {
        delete self._zeros;
        self._zeros.push(_zero);
        self._height = 0;
        self._leafNumber = 0;
        return _zero;
    }

    /// @notice Appends a leaf and returns the new root.
    function pushNewLeaf(FullTree storage self, bytes32 _leaf) internal returns (bytes32) {
        uint256 index = self._leafNumber++;
        uint256 currentHeight = self._height;
        if (index != 0 && index == 1 << currentHeight) {
            bytes32 top = self._zeros[currentHeight];
            self._zeros.push(Merkle.efficientHash(top, top));
            self._height = currentHeight + 1;
        }
        return updateLeaf(self, index, _leaf);
    }

    /// @notice Replaces leaf `_index` and returns the new root.
    function updateLeaf(FullTree storage self, uint256 _index, bytes32 _leaf) internal returns (bytes32) {
        uint256 width = self._leafNumber;
        if (_index >= width) revert MerkleWrongIndex(_index, width);
        uint256 treeHeight = self._height;
        bytes32 current = _leaf;
        uint256 index = _index;
        self._nodes[0][index] = current;
        for (uint256 level; level < treeHeight; ++level) {
            uint256 siblingIndex = index ^ 1;
            bytes32 sibling = siblingIndex < width ? self._nodes[level][siblingIndex] : self._zeros[level];
            current = index & 1 == 0 ? Merkle.efficientHash(current, sibling) : Merkle.efficientHash(sibling, current);
            index >>= 1;
            width = (width + 1) >> 1;
            self._nodes[level + 1][index] = current;
        }
        return current;
    }

    /// @notice The current root (the zero leaf for an empty tree).
    function root(FullTree storage self) internal view returns (bytes32) {
        if (self._leafNumber == 0) return self._zeros[0];
        return self._nodes[self._height][0];
    }

    /// @notice The sibling path of leaf `_index`, bottom-up.
    function getPath(FullTree storage self, uint256 _index) internal view returns (bytes32[] memory path) {
        uint256 width = self._leafNumber;
        if (_index >= width) revert MerkleWrongIndex(_index, width);
        uint256 treeHeight = self._height;
        path = new bytes32[](treeHeight);
        uint256 index = _index;
        for (uint256 level; level < treeHeight; ++level) {
            uint256 siblingIndex = index ^ 1;
            path[level] = siblingIndex < width ? self._nodes[level][siblingIndex] : self._zeros[level];
            index >>= 1;
            width = (width + 1) >> 1;
        }
    }

    /// @notice The current height.
    function height(FullTree storage self) internal view returns (uint256) {
        return self._height;
    }
}
