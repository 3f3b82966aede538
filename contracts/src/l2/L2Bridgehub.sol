// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IL2Bridgehub, IMessageRoot} from "../common/interfaces/ISystemContracts.sol";
import {SystemOwnable} from "../common/SystemOwnable.sol";
import {
    L2_COMPLEX_UPGRADER_ADDR,
    L2_MESSAGE_ROOT_ADDR,
    SERVICE_TRANSACTION_SENDER
} from "../common/L2ContractAddresses.sol";
import {
    ChainIdAlreadyExists,
    ChainIdCantBeCurrentChain,
    EmptyAssetId,
    Unauthorized,
    ZeroAddress,
    ZeroChainId
} from "../common/Errors.sol";

/// @title L2Bridgehub (0x10002): the chain registry of an L2 (and of Gateway).
/// @dev `baseTokenAssetId` holds this chain's own base token and those of the chains registered for interop.
///      On Gateway, `settlementLayer` and `getZKChain` describe the chains that settle on it; `getZKChain` is the
///      chain's executor, the only caller GWAssetTracker accepts for that chain.
contract L2Bridgehub is IL2Bridgehub, SystemOwnable {
    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;

    /// @notice Upper bound on chains settling here.
    uint256 public MAX_NUMBER_OF_ZK_CHAINS;

    /// @notice Base-token asset id per chain; zero means "not registered".
    mapping(uint256 chainId => bytes32) public baseTokenAssetId;

    /// @notice Settlement layer of each chain settling on this chain (Gateway only).
    mapping(uint256 chainId => uint256) public settlementLayer;

    mapping(uint256 chainId => address) internal _zkChains;
    uint256[] internal _settledChainIds;

    /// @notice Emitted when a chain is registered for interop with this chain.
    event ChainRegisteredForInterop(uint256 indexed chainId, bytes32 baseTokenAssetId);

    /// @notice Emitted when a chain starts settling on this chain (Gateway only).
    event SettledChainRegistered(uint256 indexed chainId, address indexed zkChain, bytes32 baseTokenAssetId);

    modifier onlyUpgrader() {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyServiceTransactionSender() {
        if (msg.sender != SERVICE_TRANSACTION_SENDER) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice Initialises the bridgehub at genesis. ComplexUpgrader only, once.
    /// @param _l1ChainId Chain id of L1.
    /// @param _owner Owner of the contract.
    /// @param _maxNumberOfZKChains Upper bound on chains settling here.
    function initL2(uint256 _l1ChainId, address _owner, uint256 _maxNumberOfZKChains) external onlyUpgrader {
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        if (_owner == address(0)) revert ZeroAddress();
        L1_CHAIN_ID = _l1ChainId;
        MAX_NUMBER_OF_ZK_CHAINS = _maxNumberOfZKChains;
        _transferOwnership(_owner);
    }

    /// @notice Records this chain's own base-token asset id. ComplexUpgrader only, once.
    /// @dev Read by InteropCenter and InteropHandler until the NativeTokenVault provides `BASE_TOKEN_ASSET_ID`.
    function setLocalBaseTokenAssetId(bytes32 _baseTokenAssetId) external onlyUpgrader {
        require(baseTokenAssetId[block.chainid] == bytes32(0), "Initializable: contract is already initialized");
        if (_baseTokenAssetId == bytes32(0)) revert EmptyAssetId();
        baseTokenAssetId[block.chainid] = _baseTokenAssetId;
    }

    /// @notice Registers a chain as an interop destination. Service transactions only.
    /// @param _chainId The chain.
    /// @param _baseTokenAssetId Its base-token asset id.
    function registerChainForInterop(
        uint256 _chainId,
        bytes32 _baseTokenAssetId
    ) external onlyServiceTransactionSender {
        if (_chainId == 0) revert ZeroChainId();
        if (_chainId == block.chainid) revert ChainIdCantBeCurrentChain();
        if (_baseTokenAssetId == bytes32(0)) revert EmptyAssetId();
        baseTokenAssetId[_chainId] = _baseTokenAssetId;
        emit ChainRegisteredForInterop(_chainId, _baseTokenAssetId);
    }

    /// @notice Registers a chain that settles on this chain (Gateway), with the executor that runs its batches,
    ///         and adds it to the L2MessageRoot. Service transactions only.
    /// @param _chainId The chain.
    /// @param _zkChain Its executor on this chain.
    /// @param _baseTokenAssetId Its base-token asset id.
    /// @param _startingBatchNumber The last batch of the chain considered settled (0 for a new chain).
    function registerSettledChain(
        uint256 _chainId,
        address _zkChain,
        bytes32 _baseTokenAssetId,
        uint256 _startingBatchNumber
    ) external onlyServiceTransactionSender {
        if (_chainId == 0) revert ZeroChainId();
        if (_chainId == block.chainid) revert ChainIdCantBeCurrentChain();
        if (_zkChain == address(0)) revert ZeroAddress();
        if (_zkChains[_chainId] != address(0)) revert ChainIdAlreadyExists();
        if (_baseTokenAssetId == bytes32(0)) revert EmptyAssetId();
        require(_settledChainIds.length < MAX_NUMBER_OF_ZK_CHAINS, "Bridgehub: too many chains");
        _zkChains[_chainId] = _zkChain;
        settlementLayer[_chainId] = block.chainid;
        if (baseTokenAssetId[_chainId] == bytes32(0)) baseTokenAssetId[_chainId] = _baseTokenAssetId;
        _settledChainIds.push(_chainId);
        IMessageRoot(L2_MESSAGE_ROOT_ADDR).addNewChain(_chainId, _startingBatchNumber);
        emit SettledChainRegistered(_chainId, _zkChain, _baseTokenAssetId);
    }

    /// @notice The executor of a chain settling here, or zero.
    function getZKChain(uint256 _chainId) external view returns (address) {
        return _zkChains[_chainId];
    }

    /// @notice Ids of the chains settling here.
    function getAllZKChainChainIDs() external view returns (uint256[] memory) {
        return _settledChainIds;
    }
}
