// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBaseTokenHolder} from "../common/interfaces/ISystemContracts.sol";
import {IL2AssetTracker} from "../bridge/IBridge.sol";
import {
    L2_ASSET_TRACKER_ADDR,
    L2_BASE_TOKEN_ADDR,
    L2_INTEROP_CENTER_ADDR,
    L2_INTEROP_HANDLER_ADDR,
    L2_NATIVE_TOKEN_VAULT_ADDR
} from "../common/L2ContractAddresses.sol";
import {BaseTokenTransferFailed, Unauthorized} from "../common/Errors.sol";

/// @title BaseTokenHolder (0x10011): the chain's base-token reserve.
/// @dev Funded at genesis. Bridging in is a transfer out of the reserve (`give`); bridging out is a transfer into
///      it (`burnAndStartBridging`). Total supply on the chain = initial reserve - current balance.
contract BaseTokenHolder is IBaseTokenHolder {
    /// @notice Emitted when base token leaves the reserve for an inbound interop call.
    event BaseTokenGiven(address indexed to, uint256 amount, uint256 indexed fromChainId);

    /// @notice Emitted when base token enters the reserve for an outbound transfer.
    event BaseTokenBridgingStarted(address indexed from, uint256 amount, uint256 indexed toChainId);

    /// @notice Sends `_amount` of base token to `_to` for a call arriving from `_fromChainId`. InteropHandler only.
    function give(address _to, uint256 _amount, uint256 _fromChainId) external {
        if (msg.sender != L2_INTEROP_HANDLER_ADDR) revert Unauthorized(msg.sender);
        _beforeGive(_to, _amount, _fromChainId);
        (bool success, ) = _to.call{value: _amount}("");
        if (!success) revert BaseTokenTransferFailed();
        emit BaseTokenGiven(_to, _amount, _fromChainId);
    }

    /// @notice Takes `msg.value` into the reserve for a transfer to `_toChainId`.
    /// @dev Callable by InteropCenter, InteropHandler, the NativeTokenVault and L2BaseToken.
    function burnAndStartBridging(uint256 _toChainId) external payable {
        if (
            msg.sender != L2_INTEROP_CENTER_ADDR &&
            msg.sender != L2_INTEROP_HANDLER_ADDR &&
            msg.sender != L2_NATIVE_TOKEN_VAULT_ADDR &&
            msg.sender != L2_BASE_TOKEN_ADDR
        ) revert Unauthorized(msg.sender);
        _afterBurn(msg.value, _toChainId);
        emit BaseTokenBridgingStarted(msg.sender, msg.value, _toChainId);
    }

    /// @notice Plain transfers are accepted only from L2BaseToken.
    receive() external payable {
        if (msg.sender != L2_BASE_TOKEN_ADDR) revert Unauthorized(msg.sender);
    }

    /// @dev Tells the L2AssetTracker before the funds move. A chain installed without the asset contracts (bare
    ///      contract-test topologies) has no tracker to tell.
    function _beforeGive(address, uint256 _amount, uint256 _fromChainId) internal virtual {
        if (L2_ASSET_TRACKER_ADDR.code.length == 0) return;
        IL2AssetTracker(L2_ASSET_TRACKER_ADDR).handleFinalizeBaseTokenBridgingOnL2(_fromChainId, _amount);
    }

    /// @dev Tells the L2AssetTracker, which refuses while the base token's balance is not migrated to Gateway.
    function _afterBurn(uint256 _amount, uint256 _toChainId) internal virtual {
        if (L2_ASSET_TRACKER_ADDR.code.length == 0) return;
        IL2AssetTracker(L2_ASSET_TRACKER_ADDR).handleInitiateBaseTokenBridgingOnL2(_toChainId, _amount);
    }
}
