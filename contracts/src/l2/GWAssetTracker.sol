// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGWAssetTracker, IL2Bridgehub, IMessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {IAssetTrackerDataEncoding} from "../common/interfaces/IAssetTrackerDataEncoding.sol";
import {SystemOwnable} from "../common/SystemOwnable.sol";
import {LogsTree} from "../common/Merkle.sol";
import {MessageHashing} from "../common/MessageHashing.sol";
import {BUNDLE_IDENTIFIER, L2Log, ProcessLogsInput} from "../common/Messaging.sol";
import {
    L2_ASSET_ROUTER_ADDR,
    L2_ASSET_TRACKER_ADDR,
    L2_BASE_TOKEN_ADDR,
    L2_BOOTLOADER_ADDRESS,
    L2_BRIDGEHUB_ADDR,
    L2_COMPLEX_UPGRADER_ADDR,
    L2_COMPRESSOR_ADDR,
    L2_INTEROP_CENTER_ADDR,
    L2_INTEROP_HANDLER_ADDR,
    L2_KNOWN_CODE_STORAGE_ADDR,
    L2_MESSAGE_ROOT_ADDR,
    L2_TO_L1_MESSENGER_ADDR,
    MAX_BUILT_IN_CONTRACT_ADDR
} from "../common/L2ContractAddresses.sol";
import {
    InvalidBuiltInContractMessage,
    InvalidEmptyMultichainBatchRoot,
    InvalidFunctionSignature,
    InvalidL2ShardId,
    InvalidMessage,
    InvalidServiceLog,
    ReconstructionMismatch,
    Unauthorized,
    ZeroAddress,
    ZeroChainId
} from "../common/Errors.sol";

