// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ERC-7786 gateway source (the sending side of a crosschain messaging gateway).
interface IERC7786GatewaySource {
    /// @notice Emitted once per call when a message is sent.
    /// @param sendId keccak256(bundleHash ‖ uint256 callIndex).
    /// @param sender ERC-7930 address of the sender on the source chain.
    /// @param recipient ERC-7930 address of the recipient on the destination chain.
    /// @param payload The payload as given by the user.
    /// @param value The base-token value delivered on the destination.
    /// @param attributes The ERC-7786 attributes as given by the user.
    event MessageSent(
        bytes32 indexed sendId,
        bytes sender,
        bytes recipient,
        bytes payload,
        uint256 value,
        bytes[] attributes
    );

    /// @notice An attribute this gateway does not know.
    error UnsupportedAttribute(bytes4 selector);

    /// @notice Whether the gateway understands the attribute with this selector.
    function supportsAttribute(bytes4 selector) external view returns (bool);

    /// @notice Sends one message to `recipient` (an ERC-7930 address including the chain).
    function sendMessage(
        bytes calldata recipient,
        bytes calldata payload,
        bytes[] calldata attributes
    ) external payable returns (bytes32 sendId);
}

/// @title ERC-7786 recipient. Must return its own selector to accept a message.
interface IERC7786Recipient {
    /// @notice Delivers a crosschain message.
    /// @param receiveId keccak256(bundleHash ‖ uint256 callIndex).
    /// @param sender ERC-7930 address of the sender on the source chain.
    /// @param payload The payload.
    /// @return The selector of this function.
    function receiveMessage(
        bytes32 receiveId,
        bytes calldata sender,
        bytes calldata payload
    ) external payable returns (bytes4);
}

/// @title The ERC-7786 attributes of ZKsync interop. Only used for their selectors and argument encodings.
interface IERC7786Attributes {
    /// @notice Base-token value delivered with the call on the destination (burned on the source).
    function interopCallValue(uint256 _interopCallValue) external pure;

    /// @notice Routes the call through `IL2CrossChainSender(to).initiateIndirectCall{value: _indirectCallMessageValue}`.
    function indirectCall(uint256 _indirectCallMessageValue) external pure;

    /// @notice Only this ERC-7930 address may execute the bundle.
    function executionAddress(bytes calldata _executionAddress) external pure;

    /// @notice Only this ERC-7930 address may unbundle the bundle.
    function unbundlerAddress(bytes calldata _unbundlerAddress) external pure;

    /// @notice Pay the fixed ZK fee instead of the base-token protocol fee.
    function useFixedFee(bool _useFixedFee) external pure;
}
