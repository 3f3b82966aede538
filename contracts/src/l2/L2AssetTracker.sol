// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBridgedStandardToken, IERC20Balances, IL2AssetTracker} from "../bridge/IBridge.sol";
import {IL1Messenger, IL2ChainAssetHandler, ISystemContext} from "../common/interfaces/ISystemContracts.sol";
import {
    ITokenBalanceMigration,
    L1ToGatewayTokenBalanceMigrationData,
    MigrationConfirmationData,
    TOKEN_BALANCE_MIGRATION_DATA_VERSION
} from "../common/interfaces/IAssetTrackerDataEncoding.sol";
import {
    L2_BASE_TOKEN_HOLDER_ADDR,
    L2_CHAIN_ASSET_HANDLER_ADDR,
    L2_COMPLEX_UPGRADER_ADDR,
    L2_NATIVE_TOKEN_VAULT_ADDR,
    L2_SYSTEM_CONTEXT_ADDR,
    L2_TO_L1_MESSENGER_ADDR,
    SERVICE_TRANSACTION_SENDER
} from "../common/L2ContractAddresses.sol";
import {
    AssetIdNotSupported,
    InsufficientChainBalance,
    InvalidMigrationData,
    NotMigratedChain,
    TokenBalanceNotMigratedToGateway
} from "../bridge/BridgeErrors.sol";
import {Unauthorized, ZeroChainId} from "../common/Errors.sol";

/// @notice The vault lookups the tracker needs.
interface IL2NativeTokenVaultLookup {
    function tokenAddress(bytes32 _assetId) external view returns (address);
}

