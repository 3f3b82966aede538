// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {
    ChainIdAlreadyExists,
    ChainIdNotRegistered,
    EmptyAssetId,
    MigrationNumberMismatch,
    MsgValueMismatch,
    ZeroAddress,
    ZeroChainId
} from "../common/Errors.sol";
import {
    BridgehubL2TransactionRequest,
    ETH_TOKEN_ADDRESS,
    IL1AssetRouterShared,
    IL1Mailbox,
    L2TransactionRequestDirect,
    L2TransactionRequestTwoBridgesInner,
    L2TransactionRequestTwoBridgesOuter,
    SecondBridgeAddressTooLow,
    TWO_BRIDGES_MAGIC_VALUE,
    WrongMagicValue
} from "./L1BridgeTypes.sol";

/// @notice The batches a chain settled on a settlement layer (v31 `MigrationInterval`, one per migration).
/// @param migrateToGWBatchNumber The chain's last batch executed on L1 before it moved to the settlement layer.
/// @param migrateFromGWBatchNumber The chain's last batch executed on the settlement layer before it moved back.
/// @param settlementLayerChainId The settlement layer.
/// @param settlementLayerBatchLowerBound The settlement layer's last batch on L1 when the chain arrived.
/// @param settlementLayerBatchUpperBound The settlement layer's last batch on L1 when the chain left.
/// @param isActive Whether the chain still settles there.
struct MigrationInterval {
    uint256 migrateToGWBatchNumber;
    uint256 migrateFromGWBatchNumber;
    uint256 settlementLayerChainId;
    uint256 settlementLayerBatchLowerBound;
    uint256 settlementLayerBatchUpperBound;
    bool isActive;
}

/// @dev The L1 parts of the chains' settlement contracts the bridgehub drives on a migration.
interface IL1ChainMigrationTarget {
    function setChainBatchNumberOnMigration(uint256 _chainId, uint256 _batchNumber) external;
}