/// @title GWAssetTracker (0x10010): processes each batch a chain executes on Gateway.
/// @dev This version rebuilds and checks the batch root and appends it to the L2MessageRoot. The balance
///      accounting of the asset task plugs into the `_handle*` hooks below, which are called for every log and
///      message in tree order, before the root is appended.
contract GWAssetTracker is IGWAssetTracker, SystemOwnable {
    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;

    modifier onlyUpgrader() {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyChain(uint256 _chainId) {
        if (msg.sender != IL2Bridgehub(L2_BRIDGEHUB_ADDR).getZKChain(_chainId)) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice Initialises the tracker. ComplexUpgrader only, once.
    /// @param _l1ChainId Chain id of L1.
    /// @param _owner Owner (sets the Gateway settlement fee in the asset task).
    function initL2(uint256 _l1ChainId, address _owner) external onlyUpgrader {
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        if (_owner == address(0)) revert ZeroAddress();
        L1_CHAIN_ID = _l1ChainId;
        _transferOwnership(_owner);
    }

    /// @notice The aggregated root every chain settling on Gateway must commit to: a shared tree holding only
    ///         itself, with an empty chain tree.
    function getEmptyMultichainBatchRoot(uint256 _chainId) external pure returns (bytes32) {
        return MessageHashing.emptyMultichainBatchRoot(_chainId);
    }

    /// @notice Processes one executed batch of `chainId`: rebuilds its log tree from the logs, checks the messages
    ///         against their logs, checks the batch root, and appends it to the L2MessageRoot (which emits
    ///         `NewInteropRoot`). Only the chain's executor on Gateway (`L2Bridgehub.getZKChain`) may call.
    /// @param _input The batch's logs, messages and roots.
    function processLogsAndMessages(ProcessLogsInput calldata _input) external onlyChain(_input.chainId) {
        uint256 chainId = _input.chainId;
        uint256 logsLength = _input.logs.length;
        bytes32[] memory leaves = new bytes32[](logsLength);
        uint256 msgCount;
        uint256 chargeableInteropCount;
        for (uint256 logIndex; logIndex < logsLength; ++logIndex) {
            L2Log memory log = _input.logs[logIndex];
            leaves[logIndex] = MessageHashing.getLeafHashFromLog(log);
            if (log.sender == L2_BOOTLOADER_ADDRESS) {
                _handleBootloaderLog(chainId, log.key, log.value);
            } else if (log.sender == L2_TO_L1_MESSENGER_ADDR) {
                if (msgCount >= _input.messages.length) revert InvalidMessage();
                bytes calldata message = _input.messages[msgCount];
                ++msgCount;
                if (log.value != keccak256(message)) revert InvalidMessage();
                if (log.l2ShardId != 0) revert InvalidL2ShardId();
                if (!log.isService) revert InvalidServiceLog();
                chargeableInteropCount += _routeMessage(chainId, logIndex, msgCount - 1, log.key, message);
            }
        }
        if (msgCount != _input.messages.length) revert InvalidMessage();

        bytes32 localLogsRoot = LogsTree.rootInPlace(leaves);
        bytes32 expectedMultichainRoot = MessageHashing.emptyMultichainBatchRoot(chainId);
        if (_input.multichainBatchRoot != expectedMultichainRoot) {
            revert InvalidEmptyMultichainBatchRoot(expectedMultichainRoot, _input.multichainBatchRoot);
        }
        bytes32 chainBatchRoot = keccak256(bytes.concat(localLogsRoot, _input.multichainBatchRoot));
        if (chainBatchRoot != _input.chainBatchRoot) revert ReconstructionMismatch(chainBatchRoot, _input.chainBatchRoot);

        IMessageRoot(L2_MESSAGE_ROOT_ADDR).addChainBatchRoot(chainId, _input.batchNumber, chainBatchRoot);
        _collectInteropSettlementFee(chainId, _input.settlementFeePayer, chargeableInteropCount);
    }

    /// @dev Dispatches a message on the address that sent it (the log key). Returns the number of calls the
    ///      Gateway settlement fee is charged for.
    function _routeMessage(
        uint256 _chainId,
        uint256 _logIndex,
        uint256 _msgIndex,
        bytes32 _key,
        bytes calldata _message
    ) internal returns (uint256 chargeableCalls) {
        if (_key == _asKey(L2_INTEROP_CENTER_ADDR)) {
            if (_message.length == 0 || _message[0] != BUNDLE_IDENTIFIER) return 0;
            return _handleInteropCenterMessage(_chainId, _message[1:]);
        } else if (_key == _asKey(L2_INTEROP_HANDLER_ADDR)) {
            bytes4 selector = _message.length >= 4 ? bytes4(_message[:4]) : bytes4(0);
            if (selector != IAssetTrackerDataEncoding.receiveInteropCallExecuted.selector) {
                revert InvalidFunctionSignature(selector);
            }
            _handleInteropHandlerMessage(_chainId, _message);
        } else if (_key == _asKey(L2_BASE_TOKEN_ADDR)) {
            _handleBaseTokenMessage(_chainId, _message);
        } else if (_key == _asKey(L2_ASSET_ROUTER_ADDR)) {
            _handleAssetRouterMessage(_chainId, _message);
        } else if (_key == _asKey(L2_ASSET_TRACKER_ADDR)) {
            _handleAssetTrackerMessage(_chainId, _message);
        } else if (_key == _asKey(L2_COMPRESSOR_ADDR) || _key == _asKey(L2_KNOWN_CODE_STORAGE_ADDR)) {
            // Nothing to account for.
        } else if (uint256(_key) <= MAX_BUILT_IN_CONTRACT_ADDR) {
            revert InvalidBuiltInContractMessage(_logIndex, _msgIndex, _key);
        }
    }

    function _asKey(address _addr) private pure returns (bytes32) {
        return bytes32(uint256(uint160(_addr)));
    }

    // ---- Asset-task hook points. Each is called in tree order, before the batch root is appended. ----

    /// @dev ASSET-TRACKER HOOK: a bootloader log (L1->L2 transaction status): undo failed deposits.
    function _handleBootloaderLog(uint256 _chainId, bytes32 _canonicalTxHash, bytes32 _status) internal virtual {}

    /// @dev ASSET-TRACKER HOOK: an interop bundle sent by `_chainId` (`_bundle` = abi.encode(InteropBundle)): debit
    ///      the source's chainBalance, credit the destination's pendingInteropBalance. Returns the call count.
    function _handleInteropCenterMessage(
        uint256 _chainId,
        bytes calldata _bundle
    ) internal virtual returns (uint256 chargeableCalls) {}

    /// @dev ASSET-TRACKER HOOK: `receiveInteropCallExecuted` from `_chainId`: move pending balance to chainBalance.
    function _handleInteropHandlerMessage(uint256 _chainId, bytes calldata _message) internal virtual {}

    /// @dev ASSET-TRACKER HOOK: a base-token withdrawal to L1.
    function _handleBaseTokenMessage(uint256 _chainId, bytes calldata _message) internal virtual {}

    /// @dev ASSET-TRACKER HOOK: an asset-router withdrawal to L1 (`finalizeDeposit`).
    function _handleAssetRouterMessage(uint256 _chainId, bytes calldata _message) internal virtual {}

    /// @dev ASSET-TRACKER HOOK: an L2AssetTracker migration message.
    function _handleAssetTrackerMessage(uint256 _chainId, bytes calldata _message) internal virtual {}

    /// @dev ASSET-TRACKER HOOK: the Gateway settlement fee.
    function _collectInteropSettlementFee(uint256 _chainId, address _payer, uint256 _chargeableCalls) internal virtual {}
}
