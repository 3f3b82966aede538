// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC7786Recipient} from "../common/interfaces/IERC7786.sol";

/// @title ReentrantRecipient: while receiving a message, calls the InteropHandler again (adversarial E6).
/// @dev `setReentry` stores the calldata to send to the handler (e.g. executeBundle or unbundleBundle of the bundle
///      being executed). The outcome is recorded; with `bubble` a failed re-entry reverts the whole call.
contract ReentrantRecipient is IERC7786Recipient {
    /// @notice The InteropHandler.
    address public constant INTEROP_HANDLER = address(0x1000e);

    /// @notice Calldata sent to the handler on the next message.
    bytes public reentryCalldata;

    /// @notice Whether a failed re-entry reverts `receiveMessage`.
    bool public bubble;

    /// @notice Whether the last re-entry succeeded.
    bool public lastReentrySucceeded;

    /// @notice Return or revert data of the last re-entry.
    bytes public lastReentryResult;

    /// @notice Number of messages received.
    uint256 public receivedCount;

    /// @notice Emitted after each re-entry attempt.
    event Reentered(bool success, bytes result);

    /// @notice Configures the re-entry.
    function setReentry(bytes calldata _calldata, bool _bubble) external {
        reentryCalldata = _calldata;
        bubble = _bubble;
    }

    /// @inheritdoc IERC7786Recipient
    function receiveMessage(bytes32, bytes calldata, bytes calldata) external payable returns (bytes4) {
        ++receivedCount;
        if (reentryCalldata.length != 0) {
            (bool success, bytes memory result) = INTEROP_HANDLER.call(reentryCalldata);
            lastReentrySucceeded = success;
            lastReentryResult = result;
            emit Reentered(success, result);
            if (!success && bubble) {
                assembly ("memory-safe") {
                    revert(add(result, 0x20), mload(result))
                }
            }
        }
        return IERC7786Recipient.receiveMessage.selector;
    }
}
