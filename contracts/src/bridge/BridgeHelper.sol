// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DataEncoding} from "./DataEncoding.sol";

/// @title BridgeHelper: reads an ERC-20's metadata for the bridge mint data.
library BridgeHelper {
    /// @notice The token's metadata: 0x01 ‖ abi.encode(originChainId, name(), symbol(), decimals()), where each getter's
    ///         raw ABI return data is kept (empty if the getter is missing or reverts).
    function getERC20Getters(address _token, uint256 _originChainId) internal view returns (bytes memory) {
        return
            DataEncoding.encodeTokenData(
                _originChainId,
                _get(_token, "name()"),
                _get(_token, "symbol()"),
                _get(_token, "decimals()")
            );
    }

    function _get(address _token, string memory _signature) private view returns (bytes memory) {
        (bool ok, bytes memory result) = _token.staticcall(abi.encodeWithSignature(_signature));
        return ok ? result : bytes("");
    }
}
