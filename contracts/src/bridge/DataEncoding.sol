// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {L2_NATIVE_TOKEN_VAULT_ADDR} from "../common/L2ContractAddresses.sol";
import {AssetIdMismatch, InvalidNTVBurnData, UnsupportedTokenMetadataVersion} from "./BridgeErrors.sol";

/// @dev Version byte of the new deposit encoding (`0x01 ‖ abi.encode(assetId, transferData)`).
bytes1 constant NEW_ENCODING_VERSION = 0x01;

/// @dev Version byte of the ERC-20 metadata carried in bridge mint data.
bytes1 constant TOKEN_METADATA_VERSION = 0x01;

/// @title DataEncoding: asset ids and the payloads that cross chains (v31 formats).
library DataEncoding {
    /// @notice keccak256(abi.encode(chainId, sender, assetData)): the generic asset id.
    function encodeAssetId(uint256 _chainId, bytes32 _assetData, address _sender) internal pure returns (bytes32) {
        return keccak256(abi.encode(_chainId, _sender, _assetData));
    }

    /// @notice keccak256(abi.encode(originChainId, 0x…010004, token)): the asset id of a vault token.
    function encodeNTVAssetId(uint256 _chainId, address _token) internal pure returns (bytes32) {
        return keccak256(abi.encode(_chainId, L2_NATIVE_TOKEN_VAULT_ADDR, _token));
    }

    /// @notice Reverts `AssetIdMismatch` unless `_assetId` is the vault asset id of `_token` from `_chainId`.
    function assetIdCheck(uint256 _chainId, bytes32 _assetId, address _token) internal pure {
        bytes32 expected = encodeNTVAssetId(_chainId, _token);
        if (_assetId != expected) revert AssetIdMismatch(expected, _assetId);
    }

    /// @notice The bridge mint data: abi.encode(originalCaller, remoteReceiver, originToken, amount, erc20Metadata).
    function encodeBridgeMintData(
        address _originalCaller,
        address _remoteReceiver,
        address _originToken,
        uint256 _amount,
        bytes memory _erc20Metadata
    ) internal pure returns (bytes memory) {
        return abi.encode(_originalCaller, _remoteReceiver, _originToken, _amount, _erc20Metadata);
    }

    /// @notice Inverse of `encodeBridgeMintData`.
    function decodeBridgeMintData(
        bytes memory _data
    )
        internal
        pure
        returns (
            address originalCaller,
            address remoteReceiver,
            address originToken,
            uint256 amount,
            bytes memory erc20Metadata
        )
    {
        (originalCaller, remoteReceiver, originToken, amount, erc20Metadata) = abi.decode(
            _data,
            (address, address, address, uint256, bytes)
        );
    }

    /// @notice Burn data: exactly abi.encode(uint256 amount, address remoteReceiver, address maybeToken).
    function decodeNTVBurnData(
        bytes memory _data
    ) internal pure returns (uint256 amount, address receiver, address maybeToken) {
        if (_data.length != 96) revert InvalidNTVBurnData();
        (amount, receiver, maybeToken) = abi.decode(_data, (uint256, address, address));
    }

    /// @notice Token metadata: 0x01 ‖ abi.encode(originChainId, name, symbol, decimals), each getter ABI-encoded.
    function encodeTokenData(
        uint256 _chainId,
        bytes memory _name,
        bytes memory _symbol,
        bytes memory _decimals
    ) internal pure returns (bytes memory) {
        return bytes.concat(TOKEN_METADATA_VERSION, abi.encode(_chainId, _name, _symbol, _decimals));
    }

    /// @notice Inverse of `encodeTokenData`.
    function decodeTokenData(
        bytes memory _tokenData
    ) internal pure returns (uint256 chainId, bytes memory name, bytes memory symbol, bytes memory decimals) {
        if (_tokenData.length == 0 || _tokenData[0] != TOKEN_METADATA_VERSION) revert UnsupportedTokenMetadataVersion();
        bytes memory body = new bytes(_tokenData.length - 1);
        for (uint256 i; i < body.length; ++i) {
            body[i] = _tokenData[i + 1];
        }
        (chainId, name, symbol, decimals) = abi.decode(body, (uint256, bytes, bytes, bytes));
    }
}
