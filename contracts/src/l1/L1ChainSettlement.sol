// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IChainSettlement, IMessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {BatchLogs} from "../common/BatchLogs.sol";
import {MessageHashing} from "../common/MessageHashing.sol";
import {L2Log} from "../common/Messaging.sol";
import {L1Bridgehub} from "./L1Bridgehub.sol";
import {
    AddressAliasHelper,
    BalanceChange,
    BridgehubL2TransactionRequest,
    IL1AssetRouterShared,
    IL1AssetTrackerShared,
    IL1Mailbox,
    IL1NativeTokenVaultShared,
    L2CanonicalTransaction,
    MsgValueTooLow,
    NotAssetTracker,
    PRIORITY_OPERATION_L2_TX_TYPE
} from "./L1BridgeTypes.sol";
import {
    L2_INTEROP_CENTER_ADDR,
    SERVICE_TRANSACTION_SENDER,
    SETTLEMENT_LAYER_RELAY_SENDER
} from "../common/L2ContractAddresses.sol";
import {
    InvalidBatchNumber,
    InvalidEmptyMultichainBatchRoot,
    NotSettlementLayer,
    OnlyBridgehub,
    OnlyChain,
    ReconstructionMismatch,
    Unauthorized,
    ZeroAddress,
    ZeroChainId
} from "../common/Errors.sol";

