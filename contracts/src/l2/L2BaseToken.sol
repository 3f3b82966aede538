// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBaseTokenHolder, IL1Messenger} from "../common/interfaces/ISystemContracts.sol";
import {
    L2_ASSET_ROUTER_ADDR,
    L2_BASE_TOKEN_HOLDER_ADDR,
    L2_TO_L1_MESSENGER_ADDR
} from "../common/L2ContractAddresses.sol";

/// @dev The L1 chain id, as the L2AssetRouter keeps it.
interface IL1ChainIdSource {
    function L1_CHAIN_ID() external view returns (uint256);
}

/// @title L2BaseToken (0x800a): withdrawals of the chain's base token to L1.
/// @dev Balances are plain EVM balances on this devnet (as on ZKsync OS); v31's L2BaseToken only moves the
///      withdrawn value into the BaseTokenHolder (which tells the L2AssetTracker) and sends the L2->L1 message that
///      `L1Nullifier.finalizeDeposit` proves: `finalizeEthWithdrawal.selector ‖ address l1Receiver ‖ uint256
///      amount`. Gateway's GWAssetTracker debits the chain's balance of its base token when it settles that message.
contract L2BaseToken {
    /// @notice Emitted when a base-token withdrawal to L1 starts.
    event Withdrawal(address indexed _l2Sender, address indexed _l1Receiver, uint256 _amount);

    /// @notice Withdraws `msg.value` of the base token to `_l1Receiver` on L1; claim it there with
    ///         `L1Nullifier.finalizeDeposit` once this chain's batch is final on L1.
    /// @param _l1Receiver The L1 address that receives the funds.
    function withdraw(address _l1Receiver) external payable {
        uint256 amount = msg.value;
        IBaseTokenHolder(L2_BASE_TOKEN_HOLDER_ADDR).burnAndStartBridging{value: amount}(
            IL1ChainIdSource(L2_ASSET_ROUTER_ADDR).L1_CHAIN_ID()
        );
        // IMailbox.finalizeEthWithdrawal.selector, the message L1 and Gateway recognise
        bytes4 finalizeEthWithdrawal = bytes4(
            keccak256("finalizeEthWithdrawal(uint256,uint256,uint16,bytes,bytes32[])")
        );
        IL1Messenger(L2_TO_L1_MESSENGER_ADDR).sendToL1(abi.encodePacked(finalizeEthWithdrawal, _l1Receiver, amount));
        emit Withdrawal(msg.sender, _l1Receiver, amount);
    }
}
