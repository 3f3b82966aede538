// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    IGWAssetTracker,
    IL1Messenger,
    IL2Bridgehub,
    IL2ChainAssetHandler,
    IMessageRoot
} from "../common/interfaces/ISystemContracts.sol";
import {
    BALANCE_CHANGE_VERSION,
    BalanceChange,
    GatewayToL1TokenBalanceMigrationData,
    IAssetTrackerDataEncoding,
    ITokenBalanceMigration,
    MigrationConfirmationData,
    TOKEN_BALANCE_MIGRATION_DATA_VERSION
} from "../common/interfaces/IAssetTrackerDataEncoding.sol";
import {DataEncoding} from "../bridge/DataEncoding.sol";
import {
    InsufficientChainBalance,
    InsufficientPendingInteropBalance,
    InvalidCanonicalTxHash,
    InvalidAssetMigrationNumber,
    InvalidChainMigrationNumber,
    InvalidInteropCalldata,
    InvalidInteropChainId,
    InvalidMigrationData,
    RegisterNewTokenNotAllowed
} from "../bridge/BridgeErrors.sol";
import {SystemOwnable} from "../common/SystemOwnable.sol";
import {LogsTree} from "../common/Merkle.sol";
import {MessageHashing} from "../common/MessageHashing.sol";
import {
    BUNDLE_IDENTIFIER,
    InteropBundle,
    InteropCall,
    InteropCallExecutedMessage,
    L2Log,
    ProcessLogsInput
} from "../common/Messaging.sol";
import {
    L2_ASSET_ROUTER_ADDR,
    L2_ASSET_TRACKER_ADDR,
    L2_BASE_TOKEN_ADDR,
    L2_BOOTLOADER_ADDRESS,
    L2_BRIDGEHUB_ADDR,
    L2_CHAIN_ASSET_HANDLER_ADDR,
    L2_COMPLEX_UPGRADER_ADDR,
    L2_COMPRESSOR_ADDR,
    L2_INTEROP_CENTER_ADDR,
    L2_INTEROP_HANDLER_ADDR,
    L2_KNOWN_CODE_STORAGE_ADDR,
    L2_MESSAGE_ROOT_ADDR,
    L2_TO_L1_MESSENGER_ADDR,
    MAX_BUILT_IN_CONTRACT_ADDR,
    SERVICE_TRANSACTION_SENDER
} from "../common/L2ContractAddresses.sol";

