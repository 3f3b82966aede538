// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {L1Bridgehub} from "./L1Bridgehub.sol";
import {
    AddressAlreadySet,
    FinalizeL1DepositParams,
    IL1Mailbox,
    InsufficientChainBalance,
    InvalidAssetMigrationNumber,
    InvalidChainMigrationNumber,
    InvalidFunctionSignature,
    InvalidMigrationNumber,
    InvalidProof,
    InvalidSender,
    InvalidVersion,
    InvalidWithdrawalChainId,
    NotMigratedChain,
    NotNTV
} from "./L1BridgeTypes.sol";
import {
    GatewayToL1TokenBalanceMigrationData,
    ITokenBalanceMigration,
    L1ToGatewayTokenBalanceMigrationData,
    MigrationConfirmationData,
    TOKEN_BALANCE_MIGRATION_DATA_VERSION
} from "../common/interfaces/IAssetTrackerDataEncoding.sol";
import {IMessageVerification} from "../common/interfaces/ISystemContracts.sol";
import {L2Message} from "../common/Messaging.sol";
import {GW_ASSET_TRACKER_ADDR, L2_ASSET_TRACKER_ADDR} from "../common/L2ContractAddresses.sol";
import {DataEncoding} from "../bridge/DataEncoding.sol";
import {OnlyChain, Unauthorized, ZeroAddress} from "../common/Errors.sol";

/// @dev The L1Nullifier's record of the batch being finalized.
interface IL1NullifierTransient {
    function getTransientSettlementLayer()
        external
        view
        returns (uint256 chainId, uint256 settlementLayer, uint256 l2BatchNumber);
}

/// @dev The L1 native token vault's nullifier.
interface IL1NativeTokenVaultNullifier {
    function L1_NULLIFIER() external view returns (address);
}

