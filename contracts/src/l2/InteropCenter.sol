// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC7786Attributes, IERC7786GatewaySource} from "../common/interfaces/IERC7786.sol";
import {IL2CrossChainSender} from "../common/interfaces/IL2CrossChainSender.sol";
import {BalanceChange} from "../common/interfaces/IAssetTrackerDataEncoding.sol";
import {
    IBaseTokenHolder,
    IGWAssetTracker,
    IL1Messenger,
    IL2AssetRouterBaseTokenDeposit,
    IL2Bridgehub,
    IL2NativeTokenVaultTokenLookup,
    ISystemContext
} from "../common/interfaces/ISystemContracts.sol";
import {AttributesDecoder} from "../common/AttributesDecoder.sol";
import {InteroperableAddress} from "../common/InteroperableAddress.sol";
import {ReentrancyLock} from "../common/ReentrancyLock.sol";
import {SystemOwnable} from "../common/SystemOwnable.sol";
import {
    BUNDLE_IDENTIFIER,
    BundleAttributes,
    CallAttributes,
    INTEROP_BUNDLE_VERSION,
    INTEROP_CALL_VERSION,
    InteropBundle,
    InteropCall,
    InteropCallStarter,
    InteropCallStarterInternal,
    SUPPORTED_INTEROP_ATTRIBUTES
} from "../common/Messaging.sol";
import {
    GW_ASSET_TRACKER_ADDR,
    L2_ASSET_ROUTER_ADDR,
    L2_BASE_TOKEN_HOLDER_ADDR,
    L2_BOOTLOADER_ADDRESS,
    L2_BRIDGEHUB_ADDR,
    L2_COMPLEX_UPGRADER_ADDR,
    L2_NATIVE_TOKEN_VAULT_ADDR,
    L2_SYSTEM_CONTEXT_ADDR,
    L2_TO_L1_MESSENGER_ADDR,
    SETTLEMENT_LAYER_RELAY_SENDER
} from "../common/L2ContractAddresses.sol";
import {
    AttributeAlreadySet,
    AttributeViolatesRestriction,
    DestinationChainNotRegistered,
    FeeWithdrawalFailed,
    IndirectCallValueMismatch,
    InteroperableAddressChainReferenceNotEmpty,
    InteroperableAddressNotEmpty,
    MsgValueMismatch,
    NotInGatewayMode,
    NotL2ToL2,
    Unauthorized,
    ZKTokenNotAvailable,
    ZeroAddress,
    ZeroChainId
} from "../common/Errors.sol";

/// @dev Default fixed fee per interop call when `useFixedFee` is set: 10 ZK.
uint256 constant DEFAULT_ZK_INTEROP_FEE = 10e18;

/// @notice The L2AssetRouter is not deployed on this chain yet (asset task).
error AssetRouterNotDeployed();

/// @notice A ZK token transfer failed.
error ZKTokenTransferFailed();

