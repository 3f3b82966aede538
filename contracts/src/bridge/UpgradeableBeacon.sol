// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBeacon} from "./IBridge.sol";
import {EmptyToken} from "./BridgeErrors.sol";
import {Unauthorized} from "../common/Errors.sol";

/// @title UpgradeableBeacon: holds the implementation of every bridged token; the owner may upgrade it.
contract UpgradeableBeacon is IBeacon {
    address private _implementation;
    address public owner;

    /// @notice Emitted when the implementation changes.
    event Upgraded(address indexed implementation);

    /// @param _impl The BridgedStandardERC20 implementation.
    /// @param _owner Who may upgrade.
    constructor(address _impl, address _owner) {
        owner = _owner;
        _setImplementation(_impl);
    }

    /// @notice The current implementation.
    function implementation() external view returns (address) {
        return _implementation;
    }

    /// @notice Points every bridged token at a new implementation. Owner only.
    function upgradeTo(address _newImplementation) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        _setImplementation(_newImplementation);
    }

    function _setImplementation(address _impl) private {
        if (_impl.code.length == 0) revert EmptyToken();
        _implementation = _impl;
        emit Upgraded(_impl);
    }
}
