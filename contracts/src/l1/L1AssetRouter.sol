// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {L1Bridgehub} from "./L1Bridgehub.sol";
import {
    AddressAlreadySet,
    AssetHandlerDoesNotExist,
    AssetIdNotSupported,
    ETH_TOKEN_ADDRESS,
    FinalizeL1DepositParams,
    IL1AssetHandler,
    IL1AssetRouterShared,
    L2TransactionRequestTwoBridgesInner,
    NEW_ENCODING_VERSION,
    NotL1Nullifier,
    TWO_BRIDGES_MAGIC_VALUE
} from "./L1BridgeTypes.sol";
import {L2_ASSET_ROUTER_ADDR} from "../common/L2ContractAddresses.sol";
import {OnlyBridgehub, Unauthorized, ZeroAddress} from "../common/Errors.sol";

/// @title The L1Nullifier surface the router uses.
interface IL1NullifierForRouter {
    function bridgehubConfirmL2TransactionForwarded(uint256 _chainId, bytes32 _txDataHash, bytes32 _txHash) external;

    function finalizeDeposit(FinalizeL1DepositParams calldata _params) external;
}

/// @title The L1 vault's registration surface.
interface IL1VaultRegistry {
    function ensureTokenIsRegistered(address _token) external returns (bytes32);

    function tokenAddress(bytes32 _assetId) external view returns (address);
}