/// @title InteropCenter (0x1000d): the sending side of ZKsync interop.
/// @dev Builds an `InteropBundle` from call starters, charges value and fees, and sends
///      `BUNDLE_IDENTIFIER ‖ abi.encode(bundle)` to L1 through the L1Messenger. Only works while this chain settles
///      on Gateway, and only to chains registered in the L2Bridgehub.
contract InteropCenter is IERC7786GatewaySource, SystemOwnable, ReentrancyLock {
    /// @notice Which attributes a list may hold.
    enum AttributeParsingRestrictions {
        OnlyInteropCallValue,
        OnlyCallAttributes,
        OnlyBundleAttributes,
        CallAndBundleAttributes
    }

    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;

    /// @notice Number of bundles each sender has sent; mixed into the bundle salt.
    mapping(address sender => uint256 numberOfBundlesSent) public interopBundleNonce;

    /// @notice Base-token fee per call (when `useFixedFee` is false), set by the bootloader.
    uint256 public interopProtocolFee;

    /// @notice ZK fee per call when `useFixedFee` is true.
    uint256 public ZK_INTEROP_FEE;

    /// @notice Asset id of the ZK token.
    bytes32 public ZK_TOKEN_ASSET_ID;

    /// @notice Base-token fees per block producer, claimable with `claimProtocolFees`.
    mapping(address coinbase => uint256 amount) public accumulatedProtocolFees;

    /// @notice ZK fees per block producer, claimable with `claimZKFees`.
    mapping(address coinbase => uint256 amount) public accumulatedZKFees;

    address internal _zkToken;

    event InteropBundleSent(bytes32 l2l1MsgHash, bytes32 interopBundleHash, InteropBundle interopBundle);
    event InteropFeeUpdated(uint256 indexed oldFee, uint256 indexed newFee);
    event ProtocolFeesAccumulated(address indexed coinbase, uint256 amount);
    event FixedZKFeesAccumulated(address indexed payer, address indexed coinbase, uint256 amount);
    event ProtocolFeesClaimed(address indexed coinbase, address indexed receiver, uint256 amount);
    event ZKFeesClaimed(address indexed coinbase, address indexed receiver, uint256 amount);

    /// @dev Running totals of one send.
    struct SendTotals {
        uint256 burnedCallsValue;
        uint256 indirectCallsValue;
    }

    /// @notice Initialises the center. ComplexUpgrader only, once.
    /// @param _l1ChainId Chain id of L1.
    /// @param _owner Owner (may pause).
    /// @param _zkTokenAssetId Asset id of the ZK token (resolved lazily through the NativeTokenVault).
    function initL2(uint256 _l1ChainId, address _owner, bytes32 _zkTokenAssetId) external {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        if (_owner == address(0)) revert ZeroAddress();
        if (_zkTokenAssetId == bytes32(0)) revert ZKTokenNotAvailable();
        L1_CHAIN_ID = _l1ChainId;
        ZK_TOKEN_ASSET_ID = _zkTokenAssetId;
        ZK_INTEROP_FEE = DEFAULT_ZK_INTEROP_FEE;
        _transferOwnership(_owner);
    }

    /*//////////////////////////////////////////////////////////////
                            Sending
    //////////////////////////////////////////////////////////////*/

    /// @notice ERC-7786: sends one message, as a bundle with a single call.
    /// @param recipient ERC-7930 address of the recipient, including its chain.
    /// @param payload Payload delivered to `receiveMessage`.
    /// @param attributes Call and bundle attributes.
    /// @return sendId keccak256(bundleHash ‖ uint256(0)).
    function sendMessage(
        bytes calldata recipient,
        bytes calldata payload,
        bytes[] calldata attributes
    ) external payable whenNotPaused nonReentrant returns (bytes32 sendId) {
        (uint256 recipientChainId, address recipientAddress) = InteroperableAddress.parseEvmV1Calldata(recipient);
        _ensureL2ToL2(recipientChainId);
        (CallAttributes memory callAttributes, BundleAttributes memory bundleAttributes) = parseAttributes(
            attributes,
            AttributeParsingRestrictions.CallAndBundleAttributes
        );
        _defaultUnbundler(bundleAttributes);

        InteropCallStarterInternal[] memory starters = new InteropCallStarterInternal[](1);
        starters[0] = InteropCallStarterInternal({to: recipientAddress, data: payload, callAttributes: callAttributes});
        bytes[][] memory originalAttributes = new bytes[][](1);
        originalAttributes[0] = attributes;

        bytes32 bundleHash = _sendBundle(recipientChainId, starters, bundleAttributes, originalAttributes);
        sendId = keccak256(abi.encodePacked(bundleHash, uint256(0)));
    }

    /// @notice Sends a bundle of calls to one destination chain.
    /// @param _destinationChainId ERC-7930 address of the destination chain, with an empty address.
    /// @param _callStarters The calls; each `to` is an ERC-7930 address with an empty chain reference.
    /// @param _bundleAttributes Bundle attributes.
    /// @return bundleHash keccak256(abi.encode(block.chainid, abi.encode(bundle))).
    function sendBundle(
        bytes calldata _destinationChainId,
        InteropCallStarter[] calldata _callStarters,
        bytes[] calldata _bundleAttributes
    ) external payable whenNotPaused nonReentrant returns (bytes32 bundleHash) {
        if (InteroperableAddress.addressLength(_destinationChainId) != 0) {
            revert InteroperableAddressNotEmpty(_destinationChainId);
        }
        (uint256 destinationChainId, ) = InteroperableAddress.parseEvmV1Calldata(_destinationChainId);
        _ensureL2ToL2(destinationChainId);

        uint256 callsLength = _callStarters.length;
        InteropCallStarterInternal[] memory starters = new InteropCallStarterInternal[](callsLength);
        bytes[][] memory originalAttributes = new bytes[][](callsLength);
        for (uint256 i; i < callsLength; ++i) {
            bytes calldata to = _callStarters[i].to;
            if (InteroperableAddress.chainReferenceLength(to) != 0) {
                revert InteroperableAddressChainReferenceNotEmpty(to);
            }
            (, address recipientAddress) = InteroperableAddress.parseEvmV1Calldata(to);
            (CallAttributes memory callAttributes, ) = parseAttributes(
                _callStarters[i].callAttributes,
                AttributeParsingRestrictions.OnlyCallAttributes
            );
            starters[i] = InteropCallStarterInternal({
                to: recipientAddress,
                data: _callStarters[i].data,
                callAttributes: callAttributes
            });
            originalAttributes[i] = _callStarters[i].callAttributes;
        }
        (, BundleAttributes memory bundleAttributes) = parseAttributes(
            _bundleAttributes,
            AttributeParsingRestrictions.OnlyBundleAttributes
        );
        _defaultUnbundler(bundleAttributes);

        bundleHash = _sendBundle(destinationChainId, starters, bundleAttributes, originalAttributes);
    }

    /// @dev An unset unbundler becomes the sender on this (the source) chain.
    function _defaultUnbundler(BundleAttributes memory _bundleAttributes) internal view {
        if (_bundleAttributes.unbundlerAddress.length == 0) {
            _bundleAttributes.unbundlerAddress = InteroperableAddress.formatEvmV1(block.chainid, msg.sender);
        }
    }

    function _ensureL2ToL2(uint256 _destinationChainId) internal view {
        if (L1_CHAIN_ID == block.chainid || _destinationChainId == L1_CHAIN_ID) {
            revert NotL2ToL2(block.chainid, _destinationChainId);
        }
    }

    function _sendBundle(
        uint256 _destinationChainId,
        InteropCallStarterInternal[] memory _starters,
        BundleAttributes memory _bundleAttributes,
        bytes[][] memory _originalAttributes
    ) internal returns (bytes32 bundleHash) {
        uint256 settlementLayer = ISystemContext(L2_SYSTEM_CONTEXT_ADDR).currentSettlementLayerChainId();
        if (settlementLayer == L1_CHAIN_ID || settlementLayer == 0) revert NotInGatewayMode();

        bytes32 destinationBaseTokenAssetId = IL2Bridgehub(L2_BRIDGEHUB_ADDR).baseTokenAssetId(_destinationChainId);
        if (destinationBaseTokenAssetId == bytes32(0)) revert DestinationChainNotRegistered(_destinationChainId);

        uint256 nonce = interopBundleNonce[msg.sender]++;
        uint256 callsLength = _starters.length;
        InteropBundle memory bundle = InteropBundle({
            version: INTEROP_BUNDLE_VERSION,
            sourceChainId: block.chainid,
            destinationChainId: _destinationChainId,
            destinationBaseTokenAssetId: destinationBaseTokenAssetId,
            interopBundleSalt: keccak256(abi.encodePacked(msg.sender, nonce)),
            calls: new InteropCall[](callsLength),
            bundleAttributes: _bundleAttributes
        });

        SendTotals memory totals;
        for (uint256 i; i < callsLength; ++i) {
            bundle.calls[i] = _processCallStarter(_starters[i], _destinationChainId);
            totals.burnedCallsValue += _starters[i].callAttributes.interopCallValue;
            if (_starters[i].callAttributes.indirectCall) {
                totals.indirectCallsValue += _starters[i].callAttributes.indirectCallMessageValue;
            }
        }

        if (_bundleAttributes.useFixedFee) _collectFixedZKFee(callsLength);
        _collectValue(bundle, totals, callsLength);

        bytes memory bundleBytes = abi.encode(bundle);
        bytes32 msgHash = IL1Messenger(L2_TO_L1_MESSENGER_ADDR).sendToL1(bytes.concat(BUNDLE_IDENTIFIER, bundleBytes));
        bundleHash = keccak256(abi.encode(block.chainid, bundleBytes));

        _emitMessageSent(bundle, bundleHash, _starters, _originalAttributes);
        emit InteropBundleSent(msgHash, bundleHash, bundle);
    }

    /// @dev ERC-7786 `MessageSent`, one per call, with the payload, value and attributes the user gave.
    function _emitMessageSent(
        InteropBundle memory _bundle,
        bytes32 _bundleHash,
        InteropCallStarterInternal[] memory _starters,
        bytes[][] memory _originalAttributes
    ) internal {
        uint256 callsLength = _starters.length;
        for (uint256 i; i < callsLength; ++i) {
            InteropCall memory interopCall = _bundle.calls[i];
            emit MessageSent({
                sendId: keccak256(abi.encodePacked(_bundleHash, i)),
                sender: InteroperableAddress.formatEvmV1(block.chainid, interopCall.from),
                recipient: InteroperableAddress.formatEvmV1(_bundle.destinationChainId, interopCall.to),
                payload: _starters[i].data,
                value: _starters[i].callAttributes.interopCallValue,
                attributes: _originalAttributes[i]
            });
        }
    }

    /// @dev Turns a call starter into the bundle's call; indirect calls are rewritten by their target.
    function _processCallStarter(
        InteropCallStarterInternal memory _starter,
        uint256 _destinationChainId
    ) internal returns (InteropCall memory) {
        CallAttributes memory attributes = _starter.callAttributes;
        if (!attributes.indirectCall) {
            return
                InteropCall({
                    version: INTEROP_CALL_VERSION,
                    shadowAccount: false,
                    to: _starter.to,
                    from: msg.sender,
                    value: attributes.interopCallValue,
                    data: _starter.data
                });
        }
        InteropCallStarter memory actual = IL2CrossChainSender(_starter.to).initiateIndirectCall{
            value: attributes.indirectCallMessageValue
        }(_destinationChainId, msg.sender, attributes.interopCallValue, _starter.data);
        (CallAttributes memory returned, ) = this.parseAttributes(
            actual.callAttributes,
            AttributeParsingRestrictions.OnlyInteropCallValue
        );
        if (returned.interopCallValue != attributes.interopCallValue) {
            revert IndirectCallValueMismatch(attributes.interopCallValue, returned.interopCallValue);
        }
        (, address actualRecipient) = InteroperableAddress.parseEvmV1(actual.to);
        return
            InteropCall({
                version: INTEROP_CALL_VERSION,
                shadowAccount: false,
                to: actualRecipient,
                from: _starter.to,
                value: attributes.interopCallValue,
                data: actual.data
            });
    }

    /// @dev Checks `msg.value` against the call values and the protocol fee, burns the values and books the fee.
    function _collectValue(InteropBundle memory _bundle, SendTotals memory _totals, uint256 _callCount) internal {
        uint256 protocolFee = _bundle.bundleAttributes.useFixedFee ? 0 : interopProtocolFee * _callCount;
        uint256 destinationChainId = _bundle.destinationChainId;
        if (_bundle.destinationBaseTokenAssetId == _baseTokenAssetId()) {
            uint256 expected = _totals.burnedCallsValue + _totals.indirectCallsValue + protocolFee;
            if (msg.value != expected) revert MsgValueMismatch(expected, msg.value);
            if (_totals.burnedCallsValue > 0) {
                IBaseTokenHolder(L2_BASE_TOKEN_HOLDER_ADDR).burnAndStartBridging{value: _totals.burnedCallsValue}(
                    destinationChainId
                );
            }
        } else {
            uint256 expected = _totals.indirectCallsValue + protocolFee;
            if (msg.value != expected) revert MsgValueMismatch(expected, msg.value);
            if (_totals.burnedCallsValue > 0) {
                // ASSET-ROUTER HOOK: burns the sender's bridged copy of the destination's base token.
                if (L2_ASSET_ROUTER_ADDR.code.length == 0) revert AssetRouterNotDeployed();
                IL2AssetRouterBaseTokenDeposit(L2_ASSET_ROUTER_ADDR).bridgehubDepositBaseToken(
                    destinationChainId,
                    _bundle.destinationBaseTokenAssetId,
                    msg.sender,
                    _totals.burnedCallsValue
                );
            }
        }
        if (protocolFee > 0) {
            accumulatedProtocolFees[block.coinbase] += protocolFee;
            emit ProtocolFeesAccumulated(block.coinbase, protocolFee);
        }
    }

    function _collectFixedZKFee(uint256 _callCount) internal {
        uint256 totalZKFee = ZK_INTEROP_FEE * _callCount;
        address token = _getZKToken();
        _callToken(token, abi.encodeWithSelector(0x23b872dd, msg.sender, address(this), totalZKFee));
        accumulatedZKFees[block.coinbase] += totalZKFee;
        emit FixedZKFeesAccumulated(msg.sender, block.coinbase, totalZKFee);
    }

    /*//////////////////////////////////////////////////////////////
                            Attributes
    //////////////////////////////////////////////////////////////*/

    /// @notice Parses ERC-7786 attributes. Each may appear once and only at its level.
    /// @param _attributes The attributes.
    /// @param _restriction Which attributes are allowed.
    /// @return callAttributes The call attributes found.
    /// @return bundleAttributes The bundle attributes found.
    function parseAttributes(
        bytes[] calldata _attributes,
        AttributeParsingRestrictions _restriction
    ) public pure returns (CallAttributes memory callAttributes, BundleAttributes memory bundleAttributes) {
        bool callLevel = _restriction != AttributeParsingRestrictions.OnlyBundleAttributes;
        bool bundleLevel = _restriction == AttributeParsingRestrictions.OnlyBundleAttributes ||
            _restriction == AttributeParsingRestrictions.CallAndBundleAttributes;
        bool[SUPPORTED_INTEROP_ATTRIBUTES] memory used;
        uint256 length = _attributes.length;
        for (uint256 i; i < length; ++i) {
            bytes calldata attribute = _attributes[i];
            bytes4 selector = bytes4(attribute);
            uint256 slot;
            bool allowed;
            if (selector == IERC7786Attributes.interopCallValue.selector) {
                (slot, allowed) = (0, callLevel);
            } else if (selector == IERC7786Attributes.indirectCall.selector) {
                (slot, allowed) = (1, callLevel && _restriction != AttributeParsingRestrictions.OnlyInteropCallValue);
            } else if (selector == IERC7786Attributes.executionAddress.selector) {
                (slot, allowed) = (2, bundleLevel);
            } else if (selector == IERC7786Attributes.unbundlerAddress.selector) {
                (slot, allowed) = (3, bundleLevel);
            } else if (selector == IERC7786Attributes.useFixedFee.selector) {
                (slot, allowed) = (4, bundleLevel);
            } else {
                revert UnsupportedAttribute(selector);
            }
            if (used[slot]) revert AttributeAlreadySet(selector);
            if (!allowed) revert AttributeViolatesRestriction(selector, uint256(_restriction));
            used[slot] = true;

            if (slot == 0) {
                callAttributes.interopCallValue = AttributesDecoder.decodeUint256(attribute);
            } else if (slot == 1) {
                callAttributes.indirectCall = true;
                callAttributes.indirectCallMessageValue = AttributesDecoder.decodeUint256(attribute);
            } else if (slot == 2) {
                bundleAttributes.executionAddress = _decodeOptionalAddress(attribute);
            } else if (slot == 3) {
                bundleAttributes.unbundlerAddress = _decodeOptionalAddress(attribute);
            } else {
                bundleAttributes.useFixedFee = AttributesDecoder.decodeBool(attribute);
            }
        }
    }

    /// @dev Decodes an ERC-7930 attribute argument, rejecting a non-empty value that does not parse.
    function _decodeOptionalAddress(bytes calldata _attribute) internal pure returns (bytes memory addr) {
        addr = AttributesDecoder.decodeInteroperableAddress(_attribute);
        if (addr.length != 0) InteroperableAddress.parseEvmV1(addr);
    }

    /// @notice ERC-7786: whether an attribute is supported.
    function supportsAttribute(bytes4 _attributeSelector) external pure returns (bool) {
        return
            _attributeSelector == IERC7786Attributes.interopCallValue.selector ||
            _attributeSelector == IERC7786Attributes.indirectCall.selector ||
            _attributeSelector == IERC7786Attributes.executionAddress.selector ||
            _attributeSelector == IERC7786Attributes.unbundlerAddress.selector ||
            _attributeSelector == IERC7786Attributes.useFixedFee.selector;
    }

    /*//////////////////////////////////////////////////////////////
                    Deposits relayed through Gateway
    //////////////////////////////////////////////////////////////*/

    /// @notice On Gateway: a deposit from L1 to `_chainId` (a chain settling here) is relayed by L1 with the balance it
    ///         moves, which Gateway's asset tracker credits to the chain before the chain may spend it. Callable only
    ///         by the L1 relay sender of the Gateway's priority transactions.
    /// @dev In v31 the transaction is then appended to the chain's priority queue on Gateway; the devnet executes the
    ///      deposit on the chain from the L1 request itself, so only the balance change is kept here.
    function forwardTransactionOnGatewayWithBalanceChange(
        uint256 _chainId,
        bytes32 _canonicalTxHash,
        uint64 _expirationTimestamp,
        BalanceChange calldata _balanceChange
    ) external {
        if (msg.sender != SETTLEMENT_LAYER_RELAY_SENDER) revert Unauthorized(msg.sender);
        _expirationTimestamp;
        IGWAssetTracker(GW_ASSET_TRACKER_ADDR).handleChainBalanceIncreaseOnGateway(
            _chainId,
            _canonicalTxHash,
            _balanceChange
        );
    }

    /*//////////////////////////////////////////////////////////////
                            Fees
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the base-token fee per call. Bootloader only.
    /// @param _fee The new fee, in base-token wei.
    function setInteropFee(uint256 _fee) external {
        if (msg.sender != L2_BOOTLOADER_ADDRESS) revert Unauthorized(msg.sender);
        uint256 oldFee = interopProtocolFee;
        interopProtocolFee = _fee;
        emit InteropFeeUpdated(oldFee, _fee);
    }

    /// @notice Sends the caller's accumulated base-token fees to `_receiver`.
    function claimProtocolFees(address _receiver) external nonReentrant {
        uint256 amount = accumulatedProtocolFees[msg.sender];
        if (amount == 0) return;
        accumulatedProtocolFees[msg.sender] = 0;
        (bool success, ) = _receiver.call{value: amount}("");
        if (!success) revert FeeWithdrawalFailed();
        emit ProtocolFeesClaimed(msg.sender, _receiver, amount);
    }

    /// @notice Sends the caller's accumulated ZK fees to `_receiver`.
    function claimZKFees(address _receiver) external nonReentrant {
        uint256 amount = accumulatedZKFees[msg.sender];
        if (amount == 0) return;
        accumulatedZKFees[msg.sender] = 0;
        _callToken(_getZKToken(), abi.encodeWithSelector(0xa9059cbb, _receiver, amount));
        emit ZKFeesClaimed(msg.sender, _receiver, amount);
    }

    /// @notice The ZK token, or zero while it is not available on this chain.
    function getZKTokenAddress() public view returns (address) {
        if (_zkToken != address(0)) return _zkToken;
        // NTV HOOK: the NativeTokenVault resolves the asset id once the asset task deploys it.
        if (L2_NATIVE_TOKEN_VAULT_ADDR.code.length == 0) return address(0);
        try IL2NativeTokenVaultTokenLookup(L2_NATIVE_TOKEN_VAULT_ADDR).tokenAddress(ZK_TOKEN_ASSET_ID) returns (
            address token
        ) {
            return token;
        } catch {
            return address(0);
        }
    }

    /// @notice The cached ZK token (zero until first used).
    function zkToken() external view returns (address) {
        return _zkToken;
    }

    function _getZKToken() internal returns (address token) {
        token = getZKTokenAddress();
        if (token == address(0)) revert ZKTokenNotAvailable();
        if (_zkToken == address(0)) _zkToken = token;
    }

    /// @dev ERC-20 call that accepts tokens returning nothing, like OpenZeppelin's SafeERC20.
    function _callToken(address _token, bytes memory _data) internal {
        if (_token.code.length == 0) revert ZKTokenNotAvailable();
        (bool success, bytes memory result) = _token.call(_data);
        if (!success || (result.length != 0 && (result.length != 32 || abi.decode(result, (uint256)) != 1))) {
            revert ZKTokenTransferFailed();
        }
    }

    /// @dev This chain's base-token asset id. NTV HOOK: becomes `L2NativeTokenVault.BASE_TOKEN_ASSET_ID()`.
    function _baseTokenAssetId() internal view returns (bytes32) {
        return IL2Bridgehub(L2_BRIDGEHUB_ADDR).baseTokenAssetId(block.chainid);
    }
}
