// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL1Messenger, ISystemContext} from "../common/interfaces/ISystemContracts.sol";
import {L2ToL1Log} from "../common/Messaging.sol";
import {L2_SYSTEM_CONTEXT_ADDR} from "../common/L2ContractAddresses.sol";

/// @title L1Messenger (0x8008): sends messages from L2 to L1 (and, through Gateway, to other chains).
/// @dev Logs are not stored: the devnet seals each batch's log tree from the `L2ToL1LogSent` events.
contract L1Messenger is IL1Messenger {
    uint160 internal constant MAX_SYSTEM_CONTRACT_ADDRESS = 0xffff;

    error CallerMustBeSystemContract();

    /// @notice Sends `_message` to L1; its log is a leaf of the current batch's log tree.
    /// @param _message Arbitrary bytes.
    /// @return hash keccak256(_message), the log's value.
    function sendToL1(bytes calldata _message) external returns (bytes32 hash) {
        hash = keccak256(_message);
        emit L2ToL1LogSent(
            L2ToL1Log({
                l2ShardId: 0,
                isService: true,
                txNumberInBlock: ISystemContext(L2_SYSTEM_CONTEXT_ADDR).txNumberInBlock(),
                sender: address(this),
                key: bytes32(uint256(uint160(msg.sender))),
                value: hash
            })
        );
        emit L1MessageSent(msg.sender, hash, _message);
    }

    /// @notice Sends a raw L2->L1 log (no message) whose sender is the calling system contract, e.g. the
    /// bootloader's status log of a priority transaction (key: canonical tx hash, value: 1 = success, 0 = failure).
    /// @dev Only kernel-space system contracts (addresses up to 0xffff) may call it.
    /// @return logIdInMerkleTree Always 0 here: the devnet numbers the batch's leaves when it seals the batch.
    function sendL2ToL1Log(bool _isService, bytes32 _key, bytes32 _value) external returns (uint256 logIdInMerkleTree) {
        if (uint160(msg.sender) > MAX_SYSTEM_CONTRACT_ADDRESS) revert CallerMustBeSystemContract();
        emit L2ToL1LogSent(
            L2ToL1Log({
                l2ShardId: 0,
                isService: _isService,
                txNumberInBlock: ISystemContext(L2_SYSTEM_CONTEXT_ADDR).txNumberInBlock(),
                sender: msg.sender,
                key: _key,
                value: _value
            })
        );
        return 0;
    }
}