/// @title L1AssetRouter: the L1 side of the shared bridge (the Bridgehub's second bridge for token deposits).
/// @dev Deposits: locks the asset in its handler (the L1NativeTokenVault) and returns the L2 call
///      `L2AssetRouter.finalizeDeposit(L1 chain id, assetId, bridgeMintData)`, sent from this router's alias.
///      Withdrawals and failed-deposit claims arrive through the L1Nullifier, which checks the proofs.
contract L1AssetRouter is IL1AssetRouterShared {
    /// @notice Chain id of L1 (this chain).
    uint256 public immutable L1_CHAIN_ID;

    /// @notice The bridgehub.
    L1Bridgehub public immutable BRIDGE_HUB;

    /// @notice The L1Nullifier (replay protection and proofs for withdrawals and failed deposits).
    address public immutable L1_NULLIFIER;

    /// @notice The administrator that wires the vault once.
    address public immutable owner;

    /// @notice The L1NativeTokenVault, the handler of every NTV asset.
    address public nativeTokenVault;

    /// @notice Emitted when the base token of a deposit is locked.
    event BridgehubDepositBaseTokenInitiated(
        uint256 indexed chainId,
        address indexed from,
        bytes32 assetId,
        uint256 amount
    );

    /// @notice Emitted when a token deposit is started.
    event BridgehubDepositInitiated(
        uint256 indexed chainId,
        bytes32 indexed txDataHash,
        address indexed from,
        bytes32 assetId,
        bytes bridgeMintCalldata
    );

    /// @notice Emitted when the Bridgehub confirms a deposit's L2 transaction hash.
    event BridgehubDepositFinalized(
        uint256 indexed chainId,
        bytes32 indexed txDataHash,
        bytes32 indexed l2DepositTxHash
    );

    /// @notice Emitted when a withdrawal from `chainId` is finalized on L1.
    event DepositFinalizedAssetRouter(uint256 indexed chainId, bytes32 indexed assetId, bytes assetData);

    /// @notice Emitted when a failed deposit is returned to its sender.
    event ClaimedFailedDepositAssetRouter(uint256 indexed chainId, bytes32 indexed assetId, bytes assetData);

    modifier onlyBridgehub() {
        if (msg.sender != address(BRIDGE_HUB)) revert OnlyBridgehub(msg.sender, address(BRIDGE_HUB));
        _;
    }

    modifier onlyNullifier() {
        if (msg.sender != L1_NULLIFIER) revert NotL1Nullifier(msg.sender);
        _;
    }

    /// @param _bridgehub The bridgehub.
    /// @param _l1Nullifier The L1Nullifier.
    /// @param _owner May set the vault once.
    constructor(L1Bridgehub _bridgehub, address _l1Nullifier, address _owner) {
        if (address(_bridgehub) == address(0) || _l1Nullifier == address(0) || _owner == address(0)) {
            revert ZeroAddress();
        }
        L1_CHAIN_ID = block.chainid;
        BRIDGE_HUB = _bridgehub;
        L1_NULLIFIER = _l1Nullifier;
        owner = _owner;
    }

    /// @notice Sets the L1NativeTokenVault. Owner only, once.
    function setNativeTokenVault(address _nativeTokenVault) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        if (nativeTokenVault != address(0)) revert AddressAlreadySet(nativeTokenVault);
        if (_nativeTokenVault == address(0)) revert ZeroAddress();
        nativeTokenVault = _nativeTokenVault;
    }

    /// @notice The handler of an asset: the vault for every asset it knows, else zero.
    function assetHandlerAddress(bytes32 _assetId) public view returns (address) {
        return IL1VaultRegistry(nativeTokenVault).tokenAddress(_assetId) == address(0) ? address(0) : nativeTokenVault;
    }

    /// @notice Locks a deposit's base token in the vault. Bridgehub only.
    function bridgehubDepositBaseToken(
        uint256 _chainId,
        bytes32 _assetId,
        address _originalCaller,
        uint256 _amount
    ) external payable onlyBridgehub {
        address handler = assetHandlerAddress(_assetId);
        if (handler == address(0)) revert AssetHandlerDoesNotExist(_assetId);
        IL1AssetHandler(handler).bridgeBurn{value: msg.value}(
            _chainId,
            0,
            _assetId,
            _originalCaller,
            abi.encode(_amount, address(0), address(0))
        );
        emit BridgehubDepositBaseTokenInitiated(_chainId, _originalCaller, _assetId, _amount);
    }

    /// @notice Starts a token deposit as the Bridgehub's second bridge. Bridgehub only.
    /// @param _data 0x01 ‖ abi.encode(assetId, abi.encode(amount, l2Receiver, maybeToken)), or the legacy
    ///        abi.encode(l1Token, amount, l2Receiver) (the token is registered if needed).
    function bridgehubDeposit(
        uint256 _chainId,
        address _originalCaller,
        uint256 _l2Value,
        bytes calldata _data
    ) external payable onlyBridgehub returns (L2TransactionRequestTwoBridgesInner memory request) {
        bytes32 assetId;
        bytes memory transferData;
        if (_data.length > 0 && _data[0] == NEW_ENCODING_VERSION) {
            (assetId, transferData) = abi.decode(_data[1:], (bytes32, bytes));
        } else {
            (address token, uint256 amount, address receiver) = abi.decode(_data, (address, uint256, address));
            if (token == address(0)) token = ETH_TOKEN_ADDRESS;
            assetId = IL1VaultRegistry(nativeTokenVault).ensureTokenIsRegistered(token);
            transferData = abi.encode(amount, receiver, token);
        }
        if (assetId == BRIDGE_HUB.baseTokenAssetId(_chainId)) revert AssetIdNotSupported(assetId);
        address handler = assetHandlerAddress(assetId);
        if (handler == address(0)) revert AssetHandlerDoesNotExist(assetId);
        bytes memory bridgeMintData = IL1AssetHandler(handler).bridgeBurn{value: msg.value}(
            _chainId,
            _l2Value,
            assetId,
            _originalCaller,
            transferData
        );
        bytes32 txDataHash = encodeTxDataHash(_originalCaller, assetId, transferData);
        emit BridgehubDepositInitiated(_chainId, txDataHash, _originalCaller, assetId, bridgeMintData);
        request = L2TransactionRequestTwoBridgesInner({
            magicValue: TWO_BRIDGES_MAGIC_VALUE,
            l2Contract: L2_ASSET_ROUTER_ADDR,
            l2Calldata: abi.encodeWithSignature(
                "finalizeDeposit(uint256,bytes32,bytes)",
                L1_CHAIN_ID,
                assetId,
                bridgeMintData
            ),
            factoryDeps: new bytes[](0),
            txDataHash: txDataHash
        });
    }

    /// @notice Records a deposit's canonical L2 transaction hash with the L1Nullifier. Bridgehub only.
    function bridgehubConfirmL2Transaction(
        uint256 _chainId,
        bytes32 _txDataHash,
        bytes32 _txHash
    ) external onlyBridgehub {
        IL1NullifierForRouter(L1_NULLIFIER).bridgehubConfirmL2TransactionForwarded(_chainId, _txDataHash, _txHash);
        emit BridgehubDepositFinalized(_chainId, _txDataHash, _txHash);
    }

    /// @notice Gives out a proven withdrawal from `_chainId` (the vault handles assets new to L1). L1Nullifier only.
    function finalizeDeposit(
        uint256 _chainId,
        bytes32 _assetId,
        bytes calldata _transferData
    ) external payable onlyNullifier {
        address handler = assetHandlerAddress(_assetId);
        // An asset L1 has never seen (a token native to a ZK chain) goes to the vault, which checks the asset id
        // against the origin in the transfer data and deploys the token's L1 copy.
        if (handler == address(0)) handler = nativeTokenVault;
        IL1AssetHandler(handler).bridgeMint(_chainId, _assetId, _transferData);
        emit DepositFinalizedAssetRouter(_chainId, _assetId, _transferData);
    }

    /// @notice Returns a proven failed deposit to its sender. L1Nullifier only.
    function bridgeRecoverFailedTransfer(
        uint256 _chainId,
        address _depositSender,
        bytes32 _assetId,
        bytes calldata _assetData
    ) external onlyNullifier {
        address handler = assetHandlerAddress(_assetId);
        if (handler == address(0)) revert AssetHandlerDoesNotExist(_assetId);
        IL1AssetHandler(handler).bridgeRecoverFailedTransfer(_chainId, _assetId, _depositSender, _assetData);
        emit ClaimedFailedDepositAssetRouter(_chainId, _assetId, _assetData);
    }

    /// @notice Finalizes a withdrawal sent by the L2AssetRouter (legacy entry point; see L1Nullifier.finalizeDeposit).
    function finalizeWithdrawal(
        uint256 _chainId,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes calldata _message,
        bytes32[] calldata _merkleProof
    ) external {
        IL1NullifierForRouter(L1_NULLIFIER).finalizeDeposit(
            FinalizeL1DepositParams({
                chainId: _chainId,
                l2BatchNumber: _l2BatchNumber,
                l2MessageIndex: _l2MessageIndex,
                l2Sender: L2_ASSET_ROUTER_ADDR,
                l2TxNumberInBatch: _l2TxNumberInBatch,
                message: _message,
                merkleProof: _merkleProof
            })
        );
    }

    /// @notice The hash a deposit is remembered by: keccak256(0x01 ‖ abi.encode(sender, assetId, transferData)).
    function encodeTxDataHash(
        address _originalCaller,
        bytes32 _assetId,
        bytes memory _transferData
    ) public pure returns (bytes32) {
        return keccak256(bytes.concat(NEW_ENCODING_VERSION, abi.encode(_originalCaller, _assetId, _transferData)));
    }
}
