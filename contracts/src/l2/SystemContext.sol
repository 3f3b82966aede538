// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL2ChainAssetHandler, ISystemContext} from "../common/interfaces/ISystemContracts.sol";
import {L2_BOOTLOADER_ADDRESS, L2_CHAIN_ASSET_HANDLER_ADDR} from "../common/L2ContractAddresses.sol";
import {Unauthorized, ZeroChainId} from "../common/Errors.sol";

/// @title SystemContext (0x800b): per-transaction and per-chain context that system contracts read.
/// @dev The devnet engine writes `txNumberInBlock` (alone in its slot) before every transaction.
contract SystemContext is ISystemContext {
    /// @notice Index of the current transaction in its block; one block is one batch on this devnet.
    uint16 public txNumberInBlock;

    /// @notice Chain id of the layer this chain settles on (L1 or Gateway).
    uint256 public currentSettlementLayerChainId;

    /// @notice Emitted when the settlement layer changes.
    event SettlementLayerChainIdUpdated(uint256 indexed previousSettlementLayerChainId, uint256 indexed newSettlementLayerChainId);

    /// @notice Sets the chain id of the settlement layer. Bootloader only. The L2ChainAssetHandler (when deployed)
    ///         is told, so a change of settlement layer bumps the chain's migration number.
    /// @param _newSettlementLayerChainId The new settlement layer.
    function setSettlementLayerChainId(uint256 _newSettlementLayerChainId) external {
        if (msg.sender != L2_BOOTLOADER_ADDRESS) revert Unauthorized(msg.sender);
        if (_newSettlementLayerChainId == 0) revert ZeroChainId();
        uint256 previous = currentSettlementLayerChainId;
        currentSettlementLayerChainId = _newSettlementLayerChainId;
        emit SettlementLayerChainIdUpdated(previous, _newSettlementLayerChainId);
        if (L2_CHAIN_ASSET_HANDLER_ADDR.code.length != 0) {
            IL2ChainAssetHandler(L2_CHAIN_ASSET_HANDLER_ADDR).setSettlementLayerChainId(
                previous,
                _newSettlementLayerChainId
            );
        }
    }
}
