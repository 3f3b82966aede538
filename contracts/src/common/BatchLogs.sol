// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {L2Log} from "./Messaging.sol";
import {L2_TO_L1_MESSENGER_ADDR} from "./L2ContractAddresses.sol";
import {LogsTree} from "./Merkle.sol";
import {MessageHashing} from "./MessageHashing.sol";
import {InvalidL2ShardId, InvalidMessage, InvalidServiceLog} from "./Errors.sol";

/// @title Rebuilding a batch's local logs root from its logs and message preimages.
library BatchLogs {
    /// @notice The log-tree root of `_logs`, after checking that every L1Messenger log has its preimage, in order,
    ///         in `_messages` and that no message is left over.
    function localLogsRoot(L2Log[] calldata _logs, bytes[] calldata _messages) internal pure returns (bytes32) {
        uint256 logsLength = _logs.length;
        bytes32[] memory leaves = new bytes32[](logsLength);
        uint256 msgCount;
        for (uint256 i; i < logsLength; ++i) {
            L2Log calldata log = _logs[i];
            leaves[i] = MessageHashing.getLeafHashFromLog(log);
            if (log.sender == L2_TO_L1_MESSENGER_ADDR) {
                if (msgCount >= _messages.length || keccak256(_messages[msgCount]) != log.value) {
                    revert InvalidMessage();
                }
                if (log.l2ShardId != 0) revert InvalidL2ShardId();
                if (!log.isService) revert InvalidServiceLog();
                ++msgCount;
            }
        }
        if (msgCount != _messages.length) revert InvalidMessage();
        return LogsTree.rootInPlace(leaves);
    }
}
