// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {ChainIdAlreadyExists, ChainIdNotRegistered, EmptyAssetId, ZeroAddress, ZeroChainId} from "../common/Errors.sol";

/// @title L1Bridgehub: the L1 chain registry (settlement layer, base token, settlement contract per chain).
/// @dev Owner-administered on this devnet; the getters match era-contracts' Bridgehub where the SDKs read them.
contract L1Bridgehub {
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

    event NewChain(uint256 indexed chainId, address chainTypeManager, address indexed zkChain);
    event SettlementLayerRegistered(uint256 indexed chainId, bool indexed isWhitelisted);
    event AddressesSet(address assetRouter, address messageRoot);

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
        emit NewChain(_chainId, _chainTypeManager, _zkChain);
    }

    /// @notice The settlement contract of a chain on L1, or zero.
    function getZKChain(uint256 _chainId) external view returns (address) {
        return _zkChains[_chainId];
    }

    /// @notice Every registered chain id.
    function getAllZKChainChainIDs() external view returns (uint256[] memory) {
        return _chainIds;
    }
}
