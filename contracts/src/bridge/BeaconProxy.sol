// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBeacon} from "./IBridge.sol";

/// @title BeaconProxy: delegates every call to its beacon's current implementation (EIP-1967 beacon slot).
/// @dev Bridged tokens are BeaconProxies deployed by the native token vault with CREATE2 and constructor arguments
///      `abi.encode(beacon, "")`, so their address depends only on the vault, the salt and the beacon.
contract BeaconProxy {
    /// @dev bytes32(uint256(keccak256("eip1967.proxy.beacon")) - 1).
    bytes32 internal constant _BEACON_SLOT = 0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50;

    /// @notice Emitted once, when the beacon is set.
    event BeaconUpgraded(address indexed beacon);

    /// @param _beacon The beacon.
    /// @param _data Optional initialisation call to the implementation (empty for bridged tokens).
    constructor(address _beacon, bytes memory _data) payable {
        assembly ("memory-safe") {
            sstore(_BEACON_SLOT, _beacon)
        }
        emit BeaconUpgraded(_beacon);
        if (_data.length > 0) {
            (bool ok, bytes memory result) = IBeacon(_beacon).implementation().delegatecall(_data);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(result, 0x20), mload(result))
                }
            }
        }
    }

    fallback() external payable {
        address beacon;
        assembly ("memory-safe") {
            beacon := sload(_BEACON_SLOT)
        }
        address impl = IBeacon(beacon).implementation();
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), impl, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 {
                revert(0, returndatasize())
            }
            default {
                return(0, returndatasize())
            }
        }
    }
}
