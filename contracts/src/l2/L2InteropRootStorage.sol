// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL2InteropRootStorage} from "../common/interfaces/ISystemContracts.sol";
import {InteropRoot} from "../common/Messaging.sol";
import {L2_BOOTLOADER_ADDRESS} from "../common/L2ContractAddresses.sol";
import {InteropRootAlreadyExists, MessageRootIsZero, SidesLengthNotOne, Unauthorized} from "../common/Errors.sol";

/// @title L2InteropRootStorage (0x10008): roots of other chains that this chain imported.
/// @dev With proof-based interop the key is (Gateway chain id, Gateway block number) and `sides` holds only the
///      root. Roots are written once, never zero, and only by the bootloader.
contract L2InteropRootStorage is IL2InteropRootStorage {
    /// @notice chainId => block or batch number => root.
    mapping(uint256 chainId => mapping(uint256 blockOrBatchNumber => bytes32 interopRoot)) public interopRoots;

    modifier onlyCallFromBootloader() {
        if (msg.sender != L2_BOOTLOADER_ADDRESS) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice Imports one root. Bootloader only.
    /// @param chainId The chain the root belongs to (the Gateway).
    /// @param blockOrBatchNumber Its block number (proof-based interop).
    /// @param sides A single-element array holding the root.
    function addInteropRoot(
        uint256 chainId,
        uint256 blockOrBatchNumber,
        bytes32[] calldata sides
    ) external onlyCallFromBootloader {
        _addInteropRoot(chainId, blockOrBatchNumber, sides);
    }

    /// @notice Imports one root given as a struct. Bootloader only.
    function addSingleInteropRoot(InteropRoot calldata interopRoot) external onlyCallFromBootloader {
        _addInteropRoot(interopRoot.chainId, interopRoot.blockOrBatchNumber, interopRoot.sides);
    }

    /// @notice Imports several roots. Bootloader only.
    function addInteropRootsInBatch(InteropRoot[] calldata interopRootsInput) external onlyCallFromBootloader {
        uint256 length = interopRootsInput.length;
        for (uint256 i; i < length; ++i) {
            _addInteropRoot(
                interopRootsInput[i].chainId,
                interopRootsInput[i].blockOrBatchNumber,
                interopRootsInput[i].sides
            );
        }
    }

    function _addInteropRoot(uint256 _chainId, uint256 _blockOrBatchNumber, bytes32[] calldata _sides) internal {
        if (_sides.length != 1) revert SidesLengthNotOne();
        if (_sides[0] == bytes32(0)) revert MessageRootIsZero();
        if (interopRoots[_chainId][_blockOrBatchNumber] != bytes32(0)) revert InteropRootAlreadyExists();
        interopRoots[_chainId][_blockOrBatchNumber] = _sides[0];
        emit InteropRootAdded(_chainId, _blockOrBatchNumber, _sides);
    }
}
