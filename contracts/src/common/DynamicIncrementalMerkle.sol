// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Merkle} from "./Merkle.sol";

/// @title Append-only Merkle tree whose height grows with the number of leaves (the per-chain batch tree).
/// @dev After `setup` the root is 0; a single leaf is its own root; n leaves form a full tree of height
///      ceil(log2(n)) padded with the zero hash of each level.
library DynamicIncrementalMerkle {
    struct Bytes32PushTree {
        uint256 _nextLeafIndex;
        bytes32[] _sides;
        bytes32[] _zeros;
    }

    /// @notice Resets the tree. Returns the root of the empty tree, which is 0 by definition.
    function setup(Bytes32PushTree storage self, bytes32 _zero) internal returns (bytes32) {
        self._nextLeafIndex = 0;
        delete self._sides;
        delete self._zeros;
        self._zeros.push(_zero);
        self._sides.push(bytes32(0));
        return bytes32(0);
    }

    /// @notice Appends a leaf. Returns its index and the new root.
    function push(Bytes32PushTree storage self, bytes32 _leaf) internal returns (uint256 index, bytes32 newRoot) {
        index = self._nextLeafIndex++;
        uint256 levels = self._zeros.length - 1;
        if (index == 1 << levels) {
            bytes32 top = self._zeros[levels];
            self._zeros.push(Merkle.efficientHash(top, top));
            self._sides.push(bytes32(0));
            ++levels;
        }
        bytes32 current = _leaf;
        for (uint256 i; i < levels; ++i) {
            if ((index >> i) & 1 == 0) {
                self._sides[i] = current;
                current = Merkle.efficientHash(current, self._zeros[i]);
            } else {
                current = Merkle.efficientHash(self._sides[i], current);
            }
        }
        self._sides[levels] = current;
        newRoot = current;
    }

    /// @notice The current root (0 for an empty tree).
    function root(Bytes32PushTree storage self) internal view returns (bytes32) {
        return self._sides[self._sides.length - 1];
    }

    /// @notice The current height.
    function height(Bytes32PushTree storage self) internal view returns (uint256) {
        return self._zeros.length - 1;
    }

    /// @notice The number of leaves pushed so far.
    function leafCount(Bytes32PushTree storage self) internal view returns (uint256) {
        return self._nextLeafIndex;
    }
}
