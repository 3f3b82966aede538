// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title WrongSelectorRecipient: implements `receiveMessage` but does not opt in (returns another selector).
contract WrongSelectorRecipient {
    /// @notice The value returned instead of the `receiveMessage` selector.
    bytes4 public constant RETURNED = 0xdeadbeef;

    /// @notice Accepts the call but returns the wrong selector.
    function receiveMessage(bytes32, bytes calldata, bytes calldata) external payable returns (bytes4) {
        return RETURNED;
    }
}
