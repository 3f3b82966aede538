// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropCallStarter} from "../Messaging.sol";

/// @title A contract that turns an "indirect" call starter into the real interop call (e.g. L2AssetRouter).
interface IL2CrossChainSender {
    /// @notice Called by the InteropCenter for a call carrying the `indirectCall` attribute.
    /// @param _chainId Destination chain.
    /// @param _originalCaller The user who called the InteropCenter.
    /// @param _value The call's `interopCallValue`.
    /// @param _data The call starter's data.
    /// @return The call starter to put in the bundle; its attributes may only hold `interopCallValue`.
    function initiateIndirectCall(
        uint256 _chainId,
        address _originalCaller,
        uint256 _value,
        bytes calldata _data
    ) external payable returns (InteropCallStarter memory);
}
