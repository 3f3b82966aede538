// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropCallExecutedMessage} from "../Messaging.sol";

/// @title Selector sources for the L2->L1 messages that asset trackers read.
interface IAssetTrackerDataEncoding {
    /// @notice Selector of the message the InteropHandler sends after each executed call (0x70353c28).
    function receiveInteropCallExecuted(InteropCallExecutedMessage calldata _data) external;
}