/// @title L2AssetTracker (0x1000f): per-chain accounting of the chain's own tokens and the Gateway migration gate.
/// @dev `chainBalance[block.chainid][asset]` is kept only for tokens native to this chain: MAX at registration,
///      down when they leave, up when they come back. While the chain settles on Gateway, a token may leave only once
///      its balance is migrated there (`assetMigrationNumber == chain migration number`); a token first received
///      while on Gateway counts as migrated. The chain migration number is the L2ChainAssetHandler's (0 always on L1,
///      1 on Gateway, 2 back on L1); while the chain settles on L1 its tokens may always leave.
contract L2AssetTracker is IL2AssetTracker {
    /// @notice Largest balance (the "infinite" balance of a token on its origin chain).
    uint256 public constant MAX_TOKEN_BALANCE = type(uint256).max;

    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;
    /// @notice This chain's base-token asset id.
    bytes32 public BASE_TOKEN_ASSET_ID;

    /// @notice Balance of each asset this chain tracks (only its native tokens; keyed by this chain's id).
    mapping(uint256 chainId => mapping(bytes32 assetId => uint256 balance)) public chainBalance;
    /// @notice Migration number of each asset's balance (equal to the chain's once migrated).
    mapping(uint256 chainId => mapping(bytes32 assetId => uint256 migrationNumber)) public assetMigrationNumber;
    /// @notice Whether the asset is known here.
    mapping(bytes32 assetId => bool) public isAssetRegistered;
    /// @notice Origin chain of each registered asset.
    mapping(bytes32 assetId => uint256 chainId) public tokenOriginChainId;
    /// @notice Supply snapshot of tokens that existed before v31 (0 for every token on this devnet).
    mapping(bytes32 assetId => uint256 amount) public totalPreV31TotalSupply;
    /// @notice Amounts withdrawn to L1 while settling on L1.
    mapping(bytes32 assetId => uint256 amount) public totalWithdrawalsToL1;
    /// @notice Amounts deposited from L1 while settling on L1.
    mapping(bytes32 assetId => uint256 amount) public totalSuccessfulDepositsFromL1;

    event AssetRegistered(bytes32 indexed assetId, uint256 indexed originChainId);
    event L1ToGatewayMigrationInitiated(bytes32 indexed assetId, uint256 indexed chainId, uint256 amount);
    event AssetMigrationNumberSet(bytes32 indexed assetId, uint256 migrationNumber);

    modifier onlyNativeTokenVault() {
        if (msg.sender != L2_NATIVE_TOKEN_VAULT_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyBaseTokenHolder() {
        if (msg.sender != L2_BASE_TOKEN_HOLDER_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice Initialises the tracker. ComplexUpgrader only, once. The base token is registered, and counts as
    ///         migrated if the chain already settles on Gateway (it was there at genesis).
    function initL2(uint256 _l1ChainId, bytes32 _baseTokenAssetId) external {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        L1_CHAIN_ID = _l1ChainId;
        BASE_TOKEN_ASSET_ID = _baseTokenAssetId;
        _registerToken(_baseTokenAssetId, _l1ChainId);
        _setAssetMigrationNumber(_baseTokenAssetId, _chainMigrationNumber());
    }

    /*//////////////////////////////////////////////////////////////
                            Hooks of the vault and the holder
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers an asset the vault has just registered. Vault only.
    function registerNewTokenIfNeeded(bytes32 _assetId, uint256 _originChainId) external onlyNativeTokenVault {
        _registerToken(_assetId, _originChainId);
    }

    /// @notice An asset leaves this chain. Vault only, before any balance moves.
    function handleInitiateBridgingOnL2(
        uint256 _toChainId,
        bytes32 _assetId,
        uint256 _amount,
        uint256 _tokenOriginChainId
    ) external onlyNativeTokenVault {
        _registerToken(_assetId, _tokenOriginChainId);
        _checkAssetMigrationNumber(_assetId);
        if (_tokenOriginChainId == block.chainid) _decreaseChainBalance(_assetId, _amount);
        if (_toChainId == L1_CHAIN_ID && !_settlesOnGateway()) totalWithdrawalsToL1[_assetId] += _amount;
    }

    /// @notice An asset arrives on this chain. Vault only, before the funds are given out.
    function handleFinalizeBridgingOnL2(
        uint256 _fromChainId,
        bytes32 _assetId,
        uint256 _amount,
        uint256 _tokenOriginChainId,
        address _tokenAddress
    ) external onlyNativeTokenVault {
        _registerToken(_assetId, _tokenOriginChainId);
        if (
            _tokenOriginChainId != block.chainid &&
            assetMigrationNumber[block.chainid][_assetId] == 0 &&
            IERC20Balances(_tokenAddress).totalSupply() == 0
        ) {
            // First received while on the current settlement layer: nothing to migrate.
            _setAssetMigrationNumber(_assetId, _chainMigrationNumber());
        }
        if (_tokenOriginChainId == block.chainid) chainBalance[block.chainid][_assetId] += _amount;
        if (_fromChainId == L1_CHAIN_ID && !_settlesOnGateway()) totalSuccessfulDepositsFromL1[_assetId] += _amount;
    }

    /// @notice Base token leaves this chain. BaseTokenHolder only.
    function handleInitiateBaseTokenBridgingOnL2(uint256 _toChainId, uint256 _amount) external onlyBaseTokenHolder {
        _checkAssetMigrationNumber(BASE_TOKEN_ASSET_ID);
        if (_toChainId == L1_CHAIN_ID && !_settlesOnGateway()) totalWithdrawalsToL1[BASE_TOKEN_ASSET_ID] += _amount;
    }

    /// @notice Base token arrives on this chain. BaseTokenHolder only.
    function handleFinalizeBaseTokenBridgingOnL2(uint256 _fromChainId, uint256 _amount) external onlyBaseTokenHolder {
        if (_fromChainId == L1_CHAIN_ID && !_settlesOnGateway()) {
            totalSuccessfulDepositsFromL1[BASE_TOKEN_ASSET_ID] += _amount;
        }
    }

    /*//////////////////////////////////////////////////////////////
                            Token balance migration
    //////////////////////////////////////////////////////////////*/

    /// @notice Starts moving the accounting of an asset's balance from L1 to Gateway (permissionless). Sends
    ///         `receiveL1ToGatewayMigrationOnL1(L1ToGatewayTokenBalanceMigrationData)` to L1 through Gateway; the
    ///         asset may leave the chain once L1's confirmation arrives (`confirmMigrationOnL2`).
    /// @param _assetId A registered asset.
    function initiateL1ToGatewayMigrationOnL2(bytes32 _assetId) external {
        if (!_settlesOnGateway()) revert NotMigratedChain();
        if (!isAssetRegistered[_assetId]) revert AssetIdNotSupported(_assetId);
        uint256 chainMigration = _chainMigrationNumber();
        if (assetMigrationNumber[block.chainid][_assetId] == chainMigration) return;

        uint256 origin = tokenOriginChainId[_assetId];
        address token = IL2NativeTokenVaultLookup(L2_NATIVE_TOKEN_VAULT_ADDR).tokenAddress(_assetId);
        address originToken = origin == block.chainid ? token : IBridgedStandardToken(token).originToken();
        L1ToGatewayTokenBalanceMigrationData memory data = L1ToGatewayTokenBalanceMigrationData({
            version: TOKEN_BALANCE_MIGRATION_DATA_VERSION,
            originToken: originToken,
            chainId: block.chainid,
            assetId: _assetId,
            tokenOriginChainId: origin,
            chainMigrationNumber: chainMigration,
            assetMigrationNumber: assetMigrationNumber[block.chainid][_assetId],
            totalWithdrawalsToL1: totalWithdrawalsToL1[_assetId],
            totalSuccessfulDepositsFromL1: totalSuccessfulDepositsFromL1[_assetId],
            totalPreV31TotalSupply: totalPreV31TotalSupply[_assetId]
        });
        IL1Messenger(L2_TO_L1_MESSENGER_ADDR).sendToL1(
            abi.encodeCall(ITokenBalanceMigration.receiveL1ToGatewayMigrationOnL1, (data))
        );
        emit L1ToGatewayMigrationInitiated(_assetId, block.chainid, chainBalance[block.chainid][_assetId]);
    }

    /// @notice L1's confirmation of a balance migration, either way (`isL1ToGateway`): sets the asset's migration
    ///         number, which unblocks bridging of the asset on Gateway. Service transactions only.
    function confirmMigrationOnL2(MigrationConfirmationData calldata _data) external {
        if (msg.sender != SERVICE_TRANSACTION_SENDER) revert Unauthorized(msg.sender);
        if (_data.chainId != block.chainid) revert InvalidMigrationData();
        _registerToken(_data.assetId, _data.tokenOriginChainId);
        _setAssetMigrationNumber(_data.assetId, _data.assetMigrationNumber);
    }

    /// @notice Whether the asset's balance is migrated to the chain's current settlement layer.
    function tokenMigrated(uint256 _chainId, bytes32 _assetId) public view returns (bool) {
        return assetMigrationNumber[_chainId][_assetId] == _chainMigrationNumber();
    }

    /// @notice The chain's migration number (L2ChainAssetHandler): 0 always on L1, 1 on Gateway, 2 back on L1.
    function chainMigrationNumber() external view returns (uint256) {
        return _chainMigrationNumber();
    }

    /*//////////////////////////////////////////////////////////////
                            Internals
    //////////////////////////////////////////////////////////////*/

    function _registerToken(bytes32 _assetId, uint256 _originChainId) internal {
        if (isAssetRegistered[_assetId]) return;
        isAssetRegistered[_assetId] = true;
        tokenOriginChainId[_assetId] = _originChainId;
        if (_originChainId == block.chainid) chainBalance[block.chainid][_assetId] = MAX_TOKEN_BALANCE;
        emit AssetRegistered(_assetId, _originChainId);
    }

    function _checkAssetMigrationNumber(bytes32 _assetId) internal view {
        if (!_settlesOnGateway()) return;
        uint256 chainMigration = _chainMigrationNumber();
        uint256 assetMigration = assetMigrationNumber[block.chainid][_assetId];
        if (assetMigration != chainMigration) {
            revert TokenBalanceNotMigratedToGateway(_assetId, assetMigration, chainMigration);
        }
    }

    function _decreaseChainBalance(bytes32 _assetId, uint256 _amount) internal {
        uint256 balance = chainBalance[block.chainid][_assetId];
        if (balance < _amount) revert InsufficientChainBalance(block.chainid, _assetId, _amount);
        chainBalance[block.chainid][_assetId] = balance - _amount;
    }

    function _setAssetMigrationNumber(bytes32 _assetId, uint256 _number) internal {
        assetMigrationNumber[block.chainid][_assetId] = _number;
        emit AssetMigrationNumberSet(_assetId, _number);
    }

    function _settlesOnGateway() internal view returns (bool) {
        uint256 layer = ISystemContext(L2_SYSTEM_CONTEXT_ADDR).currentSettlementLayerChainId();
        return layer != 0 && layer != L1_CHAIN_ID;
    }

    function _chainMigrationNumber() internal view returns (uint256) {
        if (L2_CHAIN_ASSET_HANDLER_ADDR.code.length == 0) return _settlesOnGateway() ? 1 : 0;
        return IL2ChainAssetHandler(L2_CHAIN_ASSET_HANDLER_ADDR).migrationNumber(block.chainid);
    }
}
