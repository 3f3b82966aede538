// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC7786Recipient} from "../common/interfaces/IERC7786.sol";

/// @title RevertingRecipient: an ERC-7786 recipient that rejects every message with a custom error.
contract RevertingRecipient is IERC7786Recipient {
    /// @notice Raised for every message.
    error MessageRejected(bytes32 receiveId, bytes sender, bytes payload);

    /// @inheritdoc IERC7786Recipient
    function receiveMessage(
        bytes32 receiveId,
        bytes calldata sender,
        bytes calldata payload
    ) external payable returns (bytes4) {
        revert MessageRejected(receiveId, sender, payload);
    }
}
