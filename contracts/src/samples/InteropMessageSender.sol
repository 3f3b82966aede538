// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL1Messenger} from "../common/interfaces/ISystemContracts.sol";

/// @title InteropMessageSender: sends a plain interop message (v29 style) through the L1Messenger.
/// @dev Any chain settling on the same Gateway can then prove it with `L2MessageVerification`.
contract InteropMessageSender {
    /// @notice Emitted with the message hash returned by the L1Messenger.
    event MessageSent(bytes32 indexed hash, bytes message);

    /// @notice Sends `_message` to L1; the log's key is this contract.
    function sendMessage(bytes calldata _message) external returns (bytes32 hash) {
        hash = IL1Messenger(address(0x8008)).sendToL1(_message);
        emit MessageSent(hash, _message);
    }
}