/// @dev `finalizeDeposit(uint256,bytes32,bytes)`.
bytes4 constant FINALIZE_DEPOSIT_SELECTOR = 0x9c884fd1;
/// @dev `finalizeEthWithdrawal(uint256,uint256,uint16,bytes,bytes32[])` (Mailbox), the base-token withdrawal.
bytes4 constant FINALIZE_ETH_WITHDRAWAL_SELECTOR = 0x6c0960f9;
/// @dev Chain migration number of a chain that settles on Gateway.
uint256 constant MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER = 1;
/// @dev Chain migration number of a chain that moved back from Gateway to L1.
uint256 constant MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1 = 2;
import {
    ChainIdNotRegistered,
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
/// @dev Rebuilds and checks the batch root and appends it to the L2MessageRoot; before that, every log and message
///      is accounted in tree order: interop sends debit the source's `chainBalance` and credit the destination's
///      `pendingInteropBalance`, executed calls move pending into `chainBalance`, withdrawals debit. Any debit beyond
///      the balance reverts the whole batch execution (`InsufficientChainBalance`): the chain stalls.
contract GWAssetTracker is IGWAssetTracker, SystemOwnable {
    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;

    /// @notice What each chain settling here holds of each asset (its total supply there, or MAX on its origin).
    mapping(uint256 chainId => mapping(bytes32 assetId => uint256 balance)) public chainBalance;
    /// @notice Sent to the chain by interop, not yet reported executed there.
    mapping(uint256 chainId => mapping(bytes32 assetId => uint256 balance)) public pendingInteropBalance;
    /// @notice Migration number of each chain's balance of each asset.
    mapping(uint256 chainId => mapping(bytes32 assetId => uint256 migrationNumber)) public assetMigrationNumber;
    /// @notice Whether the asset has been seen.
    mapping(bytes32 assetId => bool) public isAssetRegistered;
    /// @notice The asset's token address on its origin chain.
    mapping(bytes32 assetId => address) public originToken;
    /// @notice The asset's origin chain.
    mapping(bytes32 assetId => uint256) public tokenOriginChainId;
    /// @notice Deposits relayed to each chain whose status the chain has not reported yet.
    mapping(uint256 chainId => mapping(bytes32 canonicalTxHash => BalanceChange)) public balanceChange;

    event AssetRegistered(bytes32 indexed assetId, uint256 indexed originChainId, address originToken);
    event GatewayToL1MigrationInitiated(bytes32 indexed assetId, uint256 indexed chainId, uint256 amount);
    event MigrationConfirmed(
        uint256 indexed chainId,
        bytes32 indexed assetId,
        uint256 amount,
        uint256 assetMigrationNumber
    );

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
    ///         `NewInteropRoot`). Only the chain's executor on Gateway (`L2Bridgehub.getZKChain`) may call, and only
    ///         while the chain settles here (migration number 1; `InvalidChainMigrationNumber` once it went back).
    /// @param _input The batch's logs, messages and roots.
    function processLogsAndMessages(ProcessLogsInput calldata _input) external onlyChain(_input.chainId) {
        uint256 chainId = _input.chainId;
        // A chain that went back to L1 settles there only: its balances here are frozen for migration to L1.
        uint256 chainMigration = _chainMigrationNumber(chainId);
        if (chainMigration != MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER) {
            revert InvalidChainMigrationNumber(MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER, chainMigration);
        }
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

    // ---- Accounting. Each handler runs in tree order, before the batch root is appended. ----

    /// @dev A bootloader log (L1->L2 transaction status): forget the deposit's saved balance change and, if the
    ///      transaction failed, take the credited amounts back (the refund is claimed on L1). A transaction relayed
    ///      without a balance change has nothing to undo.
    function _handleBootloaderLog(uint256 _chainId, bytes32 _canonicalTxHash, bytes32 _status) internal virtual {
        BalanceChange memory saved = balanceChange[_chainId][_canonicalTxHash];
        if (saved.version == 0) return;
        delete balanceChange[_chainId][_canonicalTxHash];
        if (_status == bytes32(uint256(1))) return;
        if (saved.amount > 0) _decreaseChainBalance(_chainId, saved.assetId, saved.amount);
        if (saved.baseTokenAmount > 0) _decreaseChainBalance(_chainId, saved.baseTokenAssetId, saved.baseTokenAmount);
    }

    /// @notice A deposit from L1 to `_chainId` relayed through Gateway: credits the chain and keeps the change until
    ///         the chain reports the transaction's status. InteropCenter only (from
    ///         `forwardTransactionOnGatewayWithBalanceChange`).
    function handleChainBalanceIncreaseOnGateway(
        uint256 _chainId,
        bytes32 _canonicalTxHash,
        BalanceChange calldata _balanceChange
    ) external {
        if (msg.sender != L2_INTEROP_CENTER_ADDR) revert Unauthorized(msg.sender);
        uint256 chainMigration = _chainMigrationNumber(_chainId);
        if (chainMigration != MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER) {
            revert InvalidChainMigrationNumber(MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER, chainMigration);
        }
        if (balanceChange[_chainId][_canonicalTxHash].version != 0) revert InvalidCanonicalTxHash(_canonicalTxHash);
        if (_balanceChange.amount > 0) {
            if (!isAssetRegistered[_balanceChange.assetId]) {
                isAssetRegistered[_balanceChange.assetId] = true;
                originToken[_balanceChange.assetId] = _balanceChange.originToken;
                tokenOriginChainId[_balanceChange.assetId] = _balanceChange.tokenOriginChainId;
                emit AssetRegistered(
                    _balanceChange.assetId,
                    _balanceChange.tokenOriginChainId,
                    _balanceChange.originToken
                );
            }
            if (assetMigrationNumber[_chainId][_balanceChange.assetId] == 0) {
                // First seen while the chain is on Gateway: nothing to migrate.
                assetMigrationNumber[_chainId][_balanceChange.assetId] = 1;
            }
            chainBalance[_chainId][_balanceChange.assetId] += _balanceChange.amount;
        }
        chainBalance[_chainId][_balanceChange.baseTokenAssetId] += _balanceChange.baseTokenAmount;
        balanceChange[_chainId][_canonicalTxHash] = _balanceChange;
        balanceChange[_chainId][_canonicalTxHash].version = BALANCE_CHANGE_VERSION;
    }

    /// @dev An interop bundle sent by `_chainId`: for every asset-router call debit the source's chainBalance and
    ///      credit the destination's pendingInteropBalance; the same for the base-token value of all calls.
    function _handleInteropCenterMessage(
        uint256 _chainId,
        bytes calldata _bundle
    ) internal virtual returns (uint256 chargeableCalls) {
        InteropBundle memory bundle = abi.decode(_bundle, (InteropBundle));
        uint256 destination = bundle.destinationChainId;
        uint256 callsLength = bundle.calls.length;
        uint256 totalValue;
        for (uint256 i; i < callsLength; ++i) {
            InteropCall memory interopCall = bundle.calls[i];
            totalValue += interopCall.value;
            if (interopCall.from != L2_ASSET_ROUTER_ADDR) continue;
            (uint256 fromChainId, bytes32 assetId, bytes memory transferData) = this.parseInteropCall(
                interopCall.data
            );
            if (fromChainId != _chainId) revert InvalidInteropChainId(fromChainId, destination);
            uint256 amount = _accountTransferData(assetId, transferData);
            _decreaseChainBalance(_chainId, assetId, amount);
            pendingInteropBalance[destination][assetId] += amount;
        }
        if (totalValue > 0) {
            bytes32 destinationBaseToken = IL2Bridgehub(L2_BRIDGEHUB_ADDR).baseTokenAssetId(destination);
            _decreaseChainBalance(_chainId, destinationBaseToken, totalValue);
            pendingInteropBalance[destination][destinationBaseToken] += totalValue;
        }
        return callsLength;
    }

    /// @dev `receiveInteropCallExecuted` from `_chainId`: the call's value and, for asset-router calls, the asset
    ///      move from the chain's pending balance into its chainBalance.
    function _handleInteropHandlerMessage(uint256 _chainId, bytes calldata _message) internal virtual {
        InteropCallExecutedMessage memory executed = abi.decode(_message[4:], (InteropCallExecutedMessage));
        InteropCall memory interopCall = executed.interopCall;
        if (interopCall.value > 0) {
            bytes32 baseToken = IL2Bridgehub(L2_BRIDGEHUB_ADDR).baseTokenAssetId(_chainId);
            _confirmPending(_chainId, baseToken, interopCall.value);
        }
        if (interopCall.from == L2_ASSET_ROUTER_ADDR) {
            (, bytes32 assetId, bytes memory transferData) = this.parseInteropCall(interopCall.data);
            (, , , uint256 amount, ) = DataEncoding.decodeBridgeMintData(transferData);
            _confirmPending(_chainId, assetId, amount);
        }
    }

    /// @dev A base-token withdrawal to L1: `finalizeEthWithdrawal.selector ‖ address receiver ‖ uint256 amount`.
    function _handleBaseTokenMessage(uint256 _chainId, bytes calldata _message) internal virtual {
        bytes4 selector = _message.length >= 4 ? bytes4(_message[:4]) : bytes4(0);
        if (selector != FINALIZE_ETH_WITHDRAWAL_SELECTOR || _message.length < 56) {
            revert InvalidFunctionSignature(selector);
        }
        uint256 amount = uint256(bytes32(_message[24:56]));
        _decreaseChainBalance(_chainId, IL2Bridgehub(L2_BRIDGEHUB_ADDR).baseTokenAssetId(_chainId), amount);
    }

    /// @dev An asset-router withdrawal to L1: `finalizeDeposit.selector ‖ chainId ‖ assetId ‖ mintData`.
    function _handleAssetRouterMessage(uint256 _chainId, bytes calldata _message) internal virtual {
        bytes4 selector = _message.length >= 68 ? bytes4(_message[:4]) : bytes4(0);
        if (selector != FINALIZE_DEPOSIT_SELECTOR) revert InvalidFunctionSignature(selector);
        bytes32 assetId = bytes32(_message[36:68]);
        uint256 amount = _accountTransferData(assetId, _message[68:]);
        _decreaseChainBalance(_chainId, assetId, amount);
    }

    /// @dev An L2AssetTracker message: only balance migration requests may pass (L1 acts on them).
    function _handleAssetTrackerMessage(uint256, bytes calldata _message) internal virtual {
        bytes4 selector = _message.length >= 4 ? bytes4(_message[:4]) : bytes4(0);
        if (selector != ITokenBalanceMigration.receiveL1ToGatewayMigrationOnL1.selector) {
            revert InvalidFunctionSignature(selector);
        }
    }

    /// @dev The Gateway settlement fee is not charged on this devnet (the fee is zero).
    function _collectInteropSettlementFee(uint256 _chainId, address _payer, uint256 _chargeableCalls) internal virtual {}

    /// @notice Splits a `finalizeDeposit(uint256,bytes32,bytes)` call. External so calldata slicing can be used.
    function parseInteropCall(
        bytes calldata _data
    ) external pure returns (uint256 fromChainId, bytes32 assetId, bytes memory transferData) {
        bytes4 selector = _data.length >= 4 ? bytes4(_data[:4]) : bytes4(0);
        if (selector != FINALIZE_DEPOSIT_SELECTOR) revert InvalidInteropCalldata(selector);
        (fromChainId, assetId, transferData) = abi.decode(_data[4:], (uint256, bytes32, bytes));
    }

    /// @dev Reads the amount of a transfer and registers its asset. Vault assets must carry a consistent origin;
    ///      a custom asset (another handler) is registered with an unlimited balance on its origin chain, as a
    ///      chain-native token's balance is after migration.
    function _accountTransferData(bytes32 _assetId, bytes memory _transferData) internal returns (uint256 amount) {
        address token;
        bytes memory metadata;
        (, , token, amount, metadata) = DataEncoding.decodeBridgeMintData(_transferData);
        (uint256 origin, , , ) = DataEncoding.decodeTokenData(metadata);
        if (isAssetRegistered[_assetId]) return amount;
        isAssetRegistered[_assetId] = true;
        originToken[_assetId] = token;
        tokenOriginChainId[_assetId] = origin;
        if (DataEncoding.encodeNTVAssetId(origin, token) != _assetId) {
            chainBalance[origin][_assetId] = type(uint256).max;
        }
        emit AssetRegistered(_assetId, origin, token);
    }

    function _decreaseChainBalance(uint256 _chainId, bytes32 _assetId, uint256 _amount) internal {
        uint256 balance = chainBalance[_chainId][_assetId];
        if (balance < _amount) revert InsufficientChainBalance(_chainId, _assetId, _amount);
        chainBalance[_chainId][_assetId] = balance - _amount;
    }

    function _confirmPending(uint256 _chainId, bytes32 _assetId, uint256 _amount) internal {
        uint256 pending = pendingInteropBalance[_chainId][_assetId];
        if (pending < _amount) revert InsufficientPendingInteropBalance(_chainId, _assetId, _amount);
        pendingInteropBalance[_chainId][_assetId] = pending - _amount;
        chainBalance[_chainId][_assetId] += _amount;
    }

    // ---- Balance migration and genesis ----

    /// @notice Moves the accounting of `_chainId`'s balance of `_assetId` back to L1, once the chain has migrated
    ///         back (chain migration number 2). Permissionless. Sends `receiveGatewayToL1MigrationOnL1(
    ///         GatewayToL1TokenBalanceMigrationData)` to L1 with the whole `chainBalance`, then zeroes it and sets the
    ///         asset migration number, so each balance leaves once (`InvalidAssetMigrationNumber` after that).
    function initiateGatewayToL1MigrationOnGateway(uint256 _chainId, bytes32 _assetId) external {
        if (IL2Bridgehub(L2_BRIDGEHUB_ADDR).getZKChain(_chainId) == address(0)) revert ChainIdNotRegistered(_chainId);
        uint256 chainMigration = _chainMigrationNumber(_chainId);
        uint256 assetMigration = assetMigrationNumber[_chainId][_assetId];
        if (assetMigration >= chainMigration) revert InvalidAssetMigrationNumber();
        if (chainMigration != MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1) {
            revert InvalidChainMigrationNumber(chainMigration, MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1);
        }
        uint256 amount = chainBalance[_chainId][_assetId];
        GatewayToL1TokenBalanceMigrationData memory data = GatewayToL1TokenBalanceMigrationData({
            version: TOKEN_BALANCE_MIGRATION_DATA_VERSION,
            originToken: originToken[_assetId],
            chainId: _chainId,
            assetId: _assetId,
            tokenOriginChainId: tokenOriginChainId[_assetId],
            amount: amount,
            chainMigrationNumber: chainMigration,
            assetMigrationNumber: assetMigration
        });
        IL1Messenger(L2_TO_L1_MESSENGER_ADDR).sendToL1(
            abi.encodeCall(ITokenBalanceMigration.receiveGatewayToL1MigrationOnL1, (data))
        );
        chainBalance[_chainId][_assetId] = 0;
        assetMigrationNumber[_chainId][_assetId] = chainMigration;
        emit GatewayToL1MigrationInitiated(_assetId, _chainId, amount);
    }

    /// @notice L1's confirmation of a balance migration of `chainId`. Service transactions only. L1 -> Gateway
    ///         (`isL1ToGateway`): credits the amount and sets the asset migration number. Gateway -> L1: nothing
    ///         left to do (the balance left at initiation); recorded by the event only.
    function confirmMigrationOnGateway(MigrationConfirmationData calldata _data) external {
        if (msg.sender != SERVICE_TRANSACTION_SENDER) revert Unauthorized(msg.sender);
        if (_data.isL1ToGateway) {
            if (_data.assetMigrationNumber <= assetMigrationNumber[_data.chainId][_data.assetId]) {
                revert InvalidAssetMigrationNumber();
            }
            if (!isAssetRegistered[_data.assetId]) {
                isAssetRegistered[_data.assetId] = true;
                originToken[_data.assetId] = _data.originToken;
                tokenOriginChainId[_data.assetId] = _data.tokenOriginChainId;
                emit AssetRegistered(_data.assetId, _data.tokenOriginChainId, _data.originToken);
            }
            assetMigrationNumber[_data.chainId][_data.assetId] = _data.assetMigrationNumber;
            chainBalance[_data.chainId][_data.assetId] += _data.amount;
        } else if (_data.assetMigrationNumber != assetMigrationNumber[_data.chainId][_data.assetId]) {
            revert InvalidMigrationData();
        }
        emit MigrationConfirmed(_data.chainId, _data.assetId, _data.amount, _data.assetMigrationNumber);
    }

    /// @dev The chain's migration number as Gateway records it (1 settling here, 2 gone back to L1).
    function _chainMigrationNumber(uint256 _chainId) internal view returns (uint256) {
        if (L2_CHAIN_ASSET_HANDLER_ADDR.code.length == 0) return MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER;
        return IL2ChainAssetHandler(L2_CHAIN_ASSET_HANDLER_ADDR).migrationNumber(_chainId);
    }

    /// @notice Sets the balance a chain holds at genesis (its base token), as the v31 upgrade seeds balances.
    ///         ComplexUpgrader only.
    function initializeChainBalance(uint256 _chainId, bytes32 _assetId, uint256 _amount) external onlyUpgrader {
        assetMigrationNumber[_chainId][_assetId] = 1;
        chainBalance[_chainId][_assetId] = _amount;
        isAssetRegistered[_assetId] = true;
    }

    /// @notice Gateway registers tokens from the messages it processes only.
    function registerNewTokenIfNeeded(bytes32, uint256) external pure {
        revert RegisterNewTokenNotAllowed();
    }
}
