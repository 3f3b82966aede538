// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Reentrancy} from "./Errors.sol";

/// @title A reentrancy guard in transient storage, so it needs no initialisation when code is placed at genesis.
abstract contract ReentrancyLock {
    bool private transient _locked;

    modifier nonReentrant() {
        if (_locked) revert Reentrancy();
        _locked = true;
        _;
        _locked = false;
    }
}
