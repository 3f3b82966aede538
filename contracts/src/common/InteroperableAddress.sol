// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteroperableAddressParsingError} from "./Errors.sol";

/// @title ERC-7930 interoperable addresses, EVM (eip155) flavour, version 1.
/// @dev Layout: version (2 bytes, 0x0001) ‖ chainType (2 bytes, 0x0000 for eip155) ‖ uint8 chainRefLen ‖ chainRef
///      (minimal big-endian chain id) ‖ uint8 addrLen ‖ addr. Like the OpenZeppelin draft used by era-contracts,
///      the parser accepts trailing bytes after the address.
library InteroperableAddress {
    /// @notice Smallest possible encoding: version, chain type and both length bytes.
    uint256 internal constant MIN_LENGTH = 6;

    /// @notice formatEvmV1(chainid, addr).
    function formatEvmV1(uint256 _chainId, address _addr) internal pure returns (bytes memory) {
        bytes memory chainReference = _toChainReference(_chainId);
        return abi.encodePacked(bytes4(0x00010000), uint8(chainReference.length), chainReference, uint8(20), _addr);
    }

    /// @notice formatEvmV1(chainid): a chain with an empty address.
    function formatEvmV1(uint256 _chainId) internal pure returns (bytes memory) {
        bytes memory chainReference = _toChainReference(_chainId);
        return abi.encodePacked(bytes4(0x00010000), uint8(chainReference.length), chainReference, uint8(0));
    }

    /// @notice formatEvmV1(addr): an address with an empty chain reference.
    function formatEvmV1(address _addr) internal pure returns (bytes memory) {
        return abi.encodePacked(bytes6(0x000100000014), _addr);
    }

    /// @notice Parses an EVM v1 address; an absent chain id or address comes back as zero.
    function parseEvmV1(bytes memory _self) internal pure returns (uint256 chainId, address addr) {
        bool success;
        (success, chainId, addr) = tryParseEvmV1(_self);
        if (!success) revert InteroperableAddressParsingError(_self);
    }

    /// @notice Calldata flavour of `parseEvmV1`.
    function parseEvmV1Calldata(bytes calldata _self) internal pure returns (uint256 chainId, address addr) {
        return parseEvmV1(_self);
    }

    /// @notice Non-reverting `parseEvmV1`.
    function tryParseEvmV1(bytes memory _self) internal pure returns (bool success, uint256 chainId, address addr) {
        uint256 length = _self.length;
        if (length < MIN_LENGTH) return (false, 0, address(0));
        if (uint8(_self[0]) != 0x00 || uint8(_self[1]) != 0x01) return (false, 0, address(0));
        if (uint8(_self[2]) != 0x00 || uint8(_self[3]) != 0x00) return (false, 0, address(0));
        uint256 refLength = uint8(_self[4]);
        if (refLength > 32 || length < MIN_LENGTH + refLength) return (false, 0, address(0));
        uint256 addrLength = uint8(_self[5 + refLength]);
        if (addrLength != 0 && addrLength != 20) return (false, 0, address(0));
        if (length < MIN_LENGTH + refLength + addrLength) return (false, 0, address(0));
        for (uint256 i; i < refLength; ++i) {
            chainId = (chainId << 8) | uint8(_self[5 + i]);
        }
        if (addrLength == 20) {
            uint256 offset = 6 + refLength;
            bytes32 word;
            assembly ("memory-safe") {
                word := mload(add(add(_self, 0x20), offset))
            }
            addr = address(bytes20(word));
        }
        success = true;
    }

    /// @notice Length of the chain reference (byte 4); reverts on encodings shorter than the minimum.
    function chainReferenceLength(bytes calldata _self) internal pure returns (uint256) {
        if (_self.length < MIN_LENGTH) revert InteroperableAddressParsingError(_self);
        return uint8(_self[4]);
    }

    /// @notice Length of the address (the byte after the chain reference); reverts on truncated encodings.
    function addressLength(bytes calldata _self) internal pure returns (uint256) {
        uint256 referenceLength = chainReferenceLength(_self);
        if (_self.length < MIN_LENGTH + referenceLength) revert InteroperableAddressParsingError(_self);
        return uint8(_self[5 + referenceLength]);
    }

    /// @dev The chain id as minimal big-endian bytes; chain id 0 is one zero byte.
    function _toChainReference(uint256 _chainId) private pure returns (bytes memory chainRef) {
        uint256 length = 1;
        for (uint256 v = _chainId >> 8; v != 0; v >>= 8) {
            ++length;
        }
        chainRef = new bytes(length);
        for (uint256 i; i < length; ++i) {
            chainRef[length - 1 - i] = bytes1(uint8(_chainId >> (8 * i)));
        }
    }
}
