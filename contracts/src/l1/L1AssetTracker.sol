// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {L1Bridgehub} from "./L1Bridgehub.sol";
import {InsufficientChainBalance, NotNTV, AddressAlreadySet} from "./L1BridgeTypes.sol";
import {OnlyChain, Unauthorized, ZeroAddress} from "../common/Errors.sol";

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

    bytes32 internal transient _transientAssetId;
    uint256 internal transient _transientAmount;
    uint256 internal transient _transientChainId;

    /// @notice Emitted when an asset is registered.
    event AssetRegistered(bytes32 indexed assetId, uint256 indexed originChainId);

    /// @notice Emitted when balance moves from L1 to a chain (or its settlement layer).
    event ChainBalanceIncreased(uint256 indexed chainId, bytes32 indexed assetId, uint256 amount);

    /// @notice Emitted when balance moves from a chain (or its settlement layer) back to L1.
    event ChainBalanceDecreased(uint256 indexed chainId, bytes32 indexed assetId, uint256 amount);

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

    /// @notice A withdrawal from (or a failed deposit to) `_chainId`: the chain's balance, or that of the settlement
    ///         layer it settles on, shrinks (reverting `InsufficientChainBalance` if short) and L1's grows.
    function handleChainBalanceDecreaseOnL1(
        uint256 _chainId,
        bytes32 _assetId,
        uint256 _amount
    ) external onlyNativeTokenVault {
        uint256 settlementLayer = BRIDGE_HUB.settlementLayer(_chainId);
        uint256 debited = (settlementLayer != 0 && settlementLayer != L1_CHAIN_ID) ? settlementLayer : _chainId;
        _decreaseChainBalance(debited, _assetId, _amount);
        chainBalance[L1_CHAIN_ID][_assetId] += _amount;
        emit ChainBalanceDecreased(debited, _assetId, _amount);
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