/// @title L1ChainSettlement: executes the batches of one chain that settles on L1 (e.g. Gateway).
/// @dev Rebuilds the batch's local logs root from its logs, checks the batch root, and appends it to the
///      L1MessageRoot. The aggregated root of an ordinary chain must be its empty multichain root; that of a
///      settlement layer (Gateway) is its shared-tree root, taken from the validator.
/// @dev Also the chain's Mailbox: L1->L2 priority transactions requested through the Bridgehub are numbered, hashed
///      canonically and announced with `NewPriorityRequest`; for a chain settling on Gateway the request is also
///      forwarded to Gateway's Mailbox with the deposit's balance change (spec 7.3).
contract L1ChainSettlement is IChainSettlement, IL1Mailbox {
    /// @notice The chain whose batches this contract executes.
    uint256 public immutable CHAIN_ID;

    /// @notice The only address allowed to execute batches.
    address public immutable validator;

    /// @notice The bridgehub.
    L1Bridgehub public immutable BRIDGE_HUB;

    uint256 internal _totalBatchesExecuted;
    mapping(uint256 batchNumber => bytes32 chainBatchRoot) internal _l2LogsRootHashes;

    /// @notice Gas limit of the free Gateway transaction that relays a deposit to a chain settling on Gateway.
    uint256 public constant RELAY_TX_GAS_LIMIT = 8_000_000;

    /// @notice Gas limit of a service transaction (an L1 system contract calling the chain's system contracts).
    uint256 public constant SERVICE_TX_GAS_LIMIT = 72_000_000;

    uint256 internal _totalPriorityTxs;
    mapping(uint256 txId => bytes32 canonicalTxHash) internal _priorityTxHashes;

    /// @notice New priority request event: a transaction the chain must execute.
    event NewPriorityRequest(
        uint256 txId,
        bytes32 txHash,
        uint64 expirationTimestamp,
        L2CanonicalTransaction transaction,
        bytes[] factoryDeps
    );

    /// @notice The priority request's id and hash, both indexed.
    event NewPriorityRequestId(uint256 indexed txId, bytes32 indexed txHash);

    /// @notice Emitted per executed batch.
    event BlockExecution(uint256 indexed batchNumber, bytes32 indexed batchHash, bytes32 indexed commitment);

    /// @param _chainId The chain whose batches this contract executes.
    /// @param _validator The only address allowed to execute them.
    /// @param _bridgehub The L1 bridgehub.
    /// @param _startingBatchNumber The last batch considered executed (0 for a new chain); must equal the starting
    ///        batch number the chain is registered with.
    constructor(uint256 _chainId, address _validator, L1Bridgehub _bridgehub, uint256 _startingBatchNumber) {
        if (_chainId == 0) revert ZeroChainId();
        if (_validator == address(0) || address(_bridgehub) == address(0)) revert ZeroAddress();
        CHAIN_ID = _chainId;
        validator = _validator;
        BRIDGE_HUB = _bridgehub;
        _totalBatchesExecuted = _startingBatchNumber;
    }

    /// @notice Executes the chain's next batch on L1.
    /// @param _batchNumber Must be the last executed batch + 1.
    /// @param _chainBatchRoot keccak256(localLogsRoot ‖ aggregatedRoot).
    /// @param _logs Every L2->L1 log of the batch, in order.
    /// @param _messages The preimages of the L1Messenger logs, in order.
    /// @param _aggregatedRoot The chain's aggregated root (shared-tree root for a settlement layer).
    function executeBatch(
        uint256 _batchNumber,
        bytes32 _chainBatchRoot,
        L2Log[] calldata _logs,
        bytes[] calldata _messages,
        bytes32 _aggregatedRoot
    ) external {
        if (msg.sender != validator) revert Unauthorized(msg.sender);
        if (BRIDGE_HUB.settlementLayer(CHAIN_ID) != block.chainid) revert NotSettlementLayer();
        uint256 expected = _totalBatchesExecuted + 1;
        if (_batchNumber != expected) revert InvalidBatchNumber(_batchNumber, expected);

        bytes32 localLogsRoot = BatchLogs.localLogsRoot(_logs, _messages);
        if (!BRIDGE_HUB.whitelistedSettlementLayers(CHAIN_ID)) {
            bytes32 emptyRoot = MessageHashing.emptyMultichainBatchRoot(CHAIN_ID);
            if (_aggregatedRoot != emptyRoot) revert InvalidEmptyMultichainBatchRoot(emptyRoot, _aggregatedRoot);
        }
        bytes32 chainBatchRoot = keccak256(bytes.concat(localLogsRoot, _aggregatedRoot));
        if (chainBatchRoot != _chainBatchRoot) revert ReconstructionMismatch(chainBatchRoot, _chainBatchRoot);

        IMessageRoot(BRIDGE_HUB.messageRoot()).addChainBatchRoot(CHAIN_ID, _batchNumber, _chainBatchRoot);
        _totalBatchesExecuted = _batchNumber;
        _l2LogsRootHashes[_batchNumber] = _chainBatchRoot;
        emit BlockExecution(_batchNumber, _chainBatchRoot, bytes32(0));
    }

    /// @notice The chain moved back to L1 after batch `_batchNumber` settled on its settlement layer: the next batch
    ///         executed here is `_batchNumber + 1`. Bridgehub only.
    function setChainBatchNumberOnMigration(uint256 _chainId, uint256 _batchNumber) external {
        if (msg.sender != address(BRIDGE_HUB)) revert OnlyBridgehub(msg.sender, address(BRIDGE_HUB));
        if (_chainId != CHAIN_ID) revert OnlyChain(msg.sender, address(this));
        if (_batchNumber < _totalBatchesExecuted) revert InvalidBatchNumber(_batchNumber, _totalBatchesExecuted);
        _totalBatchesExecuted = _batchNumber;
    }

    /// @notice The chain id.
    function getChainId() external view returns (uint256) {
        return CHAIN_ID;
    }

    /// @notice Number of the last executed batch.
    function getTotalBatchesExecuted() external view returns (uint256) {
        return _totalBatchesExecuted;
    }

    /// @notice Root of an executed batch.
    function l2LogsRootHash(uint256 _batchNumber) external view returns (bytes32) {
        return _l2LogsRootHashes[_batchNumber];
    }

    // ---------------------------------------------------------------- Mailbox

    /// @notice Number of priority transactions requested so far (the next one gets this id).
    function getTotalPriorityTxs() external view returns (uint256) {
        return _totalPriorityTxs;
    }

    /// @notice Canonical hash of priority transaction `_txId` (zero if there is none).
    function priorityTxHash(uint256 _txId) external view returns (bytes32) {
        return _priorityTxHashes[_txId];
    }

    /// @notice Queues an L1->L2 transaction for this chain. Bridgehub only. A contract sender (not the transaction
    ///         origin) is aliased; a zero refund recipient becomes the (aliased) sender.
    /// @return canonicalTxHash keccak256(abi.encode(L2CanonicalTransaction)).
    function bridgehubRequestL2Transaction(
        BridgehubL2TransactionRequest calldata _request
    ) external returns (bytes32 canonicalTxHash) {
        if (msg.sender != address(BRIDGE_HUB)) revert OnlyBridgehub(msg.sender, address(BRIDGE_HUB));
        uint256 baseCost = tx.gasprice * _request.l2GasLimit;
        if (_request.mintValue < baseCost + _request.l2Value) {
            revert MsgValueTooLow(baseCost + _request.l2Value, _request.mintValue);
        }
        address sender = _request.sender;
        if (sender != tx.origin) sender = AddressAliasHelper.applyL1ToL2Alias(sender);
        address refundRecipient = _actualRefundRecipient(_request.refundRecipient, _request.sender);
        uint64 expirationTimestamp = uint64(block.timestamp);
        L2CanonicalTransaction memory transaction = _canonicalTransaction(
            sender,
            _request.contractL2,
            _request.l2GasLimit,
            _request.l2GasPerPubdataByteLimit,
            _request.l2Value,
            _request.mintValue,
            refundRecipient,
            _request.l2Calldata,
            _request.factoryDeps
        );
        canonicalTxHash = _enqueue(transaction, expirationTimestamp, _request.factoryDeps);
        _forwardToSettlementLayer(
            canonicalTxHash,
            expirationTimestamp,
            _request.mintValue,
            _request.sender == BRIDGE_HUB.assetRouter()
        );
    }

    /// @notice Queues a free service transaction: `_contractL2` is called on this chain from SERVICE_TRANSACTION_SENDER
    ///         (0xFFFF…FFFF) with `_l2Calldata`. Only the L1AssetTracker may ask (balance migration confirmations);
    ///         for a chain settling on Gateway the transaction is relayed through Gateway like a deposit.
    function requestL2ServiceTransaction(
        address _contractL2,
        bytes calldata _l2Calldata
    ) external returns (bytes32 canonicalTxHash) {
        address vault = IL1AssetRouterShared(BRIDGE_HUB.assetRouter()).nativeTokenVault();
        address tracker = IL1NativeTokenVaultShared(vault).l1AssetTracker();
        if (msg.sender != tracker) revert NotAssetTracker(msg.sender);
        uint64 expirationTimestamp = uint64(block.timestamp);
        L2CanonicalTransaction memory transaction = _canonicalTransaction(
            SERVICE_TRANSACTION_SENDER,
            _contractL2,
            SERVICE_TX_GAS_LIMIT,
            800,
            0,
            0,
            address(0),
            _l2Calldata,
            new bytes[](0)
        );
        canonicalTxHash = _enqueue(transaction, expirationTimestamp, new bytes[](0));
        _forwardToSettlementLayer(canonicalTxHash, expirationTimestamp, 0, false);
    }

    function _forwardToSettlementLayer(
        bytes32 _canonicalTxHash,
        uint64 _expirationTimestamp,
        uint256 _baseTokenAmount,
        bool _getBalanceChange
    ) internal {
        uint256 settlementLayer = BRIDGE_HUB.settlementLayer(CHAIN_ID);
        if (settlementLayer == block.chainid) return;
        IL1Mailbox(BRIDGE_HUB.getZKChain(settlementLayer)).requestL2TransactionToGatewayMailboxWithBalanceChange(
            CHAIN_ID,
            _canonicalTxHash,
            _expirationTimestamp,
            _baseTokenAmount,
            _getBalanceChange
        );
    }

    /// @notice Called by the Mailbox of a chain settling on this one (a Gateway): queues a free Gateway transaction
    ///         from SETTLEMENT_LAYER_RELAY_SENDER to `InteropCenter.forwardTransactionOnGatewayWithBalanceChange`,
    ///         carrying the deposit's balance change (taken from the L1AssetTracker when `_getBalanceChange`).
    function requestL2TransactionToGatewayMailboxWithBalanceChange(
        uint256 _chainId,
        bytes32 _canonicalTxHash,
        uint64 _expirationTimestamp,
        uint256 _baseTokenAmount,
        bool _getBalanceChange
    ) external returns (bytes32 canonicalTxHash) {
        address chainMailbox = BRIDGE_HUB.getZKChain(_chainId);
        if (msg.sender != chainMailbox || BRIDGE_HUB.settlementLayer(_chainId) != CHAIN_ID) {
            revert OnlyChain(msg.sender, chainMailbox);
        }
        if (!BRIDGE_HUB.whitelistedSettlementLayers(CHAIN_ID)) revert NotSettlementLayer();
        BalanceChange memory change;
        change.version = 0x01;
        change.baseTokenAssetId = BRIDGE_HUB.baseTokenAssetId(_chainId);
        change.baseTokenAmount = _baseTokenAmount;
        if (_getBalanceChange) {
            address vault = IL1AssetRouterShared(BRIDGE_HUB.assetRouter()).nativeTokenVault();
            (bytes32 assetId, uint256 amount) = IL1AssetTrackerShared(
                IL1NativeTokenVaultShared(vault).l1AssetTracker()
            ).consumeBalanceChange(CHAIN_ID, _chainId);
            change.assetId = assetId;
            change.amount = amount;
            if (assetId != bytes32(0)) {
                change.originToken = IL1NativeTokenVaultShared(vault).originToken(assetId);
                change.tokenOriginChainId = IL1NativeTokenVaultShared(vault).originChainId(assetId);
            }
        }
        bytes memory data = abi.encodeWithSignature(
            "forwardTransactionOnGatewayWithBalanceChange(uint256,bytes32,uint64,(bytes1,address,bytes32,uint256,bytes32,uint256,uint256))",
            _chainId,
            _canonicalTxHash,
            _expirationTimestamp,
            change
        );
        L2CanonicalTransaction memory transaction = _canonicalTransaction(
            SETTLEMENT_LAYER_RELAY_SENDER,
            L2_INTEROP_CENTER_ADDR,
            RELAY_TX_GAS_LIMIT,
            800,
            0,
            0,
            SETTLEMENT_LAYER_RELAY_SENDER,
            data,
            new bytes[](0)
        );
        canonicalTxHash = _enqueue(transaction, _expirationTimestamp, new bytes[](0));
    }

    function _canonicalTransaction(
        address _sender,
        address _to,
        uint256 _gasLimit,
        uint256 _gasPerPubdata,
        uint256 _l2Value,
        uint256 _mintValue,
        address _refundRecipient,
        bytes memory _data,
        bytes[] memory _factoryDeps
    ) internal view returns (L2CanonicalTransaction memory transaction) {
        uint256[] memory depHashes = new uint256[](_factoryDeps.length);
        for (uint256 i; i < _factoryDeps.length; ++i) {
            depHashes[i] = uint256(keccak256(_factoryDeps[i]));
        }
        transaction = L2CanonicalTransaction({
            txType: PRIORITY_OPERATION_L2_TX_TYPE,
            from: uint256(uint160(_sender)),
            to: uint256(uint160(_to)),
            gasLimit: _gasLimit,
            gasPerPubdataByteLimit: _gasPerPubdata,
            maxFeePerGas: tx.gasprice,
            maxPriorityFeePerGas: 0,
            paymaster: 0,
            nonce: _totalPriorityTxs,
            value: _l2Value,
            reserved: [_mintValue, uint256(uint160(_refundRecipient)), 0, 0],
            data: _data,
            signature: new bytes(0),
            factoryDeps: depHashes,
            paymasterInput: new bytes(0),
            reservedDynamic: new bytes(0)
        });
    }

    function _enqueue(
        L2CanonicalTransaction memory _transaction,
        uint64 _expirationTimestamp,
        bytes[] memory _factoryDeps
    ) internal returns (bytes32 canonicalTxHash) {
        uint256 txId = _totalPriorityTxs;
        canonicalTxHash = keccak256(abi.encode(_transaction));
        _priorityTxHashes[txId] = canonicalTxHash;
        _totalPriorityTxs = txId + 1;
        emit NewPriorityRequest(txId, canonicalTxHash, _expirationTimestamp, _transaction, _factoryDeps);
        emit NewPriorityRequestId(txId, canonicalTxHash);
    }

    /// @dev A zero recipient means the sender; a contract recipient is reached through its alias.
    function _actualRefundRecipient(address _refundRecipient, address _sender) internal view returns (address) {
        address recipient = _refundRecipient == address(0) ? _sender : _refundRecipient;
        if (recipient.code.length > 0) return AddressAliasHelper.applyL1ToL2Alias(recipient);
        return recipient;
    }
}