/// @title L1AssetTracker: how much of each asset every chain (or the settlement layer it settles on) may still
///        withdraw to L1.
/// @dev For every registered asset the sum over chains of `chainBalance` is 2^256-1: a new asset starts with the
///      whole amount on its origin chain, deposits move balance from L1 to the chain (or its Gateway), withdrawals
///      and failed-deposit claims move it back. A decrease below zero reverts `InsufficientChainBalance`, which is
///      what keeps a chain from withdrawing more than it received. Only the L1 native token vault changes balances.
contract L1AssetTracker {
    /// @notice The whole supply of an asset, credited to its origin chain when the asset is registered.
    uint256 public constant MAX_TOKEN_BALANCE = type(uint256).max;

    /// @notice Chain id of L1.
    uint256 public immutable L1_CHAIN_ID;

    /// @notice The bridgehub (settlement layers, chain contracts).
    L1Bridgehub public immutable BRIDGE_HUB;

    /// @notice The administrator that wires the vault once.
    address public immutable owner;

    /// @notice The L1 native token vault, the only caller that moves balances.
    address public nativeTokenVault;

    /// @notice Balance of each asset that each chain may still send to L1.
    mapping(uint256 chainId => mapping(bytes32 assetId => uint256 balance)) public chainBalance;

    /// @notice Whether an asset has been registered (its origin credited with MAX_TOKEN_BALANCE).
    mapping(bytes32 assetId => bool) public isAssetRegistered;

    /// @notice Total deposited from L1 to a chain settling on L1, per asset.
    mapping(uint256 chainId => mapping(bytes32 assetId => uint256)) public totalDepositedFromL1;

    /// @notice Migration number of each chain's balance of each asset (set when a balance migration is processed;
    ///         replay protection for migration messages).
    mapping(uint256 chainId => mapping(bytes32 assetId => uint256)) public assetMigrationNumber;

    bytes32 internal transient _transientAssetId;
    uint256 internal transient _transientAmount;
    uint256 internal transient _transientChainId;

    /// @notice Emitted when an asset is registered.
    event AssetRegistered(bytes32 indexed assetId, uint256 indexed originChainId);

    /// @notice Emitted when balance moves from L1 to a chain (or its settlement layer).
    event ChainBalanceIncreased(uint256 indexed chainId, bytes32 indexed assetId, uint256 amount);

    /// @notice Emitted when balance moves from a chain (or its settlement layer) back to L1.
    event ChainBalanceDecreased(uint256 indexed chainId, bytes32 indexed assetId, uint256 amount);

    /// @notice Emitted when a chain's balance of an asset comes back from its former settlement layer's accounting.
    event GatewayToL1MigrationProcessed(
        uint256 indexed chainId,
        bytes32 indexed assetId,
        uint256 indexed settlementLayer,
        uint256 amount,
        uint256 assetMigrationNumber
    );

    /// @notice Emitted when a chain's balance of an asset moves from L1's accounting to its settlement layer's.
    event L1ToGatewayMigrationProcessed(
        uint256 indexed chainId,
        bytes32 indexed assetId,
        uint256 indexed settlementLayer,
        uint256 amount,
        uint256 assetMigrationNumber
    );

    modifier onlyNativeTokenVault() {
        if (msg.sender != nativeTokenVault) revert NotNTV(msg.sender);
        _;
    }

    /// @param _bridgehub The L1 bridgehub.
    /// @param _owner May set the vault once.
    constructor(L1Bridgehub _bridgehub, address _owner) {
        if (address(_bridgehub) == address(0) || _owner == address(0)) revert ZeroAddress();
        BRIDGE_HUB = _bridgehub;
        owner = _owner;
        L1_CHAIN_ID = block.chainid;
    }

    /// @notice Sets the L1 native token vault. Owner only, once.
    function setNativeTokenVault(address _nativeTokenVault) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        if (nativeTokenVault != address(0)) revert AddressAlreadySet(nativeTokenVault);
        if (_nativeTokenVault == address(0)) revert ZeroAddress();
        nativeTokenVault = _nativeTokenVault;
    }

    /// @notice Genesis only (owner): `_chainId` starts with `_amount` of `_assetId` already on it, backed by what the
    ///         L1 vault holds. Booked as a deposit made before v31 (as `registerLegacyToken` seeds real chains): L1's
    ///         balance shrinks and the chain's (or its settlement layer's) grows.
    function initializeChainBalance(
        uint256 _chainId,
        bytes32 _assetId,
        uint256 _amount,
        uint256 _tokenOriginChainId
    ) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        _registerIfNeeded(_assetId, _tokenOriginChainId);
        if (assetMigrationNumber[_chainId][_assetId] == 0) {
            assetMigrationNumber[_chainId][_assetId] = chainMigrationNumber(_chainId);
        }
        uint256 settlementLayer = BRIDGE_HUB.settlementLayer(_chainId);
        uint256 credited = settlementLayer != 0 && settlementLayer != L1_CHAIN_ID ? settlementLayer : _chainId;
        _decreaseChainBalance(L1_CHAIN_ID, _assetId, _amount);
        chainBalance[credited][_assetId] += _amount;
        emit ChainBalanceIncreased(credited, _assetId, _amount);
    }

    /// @notice Registers an asset: its origin chain holds the whole supply. Vault only; a repeat is a no-op.
    function registerNewToken(bytes32 _assetId, uint256 _originChainId) external onlyNativeTokenVault {
        _registerIfNeeded(_assetId, _originChainId);
    }

    /// @notice A deposit of `_amount` to `_chainId`: its balance (or, if it settles on Gateway, Gateway's) grows and
    ///         L1's shrinks. For a chain on Gateway and a non-base-token asset the change is also kept for the
    ///         chain's Mailbox to forward to Gateway in the same transaction (`consumeBalanceChange`).
    function handleChainBalanceIncreaseOnL1(
        uint256 _chainId,
        bytes32 _assetId,
        uint256 _amount,
        uint256 _tokenOriginChainId
    ) external onlyNativeTokenVault {
        _registerIfNeeded(_assetId, _tokenOriginChainId);
        if (assetMigrationNumber[_chainId][_assetId] == 0 && chainBalance[_chainId][_assetId] == 0) {
            // First seen for this chain: nothing to migrate, it counts as being where the chain settles now.
            assetMigrationNumber[_chainId][_assetId] = chainMigrationNumber(_chainId);
        }
        uint256 settlementLayer = BRIDGE_HUB.settlementLayer(_chainId);
        uint256 credited = _chainId;
        if (settlementLayer != 0 && settlementLayer != L1_CHAIN_ID) {
            credited = settlementLayer;
            if (_assetId != BRIDGE_HUB.baseTokenAssetId(_chainId)) {
                _transientChainId = _chainId;
                _transientAssetId = _assetId;
                _transientAmount = _amount;
            }
        } else {
            totalDepositedFromL1[_chainId][_assetId] += _amount;
        }
        _decreaseChainBalance(L1_CHAIN_ID, _assetId, _amount);
        chainBalance[credited][_assetId] += _amount;
        emit ChainBalanceIncreased(credited, _assetId, _amount);
    }

    /// @notice A withdrawal from (or a failed deposit to) `_chainId`: the balance of whoever answers for the batch
    ///         being finalized shrinks (reverting `InsufficientChainBalance` if short) and L1's grows. That is the
    ///         settlement layer that executed the batch (L1Nullifier's transient record), else the chain itself, so a
    ///         batch settled on Gateway is still Gateway's after the chain moved back to L1.
    function handleChainBalanceDecreaseOnL1(
        uint256 _chainId,
        bytes32 _assetId,
        uint256 _amount
    ) external onlyNativeTokenVault {
        uint256 debited = _withdrawalChain(_chainId);
        _decreaseChainBalance(debited, _assetId, _amount);
        chainBalance[L1_CHAIN_ID][_assetId] += _amount;
        emit ChainBalanceDecreased(debited, _assetId, _amount);
    }

    function _withdrawalChain(uint256 _chainId) internal view returns (uint256) {
        address nullifier = IL1NativeTokenVaultNullifier(nativeTokenVault).L1_NULLIFIER();
        (uint256 chainId, uint256 settlementLayer, ) = IL1NullifierTransient(nullifier).getTransientSettlementLayer();
        if (chainId != _chainId) {
            // Not finalizing a batch of this chain: whoever answers for it now.
            settlementLayer = BRIDGE_HUB.settlementLayer(_chainId);
            if (settlementLayer == L1_CHAIN_ID) settlementLayer = 0;
        }
        return settlementLayer == 0 ? _chainId : settlementLayer;
    }

    /// @notice Reads and clears the balance change of the deposit being processed, for a chain on a settlement
    ///         layer. Only that settlement layer's Mailbox may call.
    function consumeBalanceChange(
        uint256 _callerChainId,
        uint256 _chainId
    ) external returns (bytes32 assetId, uint256 amount) {
        address mailbox = BRIDGE_HUB.getZKChain(_callerChainId);
        if (msg.sender != mailbox || !BRIDGE_HUB.whitelistedSettlementLayers(_callerChainId)) {
            revert OnlyChain(msg.sender, mailbox);
        }
        if (_transientChainId != _chainId) return (bytes32(0), 0);
        assetId = _transientAssetId;
        amount = _transientAmount;
        _transientChainId = 0;
        _transientAssetId = bytes32(0);
        _transientAmount = 0;
    }

    /// @notice Processes a chain's token balance migration to its settlement layer (spec 6.5): proves the
    ///         `receiveL1ToGatewayMigrationOnL1(L1ToGatewayTokenBalanceMigrationData)` message the chain's
    ///         L2AssetTracker sent, moves the chain's balance of the asset (less what L1 keeps for the chain's
    ///         L1-era withdrawals and deposits) to the settlement layer, and sends the two service-transaction
    ///         confirmations: `GWAssetTracker.confirmMigrationOnGateway` on the settlement layer, then
    ///         `L2AssetTracker.confirmMigrationOnL2` on the chain. Permissionless; each migration is processed once.
    /// @param _params The message and its L1 proof (the Gateway-batch variant for a chain settling on Gateway).
    function receiveL1ToGatewayMigrationOnL1(FinalizeL1DepositParams calldata _params) external {
        _proveMigrationMessage(_params);
        bytes4 selector = _params.message.length >= 4 ? bytes4(_params.message[:4]) : bytes4(0);
        if (selector != ITokenBalanceMigration.receiveL1ToGatewayMigrationOnL1.selector) {
            revert InvalidFunctionSignature(selector);
        }
        L1ToGatewayTokenBalanceMigrationData memory data = abi.decode(
            _params.message[4:],
            (L1ToGatewayTokenBalanceMigrationData)
        );
        if (data.version != TOKEN_BALANCE_MIGRATION_DATA_VERSION) revert InvalidVersion();
        // A chain migrates only its own balances, of the asset its origin data names.
        if (data.chainId != _params.chainId) revert InvalidWithdrawalChainId();
        DataEncoding.assetIdCheck(data.tokenOriginChainId, data.assetId, data.originToken);

        uint256 settlementLayer = BRIDGE_HUB.settlementLayer(data.chainId);
        if (settlementLayer == 0 || settlementLayer == L1_CHAIN_ID) revert NotMigratedChain();
        uint256 chainMigration = chainMigrationNumber(data.chainId);
        if (data.chainMigrationNumber != chainMigration) {
            revert InvalidChainMigrationNumber(chainMigration, data.chainMigrationNumber);
        }
        uint256 current = assetMigrationNumber[data.chainId][data.assetId];
        if (current >= data.chainMigrationNumber) revert InvalidAssetMigrationNumber();
        // An even number: the balance is in L1's accounting now (never migrated, or migrated back).
        if (current % 2 != 0) revert InvalidMigrationNumber(chainMigration, current);

        // A token never seen on L1 (native to a ZK chain, never withdrawn) starts with MAX on its origin.
        _registerIfNeeded(data.assetId, data.tokenOriginChainId);
        uint256 keep;
        unchecked {
            // Wrapping arithmetic: the terms are the chain's own counters and may exceed each other in any order.
            keep =
                data.totalWithdrawalsToL1 +
                totalDepositedFromL1[data.chainId][data.assetId] -
                data.totalSuccessfulDepositsFromL1 -
                data.totalPreV31TotalSupply;
        }
        uint256 balance = chainBalance[data.chainId][data.assetId];
        if (keep > balance) revert InsufficientChainBalance(data.chainId, data.assetId, keep);
        uint256 amount = balance - keep;
        chainBalance[data.chainId][data.assetId] = keep;
        chainBalance[settlementLayer][data.assetId] += amount;
        assetMigrationNumber[data.chainId][data.assetId] = data.chainMigrationNumber;
        emit L1ToGatewayMigrationProcessed(
            data.chainId,
            data.assetId,
            settlementLayer,
            amount,
            data.chainMigrationNumber
        );

        _sendConfirmations(
            settlementLayer,
            MigrationConfirmationData({
                chainId: data.chainId,
                assetId: data.assetId,
                tokenOriginChainId: data.tokenOriginChainId,
                originToken: data.originToken,
                amount: amount,
                assetMigrationNumber: data.chainMigrationNumber,
                isL1ToGateway: true
            })
        );
    }

    /// @notice Processes the return of a chain's token balance from its former settlement layer (spec 6.5, Gateway ->
    ///         L1): proves the `receiveGatewayToL1MigrationOnL1(GatewayToL1TokenBalanceMigrationData)` message
    ///         Gateway's GWAssetTracker sent (`initiateGatewayToL1MigrationOnGateway`), moves `amount` from the
    ///         settlement layer's balance back to the chain's, and sends the two confirmations (`isL1ToGateway =
    ///         false`). Permissionless; each migration is processed once (`InvalidAssetMigrationNumber`).
    /// @param _params The message and its L1 proof (a batch of the settlement layer, which settles on L1).
    function receiveGatewayToL1MigrationOnL1(FinalizeL1DepositParams calldata _params) external {
        _proveMigrationMessage(_params);
        bytes4 selector = _params.message.length >= 4 ? bytes4(_params.message[:4]) : bytes4(0);
        if (selector != ITokenBalanceMigration.receiveGatewayToL1MigrationOnL1.selector) {
            revert InvalidFunctionSignature(selector);
        }
        GatewayToL1TokenBalanceMigrationData memory data = abi.decode(
            _params.message[4:],
            (GatewayToL1TokenBalanceMigrationData)
        );
        if (data.version != TOKEN_BALANCE_MIGRATION_DATA_VERSION) revert InvalidVersion();
        uint256 current = assetMigrationNumber[data.chainId][data.assetId];
        if (current >= data.chainMigrationNumber) revert InvalidAssetMigrationNumber();
        DataEncoding.assetIdCheck(data.tokenOriginChainId, data.assetId, data.originToken);
        // The settlement layer vouches for the amount; only a whitelisted one may send this.
        if (!BRIDGE_HUB.whitelistedSettlementLayers(_params.chainId)) revert InvalidWithdrawalChainId();
        if (current != data.assetMigrationNumber && current + 1 != data.assetMigrationNumber) {
            revert InvalidAssetMigrationNumber();
        }

        _registerIfNeeded(data.assetId, data.tokenOriginChainId);
        _decreaseChainBalance(_params.chainId, data.assetId, data.amount);
        chainBalance[data.chainId][data.assetId] += data.amount;
        assetMigrationNumber[data.chainId][data.assetId] = data.chainMigrationNumber;
        emit GatewayToL1MigrationProcessed(
            data.chainId,
            data.assetId,
            _params.chainId,
            data.amount,
            data.chainMigrationNumber
        );

        _sendConfirmations(
            _params.chainId,
            MigrationConfirmationData({
                chainId: data.chainId,
                assetId: data.assetId,
                tokenOriginChainId: data.tokenOriginChainId,
                originToken: data.originToken,
                amount: data.amount,
                assetMigrationNumber: data.chainMigrationNumber,
                isL1ToGateway: false
            })
        );
    }

    /// @dev `confirmMigrationOnGateway` on the settlement layer first (so Gateway's side is settled before the chain
    ///      moves the asset), then `confirmMigrationOnL2` on the chain, both as service transactions.
    function _sendConfirmations(uint256 _settlementLayer, MigrationConfirmationData memory _confirmation) internal {
        IL1Mailbox(BRIDGE_HUB.getZKChain(_settlementLayer)).requestL2ServiceTransaction(
            GW_ASSET_TRACKER_ADDR,
            abi.encodeCall(ITokenBalanceMigration.confirmMigrationOnGateway, (_confirmation))
        );
        IL1Mailbox(BRIDGE_HUB.getZKChain(_confirmation.chainId)).requestL2ServiceTransaction(
            L2_ASSET_TRACKER_ADDR,
            abi.encodeCall(ITokenBalanceMigration.confirmMigrationOnL2, (_confirmation))
        );
    }

    /// @dev A migration message must come from an asset tracker (0x1000f or 0x10010) and be proven on L1.
    function _proveMigrationMessage(FinalizeL1DepositParams calldata _params) internal view {
        if (_params.l2Sender != L2_ASSET_TRACKER_ADDR && _params.l2Sender != GW_ASSET_TRACKER_ADDR) {
            revert InvalidSender();
        }
        bool proven = IMessageVerification(BRIDGE_HUB.messageRoot()).proveL2MessageInclusionShared(
            _params.chainId,
            _params.l2BatchNumber,
            _params.l2MessageIndex,
            L2Message({
                txNumberInBatch: _params.l2TxNumberInBatch,
                sender: _params.l2Sender,
                data: _params.message
            }),
            _params.merkleProof
        );
        if (!proven) revert InvalidProof();
    }

    /// @notice A chain's migration number (the bridgehub's): 0 always on L1, 1 on a settlement layer, 2 back on L1.
    function chainMigrationNumber(uint256 _chainId) public view returns (uint256) {
        return BRIDGE_HUB.migrationNumber(_chainId);
    }

    function _registerIfNeeded(bytes32 _assetId, uint256 _originChainId) internal {
        if (isAssetRegistered[_assetId]) return;
        isAssetRegistered[_assetId] = true;
        chainBalance[_originChainId][_assetId] = MAX_TOKEN_BALANCE;
        emit AssetRegistered(_assetId, _originChainId);
    }

    function _decreaseChainBalance(uint256 _chainId, bytes32 _assetId, uint256 _amount) internal {
        uint256 balance = chainBalance[_chainId][_assetId];
        if (balance < _amount) revert InsufficientChainBalance(_chainId, _assetId, _amount);
        unchecked {
            chainBalance[_chainId][_assetId] = balance - _amount;
        }
    }
}
