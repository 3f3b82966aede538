// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The ERC-7786 receiver interface the ZKsync InteropHandler calls on every bundle call.
interface IERC7786Recipient {
    function receiveMessage(bytes32 receiveId, bytes calldata sender, bytes calldata payload)
        external
        payable
        returns (bytes4);
}

/// @title Greeter: stores the last greeting sent to it from another ZK chain.
/// @dev Only the InteropHandler (0x...1000e) may deliver, and only from the one trusted sender.
contract Greeter is IERC7786Recipient {
    address public constant INTEROP_HANDLER = address(0x1000e);

    bytes public trustedSender;
    string public greeting;
    uint256 public received;

    error NotInteropHandler(address caller);
    error UntrustedSender(bytes sender);
    error EmptyGreeting();

    event Greeted(bytes32 indexed receiveId, string greeting, uint256 value);

    /// @param _trustedSender The ERC-7930 address (chain + account) allowed to greet.
    constructor(bytes memory _trustedSender) {
        trustedSender = _trustedSender;
    }

    function receiveMessage(bytes32 receiveId, bytes calldata sender, bytes calldata payload)
        external
        payable
        returns (bytes4)
    {
        if (msg.sender != INTEROP_HANDLER) revert NotInteropHandler(msg.sender);
        if (keccak256(sender) != keccak256(trustedSender)) revert UntrustedSender(sender);
        if (payload.length == 0) revert EmptyGreeting();
        greeting = string(payload);
        received += msg.value;
        emit Greeted(receiveId, greeting, msg.value);
        return IERC7786Recipient.receiveMessage.selector;
    }
}
