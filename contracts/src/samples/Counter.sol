// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A minimal contract used to show that every chain of the devnet runs user code.
contract Counter {
    uint256 public count;
    event Incremented(address indexed by, uint256 count, uint256 chainId);
    error CountOverflow(uint256 limit);

    function increment() external returns (uint256) {
        if (count == type(uint64).max) revert CountOverflow(type(uint64).max);
        count += 1;
        emit Incremented(msg.sender, count, block.chainid);
        return count;
    }

    function chainId() external view returns (uint256) {
        return block.chainid;
    }

    function timestamp() external view returns (uint256) {
        return block.timestamp;
    }
}
