// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL2CrossChainSender} from "../common/interfaces/IL2CrossChainSender.sol";
import {IERC7786Attributes} from "../common/interfaces/IERC7786.sol";
import {InteroperableAddress} from "../common/InteroperableAddress.sol";
import {InteropCallStarter} from "../common/Messaging.sol";

/// @title IndirectCallForwarder: a minimal `indirectCall` target, in the role the L2AssetRouter plays.
/// @dev The call it returns goes to `recipient` with payload abi.encode(originalCaller, data), and declares the
///      interop call value plus `valueSkew` (non-zero skews make the InteropCenter reject the send).
contract IndirectCallForwarder is IL2CrossChainSender {
    /// @notice Recipient of the calls this contract produces (on the destination chain).
    address public recipient;

    /// @notice Added to the declared interop call value (to exercise `IndirectCallValueMismatch`).
    uint256 public valueSkew;

    /// @notice Total value received through `initiateIndirectCall`.
    uint256 public received;

    /// @param _recipient Recipient of the produced calls.
    constructor(address _recipient) {
        recipient = _recipient;
    }

    /// @notice Sets the declared-value skew.
    function setValueSkew(uint256 _valueSkew) external {
        valueSkew = _valueSkew;
    }

    /// @inheritdoc IL2CrossChainSender
    function initiateIndirectCall(
        uint256,
        address _originalCaller,
        uint256 _value,
        bytes calldata _data
    ) external payable returns (InteropCallStarter memory starter) {
        received += msg.value;
        bytes[] memory attributes = new bytes[](1);
        attributes[0] = abi.encodeCall(IERC7786Attributes.interopCallValue, (_value + valueSkew));
        starter = InteropCallStarter({
            to: InteroperableAddress.formatEvmV1(recipient),
            data: abi.encode(_originalCaller, _data),
            callAttributes: attributes
        });
    }
}
