// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Two-step ownership and pausing for contracts whose code is placed at genesis (no constructor runs).
/// @dev Behaves like OpenZeppelin v4 `Ownable2StepUpgradeable` + `PausableUpgradeable`, including their revert
///      strings, which is what era-contracts' system contracts inherit.
abstract contract SystemOwnable {
    address private _owner;
    address private _pendingOwner;
    bool private _paused;

    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event Paused(address account);
    event Unpaused(address account);

    modifier onlyOwner() {
        require(msg.sender == _owner, "Ownable: caller is not the owner");
        _;
    }

    modifier whenNotPaused() {
        require(!_paused, "Pausable: paused");
        _;
    }

    /// @notice The current owner.
    function owner() public view returns (address) {
        return _owner;
    }

    /// @notice The owner-to-be, until it accepts.
    function pendingOwner() public view returns (address) {
        return _pendingOwner;
    }

    /// @notice Whether the contract is paused.
    function paused() public view returns (bool) {
        return _paused;
    }

    /// @notice Starts a transfer of ownership; `_newOwner` must call `acceptOwnership`.
    function transferOwnership(address _newOwner) external onlyOwner {
        _pendingOwner = _newOwner;
        emit OwnershipTransferStarted(_owner, _newOwner);
    }

    /// @notice Completes a transfer of ownership.
    function acceptOwnership() external {
        require(msg.sender == _pendingOwner, "Ownable2Step: caller is not the new owner");
        _transferOwnership(msg.sender);
    }

    /// @notice Pauses the contract.
    function pause() external onlyOwner {
        require(!_paused, "Pausable: paused");
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Unpauses the contract.
    function unpause() external onlyOwner {
        require(_paused, "Pausable: not paused");
        _paused = false;
        emit Unpaused(msg.sender);
    }

    function _transferOwnership(address _newOwner) internal {
        delete _pendingOwner;
        address previous = _owner;
        _owner = _newOwner;
        emit OwnershipTransferred(previous, _newOwner);
    }
}