/// @title L1Bridgehub: the L1 chain registry (settlement layer, base token, settlement contract per chain).
/// @dev Owner-administered on this devnet; the getters match era-contracts' Bridgehub where the SDKs read them. It
///      also keeps what v31's L1ChainAssetHandler keeps: each chain's migration number (0 always on L1, 1 on a
///      settlement layer, 2 back on L1) and the batch interval it settled on the settlement layer, which decides
///      whether a proof may go through that settlement layer (`isValidSettlementLayer`).
contract L1Bridgehub {
    /// @dev Chain migration number of a chain settling on a settlement layer.
    uint256 internal constant MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER = 1;
    /// @dev Chain migration number of a chain that moved back to L1.
    uint256 internal constant MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1 = 2;

    /// @notice Chain id of L1 (this chain).
    uint256 public immutable L1_CHAIN_ID;

    /// @notice The administrator.
    address public owner;

    /// @notice The L1 asset router (asset task); zero until set.
    address public assetRouter;

    /// @notice The L1MessageRoot.
    address public messageRoot;

    /// @notice Settlement layer of each chain (L1_CHAIN_ID or a whitelisted settlement layer).
    mapping(uint256 chainId => uint256) public settlementLayer;

    /// @notice Base-token asset id of each chain.
    mapping(uint256 chainId => bytes32) public baseTokenAssetId;

    /// @notice L1 address of each chain's base token (address(1) for ETH).
    mapping(uint256 chainId => address) public baseToken;

    /// @notice Chain type manager of each chain.
    mapping(uint256 chainId => address) public chainTypeManager;

    /// @notice Whether a chain may act as a settlement layer (Gateway).
    mapping(uint256 chainId => bool) public whitelistedSettlementLayers;

    mapping(uint256 chainId => address) internal _zkChains;
    uint256[] internal _chainIds;

    /// @notice How many times each chain changed its settlement layer (v31 `ChainAssetHandler.migrationNumber`).
    mapping(uint256 chainId => uint256) public migrationNumber;

    mapping(uint256 chainId => mapping(uint256 migrationNum => MigrationInterval)) internal _migrationInterval;

    event NewChain(uint256 indexed chainId, address chainTypeManager, address indexed zkChain);

    /// @notice Emitted when a chain moves from its settlement layer back to L1.
    event ChainMigratedToL1(
        uint256 indexed chainId,
        uint256 indexed settlementLayer,
        uint256 lastBatchOnSettlementLayer,
        uint256 migrationNumber
    );
    event SettlementLayerRegistered(uint256 indexed chainId, bool indexed isWhitelisted);
    event AddressesSet(address assetRouter, address messageRoot);

    /// @dev Second bridges must live above the reserved built-in range.
    address internal constant MAX_BUILT_IN_ADDRESS = address(0x2ffff);

    modifier onlyOwner() {
        require(msg.sender == owner, "Ownable: caller is not the owner");
        _;
    }

    /// @param _owner The administrator.
    constructor(address _owner) {
        if (_owner == address(0)) revert ZeroAddress();
        owner = _owner;
        L1_CHAIN_ID = block.chainid;
    }

    /// @notice Sets the asset router and the message root.
    function setAddresses(address _assetRouter, address _messageRoot) external onlyOwner {
        if (_messageRoot == address(0)) revert ZeroAddress();
        assetRouter = _assetRouter;
        messageRoot = _messageRoot;
        emit AddressesSet(_assetRouter, _messageRoot);
    }

    /// @notice Allows or disallows a chain to act as a settlement layer.
    function registerSettlementLayer(uint256 _chainId, bool _isWhitelisted) external onlyOwner {
        whitelistedSettlementLayers[_chainId] = _isWhitelisted;
        emit SettlementLayerRegistered(_chainId, _isWhitelisted);
    }

    /// @notice Registers a chain and adds it to the L1MessageRoot.
    /// @param _chainId The chain.
    /// @param _zkChain Its L1 settlement contract (executes its batches while it settles on L1).
    /// @param _chainTypeManager Its chain type manager.
    /// @param _baseToken L1 address of its base token.
    /// @param _baseTokenAssetId Its base-token asset id.
    /// @param _settlementLayer L1_CHAIN_ID, or the whitelisted settlement layer it settles on.
    /// @param _startingBatchNumber The last batch of the chain considered settled on L1 (0 for a new chain).
    function registerChain(
        uint256 _chainId,
        address _zkChain,
        address _chainTypeManager,
        address _baseToken,
        bytes32 _baseTokenAssetId,
        uint256 _settlementLayer,
        uint256 _startingBatchNumber
    ) external onlyOwner {
        if (_chainId == 0 || _settlementLayer == 0) revert ZeroChainId();
        if (_zkChain == address(0) || _chainTypeManager == address(0)) revert ZeroAddress();
        if (_baseTokenAssetId == bytes32(0)) revert EmptyAssetId();
        if (_zkChains[_chainId] != address(0)) revert ChainIdAlreadyExists();
        if (_settlementLayer != L1_CHAIN_ID && !whitelistedSettlementLayers[_settlementLayer]) {
            revert ChainIdNotRegistered(_settlementLayer);
        }
        _zkChains[_chainId] = _zkChain;
        chainTypeManager[_chainId] = _chainTypeManager;
        baseToken[_chainId] = _baseToken;
        baseTokenAssetId[_chainId] = _baseTokenAssetId;
        settlementLayer[_chainId] = _settlementLayer;
        _chainIds.push(_chainId);
        IMessageRoot(messageRoot).addNewChain(_chainId, _startingBatchNumber);
        if (_settlementLayer != L1_CHAIN_ID) {
            // Registered straight onto a settlement layer: as if migrated there after its starting batch.
            migrationNumber[_chainId] = MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER;
            _migrationInterval[_chainId][MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER] = MigrationInterval({
                migrateToGWBatchNumber: _startingBatchNumber,
                migrateFromGWBatchNumber: 0,
                settlementLayerChainId: _settlementLayer,
                settlementLayerBatchLowerBound: IMessageRoot(messageRoot).currentChainBatchNumber(_settlementLayer),
                settlementLayerBatchUpperBound: 0,
                isActive: true
            });
        }
        emit NewChain(_chainId, _chainTypeManager, _zkChain);
    }

    /// @notice Moves a chain from its settlement layer back to L1 (v31's migration back, as the L1 side records it):
    ///         its later batches are executed by its L1 settlement contract, the first being
    ///         `_lastBatchOnSettlementLayer + 1`, and proofs of its earlier batches keep going through the settlement
    ///         layer. Owner only (the devnet's operator, after the chain's batches are all final on L1).
    /// @param _chainId A chain settling on a settlement layer (migration number 1).
    /// @param _lastBatchOnSettlementLayer The chain's last batch the settlement layer executed.
    function migrateChainToL1(uint256 _chainId, uint256 _lastBatchOnSettlementLayer) external onlyOwner {
        address zkChain = _zkChain(_chainId);
        uint256 current = migrationNumber[_chainId];
        if (current != MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER) {
            revert MigrationNumberMismatch(MIGRATION_NUMBER_L1_TO_SETTLEMENT_LAYER, current);
        }
        MigrationInterval storage interval = _migrationInterval[_chainId][current];
        uint256 layer = interval.settlementLayerChainId;
        interval.migrateFromGWBatchNumber = _lastBatchOnSettlementLayer;
        interval.settlementLayerBatchUpperBound = IMessageRoot(messageRoot).currentChainBatchNumber(layer);
        interval.isActive = false;
        migrationNumber[_chainId] = MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1;
        settlementLayer[_chainId] = L1_CHAIN_ID;
        IL1ChainMigrationTarget(messageRoot).setChainBatchNumberOnMigration(_chainId, _lastBatchOnSettlementLayer);
        IL1ChainMigrationTarget(zkChain).setChainBatchNumberOnMigration(_chainId, _lastBatchOnSettlementLayer);
        emit ChainMigratedToL1(_chainId, layer, _lastBatchOnSettlementLayer, MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1);
    }

    /// @notice The batch interval of a chain's migration `_migrationNumber` (zero if there is none).
    function migrationInterval(
        uint256 _chainId,
        uint256 _migrationNumber
    ) external view returns (MigrationInterval memory) {
        return _migrationInterval[_chainId][_migrationNumber];
    }

    /// @notice Whether batch `_batchNumber` of `_chainId` was executed on `_claimedSettlementLayer` (within its batch
    ///         `_claimedSettlementLayerBatchNumber`'s recorded bounds), as a proof through that layer claims.
    function isValidSettlementLayer(
        uint256 _chainId,
        uint256 _batchNumber,
        uint256 _claimedSettlementLayer,
        uint256 _claimedSettlementLayerBatchNumber
    ) external view returns (bool) {
        uint256 current = migrationNumber[_chainId];
        for (uint256 i = 1; i <= current; ++i) {
            MigrationInterval memory interval = _migrationInterval[_chainId][i];
            if (interval.settlementLayerChainId == 0) continue;
            if (_batchNumber <= interval.migrateToGWBatchNumber) return _claimedSettlementLayer == L1_CHAIN_ID;
            if (interval.isActive) {
                return
                    _claimedSettlementLayer == interval.settlementLayerChainId &&
                    _claimedSettlementLayerBatchNumber >= interval.settlementLayerBatchLowerBound;
            }
            if (_batchNumber <= interval.migrateFromGWBatchNumber) {
                return
                    _claimedSettlementLayer == interval.settlementLayerChainId &&
                    _claimedSettlementLayerBatchNumber >= interval.settlementLayerBatchLowerBound &&
                    _claimedSettlementLayerBatchNumber <= interval.settlementLayerBatchUpperBound;
            }
        }
        return _claimedSettlementLayer == L1_CHAIN_ID;
    }

    /// @notice The settlement layer that executed batch `_batchNumber` of `_chainId`: 0 if it was L1 (the chain
    ///         itself answers for it), else the settlement layer, which answers for its withdrawals.
    function settlementLayerOfBatch(uint256 _chainId, uint256 _batchNumber) external view returns (uint256) {
        uint256 current = migrationNumber[_chainId];
        for (uint256 i = 1; i <= current; ++i) {
            MigrationInterval memory interval = _migrationInterval[_chainId][i];
            if (interval.settlementLayerChainId == 0) continue;
            if (_batchNumber <= interval.migrateToGWBatchNumber) return 0;
            if (interval.isActive || _batchNumber <= interval.migrateFromGWBatchNumber) {
                return interval.settlementLayerChainId;
            }
        }
        return 0;
    }

    /// @notice The settlement contract of a chain on L1, or zero.
    function getZKChain(uint256 _chainId) external view returns (address) {
        return _zkChains[_chainId];
    }

    /// @notice Every registered chain id.
    function getAllZKChainChainIDs() external view returns (uint256[] memory) {
        return _chainIds;
    }

    // ---------------------------------------------------------------- deposits (L1 -> L2)

    /// @notice The base cost of an L1->L2 transaction: `_gasPrice * _l2GasLimit` on this devnet (no pubdata
    ///         charge). `mintValue` must cover it plus `l2Value`.
    function l2TransactionBaseCost(
        uint256 _chainId,
        uint256 _gasPrice,
        uint256 _l2GasLimit,
        uint256 _l2GasPerPubdataByteLimit
    ) public view returns (uint256) {
        _zkChain(_chainId);
        _l2GasPerPubdataByteLimit;
        return _gasPrice * _l2GasLimit;
    }

    /// @notice Requests an L1->L2 transaction calling `l2Contract` directly. `mintValue` of the chain's base
    ///         token is locked on L1 (ETH: `msg.value` must equal it; an ERC20: pulled with `transferFrom`, approve
    ///         the L1 native token vault first) and minted on L2.
    /// @return canonicalTxHash The hash the transaction has on L2.
    function requestL2TransactionDirect(
        L2TransactionRequestDirect calldata _request
    ) external payable returns (bytes32 canonicalTxHash) {
        address zkChain = _zkChain(_request.chainId);
        _depositBaseToken(_request.chainId, _request.mintValue, msg.value);
        canonicalTxHash = IL1Mailbox(zkChain).bridgehubRequestL2Transaction(
            BridgehubL2TransactionRequest({
                sender: msg.sender,
                contractL2: _request.l2Contract,
                mintValue: _request.mintValue,
                l2Value: _request.l2Value,
                l2Calldata: _request.l2Calldata,
                l2GasLimit: _request.l2GasLimit,
                l2GasPerPubdataByteLimit: _request.l2GasPerPubdataByteLimit,
                factoryDeps: _request.factoryDeps,
                refundRecipient: _request.refundRecipient
            })
        );
    }

    /// @notice Requests an L1->L2 transaction built by a second bridge (the L1AssetRouter for token deposits).
    ///         `msg.value` must be `mintValue + secondBridgeValue` on an ETH-based chain, `secondBridgeValue` else.
    /// @return canonicalTxHash The hash the transaction has on L2.
    function requestL2TransactionTwoBridges(
        L2TransactionRequestTwoBridgesOuter calldata _request
    ) external payable returns (bytes32 canonicalTxHash) {
        if (_request.secondBridgeAddress <= MAX_BUILT_IN_ADDRESS) {
            revert SecondBridgeAddressTooLow(_request.secondBridgeAddress, MAX_BUILT_IN_ADDRESS);
        }
        address zkChain = _zkChain(_request.chainId);
        uint256 baseTokenValue;
        if (baseToken[_request.chainId] == ETH_TOKEN_ADDRESS) {
            if (msg.value != _request.mintValue + _request.secondBridgeValue) {
                revert MsgValueMismatch(_request.mintValue + _request.secondBridgeValue, msg.value);
            }
            baseTokenValue = _request.mintValue;
        } else if (msg.value != _request.secondBridgeValue) {
            revert MsgValueMismatch(_request.secondBridgeValue, msg.value);
        }
        _depositBaseToken(_request.chainId, _request.mintValue, baseTokenValue);

        L2TransactionRequestTwoBridgesInner memory inner = IL1AssetRouterShared(_request.secondBridgeAddress)
            .bridgehubDeposit{value: _request.secondBridgeValue}(
            _request.chainId,
            msg.sender,
            _request.l2Value,
            _request.secondBridgeCalldata
        );
        if (inner.magicValue != TWO_BRIDGES_MAGIC_VALUE) {
            revert WrongMagicValue(uint256(TWO_BRIDGES_MAGIC_VALUE), uint256(inner.magicValue));
        }
        canonicalTxHash = IL1Mailbox(zkChain).bridgehubRequestL2Transaction(
            BridgehubL2TransactionRequest({
                sender: _request.secondBridgeAddress,
                contractL2: inner.l2Contract,
                mintValue: _request.mintValue,
                l2Value: _request.l2Value,
                l2Calldata: inner.l2Calldata,
                l2GasLimit: _request.l2GasLimit,
                l2GasPerPubdataByteLimit: _request.l2GasPerPubdataByteLimit,
                factoryDeps: inner.factoryDeps,
                refundRecipient: _request.refundRecipient
            })
        );
        IL1AssetRouterShared(_request.secondBridgeAddress).bridgehubConfirmL2Transaction(
            _request.chainId,
            inner.txDataHash,
            canonicalTxHash
        );
    }

    function _zkChain(uint256 _chainId) internal view returns (address zkChain) {
        zkChain = _zkChains[_chainId];
        if (zkChain == address(0)) revert ChainIdNotRegistered(_chainId);
    }

    /// @dev Locks `_mintValue` of the chain's base token in the L1 vault (through the asset router).
    function _depositBaseToken(uint256 _chainId, uint256 _mintValue, uint256 _ethValue) internal {
        if (baseToken[_chainId] == ETH_TOKEN_ADDRESS) {
            if (_ethValue != _mintValue) revert MsgValueMismatch(_mintValue, _ethValue);
        } else if (_ethValue != 0) {
            revert MsgValueMismatch(0, _ethValue);
        }
        if (_mintValue == 0) return;
        IL1AssetRouterShared(assetRouter).bridgehubDepositBaseToken{value: _ethValue}(
            _chainId,
            baseTokenAssetId[_chainId],
            msg.sender,
            _mintValue
        );
    }
}
