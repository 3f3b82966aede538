// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAssetHandler} from "./IBridge.sol";
import {IERC7786Attributes, IERC7786Recipient} from "../common/interfaces/IERC7786.sol";
import {IL2CrossChainSender} from "../common/interfaces/IL2CrossChainSender.sol";
import {IL1Messenger, IL2Bridgehub} from "../common/interfaces/ISystemContracts.sol";
import {InteroperableAddress} from "../common/InteroperableAddress.sol";
import {InteropCallStarter} from "../common/Messaging.sol";
import {DataEncoding, NEW_ENCODING_VERSION} from "./DataEncoding.sol";
import {
    L2_BRIDGEHUB_ADDR,
    L2_COMPLEX_UPGRADER_ADDR,
    L2_INTEROP_CENTER_ADDR,
    L2_INTEROP_HANDLER_ADDR,
    L2_NATIVE_TOKEN_VAULT_ADDR,
    L2_TO_L1_MESSENGER_ADDR
} from "../common/L2ContractAddresses.sol";
import {
    AssetIdAlreadyRegistered,
    AssetIdNotSupported,
    InvalidCaller,
    UnsupportedEncodingVersion
} from "./BridgeErrors.sol";
import {InvalidSelector, Unauthorized, ZeroChainId} from "../common/Errors.sol";

/// @dev Offset added to an L1 address when it sends an L1->L2 transaction.
uint160 constant L1_TO_L2_ALIAS_OFFSET = uint160(0x1111000000000000000000000000000000001111);

