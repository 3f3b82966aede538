// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Decoding of ERC-7786 attributes: a 4-byte selector followed by the ABI-encoded argument.
library AttributesDecoder {
    /// @notice The argument of a `uint256` attribute.
    function decodeUint256(bytes calldata _data) internal pure returns (uint256) {
        return abi.decode(_data[4:], (uint256));
    }

    /// @notice The argument of a `bytes` attribute (an ERC-7930 address).
    function decodeInteroperableAddress(bytes calldata _data) internal pure returns (bytes memory) {
        return abi.decode(_data[4:], (bytes));
    }

    /// @notice The argument of a `bool` attribute.
    function decodeBool(bytes calldata _data) internal pure returns (bool) {
        return abi.decode(_data[4:], (bool));
    }
}
