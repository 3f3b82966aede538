// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title L1ChainTypeManager: the protocol-version view the SDKs check before interop (minor must be >= 31).
contract L1ChainTypeManager {
    /// @notice Protocol version packed as major << 64 | minor << 32 | patch.
    uint256 public immutable protocolVersion;

    /// @param _minor Minor protocol version (31 for interop B).
    /// @param _patch Patch version.
    constructor(uint32 _minor, uint32 _patch) {
        protocolVersion = (uint256(_minor) << 32) | uint256(_patch);
    }

    /// @notice The protocol version as (major, minor, patch).
    function getSemverProtocolVersion() external view returns (uint32, uint32, uint32) {
        uint256 version = protocolVersion;
        return (uint32(version >> 64), uint32(version >> 32), uint32(version));
    }
}
