// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MessageVerificationBase} from "../common/MessageVerificationBase.sol";
import {IL2InteropRootStorage} from "../common/interfaces/ISystemContracts.sol";
import {L2_INTEROP_ROOT_STORAGE_ADDR} from "../common/L2ContractAddresses.sol";

/// @title L2MessageVerification (0x10009): proves messages of other chains against imported interop roots.
/// @dev The root store is pinned to its canonical address. A proof of chain C's message recurses once through
///      C's settlement layer and ends at `interopRoots(settlementLayerChainId, settlementLayerBlockNumber)`.
contract L2MessageVerification is MessageVerificationBase {
    function _storedRoot(uint256 _chainId, uint256 _blockOrBatchNumber) internal view override returns (bytes32) {
        return IL2InteropRootStorage(L2_INTEROP_ROOT_STORAGE_ADDR).interopRoots(_chainId, _blockOrBatchNumber);
    }

    /// @dev Any settlement layer is acceptable: only roots this chain imported can end a proof.
    function _checkSettlementLayer(uint256, uint256, uint256, uint256) internal pure override {}
}
