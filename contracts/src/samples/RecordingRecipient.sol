// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC7786Recipient} from "../common/interfaces/IERC7786.sol";

/// @title RecordingRecipient: an ERC-7786 recipient that accepts and records every message it gets.
/// @dev A production recipient would also check `msg.sender == InteropHandler (0x1000e)` and the ERC-7930 sender.
contract RecordingRecipient is IERC7786Recipient {
    struct Received {
        bytes32 receiveId;
        bytes sender;
        bytes payload;
        uint256 value;
        address caller;
    }

    Received[] internal _received;

    /// @notice Emitted for every message received.
    event MessageReceived(bytes32 indexed receiveId, bytes sender, bytes payload, uint256 value, address caller);

    /// @inheritdoc IERC7786Recipient
    function receiveMessage(
        bytes32 receiveId,
        bytes calldata sender,
        bytes calldata payload
    ) external payable returns (bytes4) {
        _received.push(Received(receiveId, sender, payload, msg.value, msg.sender));
        emit MessageReceived(receiveId, sender, payload, msg.value, msg.sender);
        return IERC7786Recipient.receiveMessage.selector;
    }

    /// @notice Number of messages received.
    function count() external view returns (uint256) {
        return _received.length;
    }

    /// @notice The `_index`-th message received.
    function received(uint256 _index) external view returns (Received memory) {
        return _received[_index];
    }
}
