// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {L1Bridgehub} from "./L1Bridgehub.sol";
import {
    AddressAlreadySet,
    DepositDoesNotExist,
    FinalizeL1DepositParams,
    IL1AssetRouterShared,
    InvalidProof,
    L2WithdrawalMessageWrongLength,
    NotAssetRouter,
    TX_STATUS_FAILURE,
    WithdrawalAlreadyFinalized,
    WrongL2Sender
} from "./L1BridgeTypes.sol";
import {IMessageVerification} from "../common/interfaces/ISystemContracts.sol";
import {L2Log, L2Message} from "../common/Messaging.sol";
import {L2_ASSET_ROUTER_ADDR, L2_BASE_TOKEN_ADDR, L2_BOOTLOADER_ADDRESS} from "../common/L2ContractAddresses.sol";
import {InvalidMessage, InvalidSelector, Unauthorized, ZeroAddress} from "../common/Errors.sol";

/// @title L1Nullifier: proves withdrawals and failed deposits against the L1MessageRoot and finalizes each once.
/// @dev A withdrawal is the L2AssetRouter's message `abi.encodePacked(finalizeDeposit.selector, srcChainId, assetId,
///      bridgeMintData)`; for a chain settling on Gateway the proof is the Gateway-batch variant (two levels ending
///      at Gateway's batch root stored on L1). A failed deposit is claimed with the proof of the bootloader's
///      status log (key = the deposit's canonical hash, value = 0).
contract L1Nullifier {
    /// @notice Chain id of L1 (this chain).
    uint256 public immutable L1_CHAIN_ID;

    /// @notice The bridgehub (its message root checks the proofs).
    L1Bridgehub public immutable BRIDGE_HUB;

    /// @notice The administrator that wires the router and vault once.
    address public immutable owner;

    /// @notice The L1AssetRouter.
    address public l1AssetRouter;

    /// @notice The L1NativeTokenVault.
    address public l1NativeTokenVault;

    /// @notice Whether a message (chain, batch, index) has been finalized.
    mapping(uint256 chainId => mapping(uint256 l2BatchNumber => mapping(uint256 l2ToL1MessageNumber => bool)))
        public isWithdrawalFinalized;

    /// @notice txDataHash of each token deposit, by chain and canonical L2 transaction hash (until claimed back).
    mapping(uint256 chainId => mapping(bytes32 l2DepositTxHash => bytes32 depositDataHash)) public depositHappened;

    uint256 internal transient _transientChainId;
    uint256 internal transient _transientSettlementLayer;
    uint256 internal transient _transientBatchNumber;

    /// @notice Emitted when a withdrawal message is finalized.
    event WithdrawalFinalizedSharedBridge(
        uint256 indexed chainId,
        uint256 indexed l2BatchNumber,
        uint256 indexed l2MessageIndex,
        bytes32 assetId
    );

    /// @notice Emitted when a failed deposit is claimed back.
    event ClaimedFailedDepositSharedBridge(
        uint256 indexed chainId,
        address indexed to,
        bytes32 indexed assetId,
        bytes32 l2DepositTxHash
    );

    /// @param _bridgehub The bridgehub.
    /// @param _owner May set the router and vault once.
    constructor(L1Bridgehub _bridgehub, address _owner) {
        if (address(_bridgehub) == address(0) || _owner == address(0)) revert ZeroAddress();
        L1_CHAIN_ID = block.chainid;
        BRIDGE_HUB = _bridgehub;
        owner = _owner;
    }

    /// @notice Sets the router and the vault. Owner only, once.
    function setAddresses(address _l1AssetRouter, address _l1NativeTokenVault) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        if (l1AssetRouter != address(0)) revert AddressAlreadySet(l1AssetRouter);
        if (_l1AssetRouter == address(0) || _l1NativeTokenVault == address(0)) revert ZeroAddress();
        l1AssetRouter = _l1AssetRouter;
        l1NativeTokenVault = _l1NativeTokenVault;
    }

    /// @notice Records a token deposit's canonical L2 hash and data hash. Asset router only.
    function bridgehubConfirmL2TransactionForwarded(uint256 _chainId, bytes32 _txDataHash, bytes32 _txHash) external {
        if (msg.sender != l1AssetRouter) revert NotAssetRouter(msg.sender);
        depositHappened[_chainId][_txHash] = _txDataHash;
    }

    /// @notice Finalizes a withdrawal from `chainId`: checks the message proof on L1, marks it finalized and has the
    ///         asset router give the asset out. Permissionless; a second finalization reverts
    ///         `WithdrawalAlreadyFinalized`.
    function finalizeDeposit(FinalizeL1DepositParams calldata _params) external {
        if (isWithdrawalFinalized[_params.chainId][_params.l2BatchNumber][_params.l2MessageIndex]) {
            revert WithdrawalAlreadyFinalized();
        }
        if (_params.l2Sender != L2_ASSET_ROUTER_ADDR && _params.l2Sender != L2_BASE_TOKEN_ADDR) {
            revert WrongL2Sender(_params.l2Sender);
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
        bytes32 assetId;
        bytes memory transferData;
        if (_params.l2Sender == L2_BASE_TOKEN_ADDR) {
            (assetId, transferData) = _parseBaseTokenWithdrawal(_params.chainId, _params.message);
        } else {
            (assetId, transferData) = _parseWithdrawalMessage(_params.chainId, _params.message);
        }
        isWithdrawalFinalized[_params.chainId][_params.l2BatchNumber][_params.l2MessageIndex] = true;
        _setTransientSettlementLayer(_params.chainId, _params.l2BatchNumber);
        IL1AssetRouterShared(l1AssetRouter).finalizeDeposit(_params.chainId, assetId, transferData);
        emit WithdrawalFinalizedSharedBridge(_params.chainId, _params.l2BatchNumber, _params.l2MessageIndex, assetId);
    }

    /// @notice Returns a failed token deposit to its sender, given the proof of the bootloader's failure log for
    ///         the deposit's canonical hash. Reverts `DepositDoesNotExist` if the data does not match a recorded
    ///         deposit (or it was already claimed), `InvalidProof` if the deposit did not fail.
    function bridgeRecoverFailedTransfer(
        uint256 _chainId,
        address _depositSender,
        bytes32 _assetId,
        bytes calldata _assetData,
        bytes32 _l2TxHash,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes32[] calldata _merkleProof
    ) external {
        bool proven = IMessageVerification(BRIDGE_HUB.messageRoot()).proveL2LogInclusionShared(
            _chainId,
            _l2BatchNumber,
            _l2MessageIndex,
            L2Log({
                l2ShardId: 0,
                isService: true,
                txNumberInBatch: _l2TxNumberInBatch,
                sender: L2_BOOTLOADER_ADDRESS,
                key: _l2TxHash,
                value: TX_STATUS_FAILURE
            }),
            _merkleProof
        );
        if (!proven) revert InvalidProof();
        bytes32 recorded = depositHappened[_chainId][_l2TxHash];
        bytes32 expected = keccak256(bytes.concat(bytes1(0x01), abi.encode(_depositSender, _assetId, _assetData)));
        if (recorded == bytes32(0) || recorded != expected) revert DepositDoesNotExist();
        delete depositHappened[_chainId][_l2TxHash];
        _setTransientSettlementLayer(_chainId, _l2BatchNumber);
        IL1AssetRouterShared(l1AssetRouter).bridgeRecoverFailedTransfer(_chainId, _depositSender, _assetId, _assetData);
        emit ClaimedFailedDepositSharedBridge(_chainId, _depositSender, _assetId, _l2TxHash);
    }

    /// @notice The batch being finalized and the settlement layer that executed it (0: L1 itself), for the
    ///         L1AssetTracker to debit the right balance; `chainId` 0 outside a finalization.
    function getTransientSettlementLayer()
        external
        view
        returns (uint256 chainId, uint256 settlementLayer, uint256 l2BatchNumber)
    {
        return (_transientChainId, _transientSettlementLayer, _transientBatchNumber);
    }

    function _setTransientSettlementLayer(uint256 _chainId, uint256 _batchNumber) internal {
        _transientChainId = _chainId;
        _transientSettlementLayer = BRIDGE_HUB.settlementLayerOfBatch(_chainId, _batchNumber);
        _transientBatchNumber = _batchNumber;
    }

    /// @dev A base-token withdrawal from L2BaseToken (0x800a): finalizeEthWithdrawal.selector ‖ address l1Receiver ‖
    ///      uint256 amount; given out as the chain's base-token asset.
    function _parseBaseTokenWithdrawal(
        uint256 _chainId,
        bytes calldata _message
    ) internal view returns (bytes32 assetId, bytes memory transferData) {
        if (_message.length != 56) revert L2WithdrawalMessageWrongLength(_message.length);
        bytes4 selector = bytes4(_message[:4]);
        if (selector != bytes4(keccak256("finalizeEthWithdrawal(uint256,uint256,uint16,bytes,bytes32[])"))) {
            revert InvalidSelector(selector);
        }
        address receiver = address(bytes20(_message[4:24]));
        uint256 amount = uint256(bytes32(_message[24:56]));
        assetId = BRIDGE_HUB.baseTokenAssetId(_chainId);
        transferData = abi.encode(address(0), receiver, BRIDGE_HUB.baseToken(_chainId), amount, bytes(""));
    }

    /// @dev finalizeDeposit.selector ‖ uint256 srcChainId ‖ bytes32 assetId ‖ transferData.
    function _parseWithdrawalMessage(
        uint256 _chainId,
        bytes calldata _message
    ) internal pure returns (bytes32 assetId, bytes memory transferData) {
        if (_message.length < 68) revert L2WithdrawalMessageWrongLength(_message.length);
        bytes4 selector = bytes4(_message[:4]);
        if (selector != bytes4(keccak256("finalizeDeposit(uint256,bytes32,bytes)"))) revert InvalidSelector(selector);
        if (uint256(bytes32(_message[4:36])) != _chainId) revert InvalidMessage();
        assetId = bytes32(_message[36:68]);
        transferData = _message[68:];
    }
}