/// @title L2AssetRouter (0x10003): routes assets to their handlers for deposits, withdrawals and interop transfers.
/// @dev Interop: the InteropCenter calls `initiateIndirectCall` for a user's call carrying `indirectCall`; the router
///      burns through the asset's handler and returns the real call, `finalizeDeposit(thisChain, assetId, mintData)`
///      from this router to the router on the destination, where the InteropHandler delivers it via `receiveMessage`.
///      Deposits from L1 arrive as `finalizeDeposit` from the aliased L1AssetRouter; withdrawals leave through
///      `withdraw`, as `finalizeDeposit.selector ‖ chainId ‖ assetId ‖ mintData` sent to L1 from this address.
contract L2AssetRouter is IL2CrossChainSender, IERC7786Recipient {
    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;
    /// @notice This chain's base-token asset id.
    bytes32 public BASE_TOKEN_ASSET_ID;
    /// @notice The L1AssetRouter (its alias may call `finalizeDeposit` and `setAssetHandlerAddress`).
    address public L1_ASSET_ROUTER;

    /// @notice The handler of each asset on this chain.
    mapping(bytes32 assetId => address handler) public assetHandlerAddress;
    /// @notice Who registered each custom asset.
    mapping(bytes32 assetId => address deploymentTracker) public assetDeploymentTracker;

    event AssetHandlerRegistered(bytes32 indexed assetId, address indexed _assetHandlerAddress);
    event AssetDeploymentTrackerRegistered(
        bytes32 indexed assetId,
        bytes32 indexed additionalData,
        address assetDeploymentTracker
    );
    event DepositFinalizedAssetRouter(uint256 indexed chainId, bytes32 indexed assetId, bytes assetData);
    event WithdrawalInitiatedAssetRouter(
        uint256 chainId,
        address indexed l2Sender,
        bytes32 indexed assetId,
        bytes assetData
    );
    event BridgehubDepositBaseTokenInitiated(
        uint256 indexed chainId,
        address indexed from,
        bytes32 assetId,
        uint256 amount
    );
    /// @notice Emitted for every interop transfer started through `initiateIndirectCall`.
    event BridgehubDepositInitiated(
        uint256 indexed chainId,
        bytes32 indexed txDataHash,
        address indexed from,
        bytes32 assetId,
        bytes bridgeMintCalldata
    );

    modifier onlyUpgrader() {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyInteropCenter() {
        if (msg.sender != L2_INTEROP_CENTER_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    /// @dev The router itself (an interop transfer delivered through `receiveMessage`) or, for L1, the aliased
    ///      L1AssetRouter.
    modifier onlyAssetRouterCounterpartOrSelf(uint256 _originChainId) {
        if (msg.sender != address(this)) {
            if (_originChainId != L1_CHAIN_ID || msg.sender != _aliasedL1AssetRouter()) revert InvalidCaller(msg.sender);
        }
        _;
    }

    /// @notice Initialises the router. ComplexUpgrader only, once.
    /// @param _l1ChainId Chain id of L1.
    /// @param _l1AssetRouter The L1AssetRouter (zero until L1 is set up; see `setL1AssetRouter`).
    /// @param _baseTokenAssetId This chain's base-token asset id.
    function initL2(uint256 _l1ChainId, address _l1AssetRouter, bytes32 _baseTokenAssetId) external onlyUpgrader {
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        L1_CHAIN_ID = _l1ChainId;
        L1_ASSET_ROUTER = _l1AssetRouter;
        BASE_TOKEN_ASSET_ID = _baseTokenAssetId;
    }

    /// @notice Sets the L1AssetRouter once it is deployed. ComplexUpgrader only, once.
    function setL1AssetRouter(address _l1AssetRouter) external onlyUpgrader {
        require(L1_ASSET_ROUTER == address(0), "L1 asset router already set");
        L1_ASSET_ROUTER = _l1AssetRouter;
    }

    /*//////////////////////////////////////////////////////////////
                            Asset handlers
    //////////////////////////////////////////////////////////////*/

    /// @notice Names the handler of the asset `keccak256(abi.encode(block.chainid, msg.sender, data))`; the vault
    ///         registers its tokens this way, and any contract may register its own assets.
    /// @param _assetRegistrationData Asset data (the token address for vault tokens).
    /// @param _assetHandlerAddress The handler.
    function setAssetHandlerAddressThisChain(bytes32 _assetRegistrationData, address _assetHandlerAddress) external {
        bytes32 newAssetId = DataEncoding.encodeAssetId(block.chainid, _assetRegistrationData, msg.sender);
        _setAssetHandler(newAssetId, _assetHandlerAddress);
        assetDeploymentTracker[newAssetId] = msg.sender;
        emit AssetDeploymentTrackerRegistered(newAssetId, _assetRegistrationData, msg.sender);
    }

    /// @notice Names the handler of an asset that originates on L1. The aliased L1AssetRouter only.
    function setAssetHandlerAddress(
        uint256 _originChainId,
        bytes32 _assetId,
        address _assetHandlerAddress
    ) external onlyAssetRouterCounterpartOrSelf(_originChainId) {
        _setAssetHandler(_assetId, _assetHandlerAddress);
    }

    /// @notice Devnet extension (not in v31, where L1 registers remote handlers): names this chain's handler of a
    ///         custom asset registered on `_originChainId` by a contract at the same address as the caller,
    ///         i.e. `keccak256(abi.encode(_originChainId, msg.sender, data))`. Once per asset.
    function setAssetHandlerAddressForOriginChain(
        uint256 _originChainId,
        bytes32 _assetRegistrationData,
        address _assetHandlerAddress
    ) external {
        bytes32 remoteAssetId = DataEncoding.encodeAssetId(_originChainId, _assetRegistrationData, msg.sender);
        if (assetHandlerAddress[remoteAssetId] != address(0)) revert AssetIdAlreadyRegistered();
        _setAssetHandler(remoteAssetId, _assetHandlerAddress);
        assetDeploymentTracker[remoteAssetId] = msg.sender;
        emit AssetDeploymentTrackerRegistered(remoteAssetId, _assetRegistrationData, msg.sender);
    }

    function _setAssetHandler(bytes32 _assetId, address _handler) internal {
        assetHandlerAddress[_assetId] = _handler;
        emit AssetHandlerRegistered(_assetId, _handler);
    }

    /// @dev The asset's handler; assets without one are vault assets.
    function _handlerOf(bytes32 _assetId) internal view returns (address handler) {
        handler = assetHandlerAddress[_assetId];
        if (handler == address(0)) handler = L2_NATIVE_TOKEN_VAULT_ADDR;
    }

    /*//////////////////////////////////////////////////////////////
                            Interop: source side
    //////////////////////////////////////////////////////////////*/

    /// @notice Turns a user's indirect call into the interop call that moves the asset. InteropCenter only.
    /// @param _chainId Destination chain.
    /// @param _originalCaller The user.
    /// @param _value The call's interopCallValue (must be zero for vault assets).
    /// @param _data 0x01 ‖ abi.encode(bytes32 assetId, bytes transferData).
    /// @return The call: `finalizeDeposit(block.chainid, assetId, mintData)` to this router on the destination.
    function initiateIndirectCall(
        uint256 _chainId,
        address _originalCaller,
        uint256 _value,
        bytes calldata _data
    ) external payable onlyInteropCenter returns (InteropCallStarter memory) {
        if (_data.length == 0 || _data[0] != NEW_ENCODING_VERSION) revert UnsupportedEncodingVersion();
        (bytes32 transferAssetId, bytes memory transferData) = abi.decode(_data[1:], (bytes32, bytes));
        if (transferAssetId == IL2Bridgehub(L2_BRIDGEHUB_ADDR).baseTokenAssetId(_chainId)) {
            revert AssetIdNotSupported(transferAssetId);
        }
        bytes memory mintData = IAssetHandler(_handlerOf(transferAssetId)).bridgeBurn{value: msg.value}(
            _chainId,
            _value,
            transferAssetId,
            _originalCaller,
            transferData
        );
        bytes memory payload = abi.encodeCall(this.finalizeDeposit, (block.chainid, transferAssetId, mintData));
        emit BridgehubDepositInitiated(_chainId, keccak256(payload), _originalCaller, transferAssetId, mintData);

        bytes[] memory attributes = new bytes[](1);
        attributes[0] = abi.encodeCall(IERC7786Attributes.interopCallValue, (_value));
        return
            InteropCallStarter({
                to: InteroperableAddress.formatEvmV1(address(this)),
                data: payload,
                callAttributes: attributes
            });
    }

    /// @notice Burns `_amount` of the destination's base token (the user's bridged copy) for the interop call values
    ///         of a bundle to a chain with another base token. InteropCenter only.
    function bridgehubDepositBaseToken(
        uint256 _chainId,
        bytes32 _assetId,
        address _originalCaller,
        uint256 _amount
    ) external payable onlyInteropCenter {
        // slither-disable-next-line unused-return
        IAssetHandler(_handlerOf(_assetId)).bridgeBurn{value: msg.value}(
            _chainId,
            0,
            _assetId,
            _originalCaller,
            abi.encode(_amount, address(0), address(0))
        );
        emit BridgehubDepositBaseTokenInitiated(_chainId, _originalCaller, _assetId, _amount);
    }

    /*//////////////////////////////////////////////////////////////
                            Interop: destination side
    //////////////////////////////////////////////////////////////*/

    /// @notice ERC-7786 entry point: a `finalizeDeposit` sent by the asset router of another L2. InteropHandler only.
    /// @param sender ERC-7930 address of the sender (must be this router on a chain other than L1).
    /// @param payload abi.encodeCall(finalizeDeposit, ...).
    /// @return This function's selector.
    function receiveMessage(
        bytes32,
        bytes calldata sender,
        bytes calldata payload
    ) external payable returns (bytes4) {
        if (msg.sender != L2_INTEROP_HANDLER_ADDR) revert Unauthorized(msg.sender);
        (uint256 senderChainId, address senderAddress) = InteroperableAddress.parseEvmV1Calldata(sender);
        if (senderChainId == L1_CHAIN_ID || senderAddress != address(this)) revert InvalidCaller(senderAddress);
        bytes4 selector = payload.length >= 4 ? bytes4(payload[:4]) : bytes4(0);
        if (selector != this.finalizeDeposit.selector) revert InvalidSelector(selector);
        (bool success, bytes memory result) = address(this).call{value: msg.value}(payload);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        return this.receiveMessage.selector;
    }

    /// @notice Gives out an asset that left `_originChainId` (the chain it was sent from, not the token's origin).
    /// @dev Callable by this router (interop) or the aliased L1AssetRouter (deposits from L1).
    /// @param _originChainId The sending chain.
    /// @param _assetId The asset.
    /// @param _transferData The bridge mint data.
    function finalizeDeposit(
        uint256 _originChainId,
        bytes32 _assetId,
        bytes calldata _transferData
    ) public payable onlyAssetRouterCounterpartOrSelf(_originChainId) {
        if (_assetId == BASE_TOKEN_ASSET_ID) revert AssetIdNotSupported(_assetId);
        IAssetHandler(_handlerOf(_assetId)).bridgeMint{value: msg.value}(_originChainId, _assetId, _transferData);
        emit DepositFinalizedAssetRouter(_originChainId, _assetId, _transferData);
    }

    /*//////////////////////////////////////////////////////////////
                            Withdrawals to L1
    //////////////////////////////////////////////////////////////*/

    /// @notice Withdraws an asset to L1: burns or locks it and sends
    ///         `finalizeDeposit.selector ‖ uint256 chainId ‖ bytes32 assetId ‖ mintData` to L1 from this router.
    /// @param _assetId The asset.
    /// @param _assetData Burn data: abi.encode(uint256 amount, address l1Receiver, address maybeToken).
    /// @return The L2->L1 message hash.
    function withdraw(bytes32 _assetId, bytes calldata _assetData) public returns (bytes32) {
        return _withdrawSender(_assetId, _assetData, msg.sender);
    }

    /// @notice Legacy withdrawal of a token bridged from L1: `withdraw(assetId(L1, l1Token), (amount, receiver, 0))`.
    function withdraw(address _l1Receiver, address _l2Token, uint256 _amount) external returns (bytes32) {
        (bool ok, bytes memory result) = L2_NATIVE_TOKEN_VAULT_ADDR.staticcall(
            abi.encodeWithSignature("assetId(address)", _l2Token)
        );
        bytes32 tokenAssetId = ok && result.length == 32 ? abi.decode(result, (bytes32)) : bytes32(0);
        if (tokenAssetId == bytes32(0)) revert AssetIdNotSupported(tokenAssetId);
        return _withdrawSender(tokenAssetId, abi.encode(_amount, _l1Receiver, address(0)), msg.sender);
    }

    function _withdrawSender(bytes32 _assetId, bytes memory _assetData, address _sender) internal returns (bytes32) {
        if (_assetId == BASE_TOKEN_ASSET_ID) revert AssetIdNotSupported(_assetId);
        bytes memory mintData = IAssetHandler(_handlerOf(_assetId)).bridgeBurn(
            L1_CHAIN_ID,
            0,
            _assetId,
            _sender,
            _assetData
        );
        bytes memory message = abi.encodePacked(this.finalizeDeposit.selector, block.chainid, _assetId, mintData);
        bytes32 hash = IL1Messenger(L2_TO_L1_MESSENGER_ADDR).sendToL1(message);
        emit WithdrawalInitiatedAssetRouter(L1_CHAIN_ID, _sender, _assetId, _assetData);
        return hash;
    }

    function _aliasedL1AssetRouter() internal view returns (address) {
        unchecked {
            return address(uint160(L1_ASSET_ROUTER) + L1_TO_L2_ALIAS_OFFSET);
        }
    }
}
