// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC7786Recipient} from "../common/interfaces/IERC7786.sol";
import {IAssetTrackerDataEncoding} from "../common/interfaces/IAssetTrackerDataEncoding.sol";
import {
    IBaseTokenHolder,
    IL1Messenger,
    IL2Bridgehub,
    IMessageVerification,
    ISystemContext
} from "../common/interfaces/ISystemContracts.sol";
import {InteroperableAddress} from "../common/InteroperableAddress.sol";
import {
    BUNDLE_IDENTIFIER,
    BundleStatus,
    CallStatus,
    INTEROP_BUNDLE_VERSION,
    INTEROP_CALL_VERSION,
    InteropBundle,
    InteropCall,
    InteropCallExecutedMessage,
    MessageInclusionProof
} from "../common/Messaging.sol";
import {
    L2_BASE_TOKEN_HOLDER_ADDR,
    L2_BRIDGEHUB_ADDR,
    L2_COMPLEX_UPGRADER_ADDR,
    L2_INTEROP_CENTER_ADDR,
    L2_MESSAGE_VERIFICATION_ADDR,
    L2_SYSTEM_CONTEXT_ADDR,
    L2_TO_L1_MESSENGER_ADDR
} from "../common/L2ContractAddresses.sol";
import {
    BundleAlreadyProcessed,
    CallAlreadyExecuted,
    CallNotExecutable,
    CanNotUnbundle,
    CannotClaimInteropOnL1Settlement,
    ExecutingNotAllowed,
    InvalidInteropBundleVersion,
    InvalidInteropCallVersion,
    InvalidSelector,
    MessageNotIncluded,
    Unauthorized,
    UnauthorizedMessageSender,
    UnbundlingNotAllowed,
    WrongCallStatusLength,
    WrongDestinationBaseTokenAssetId,
    WrongDestinationChainId,
    WrongSourceChainId,
    ZeroChainId
} from "../common/Errors.sol";

/// @title InteropHandler (0x1000e): verifies, executes and unbundles interop bundles on their destination chain.
/// @dev `bundleStatus` moves Unreceived -> Verified -> FullyExecuted | Unbundled and is written before any call
///      runs. Calls are delivered through ERC-7786 `receiveMessage`, which must return its own selector. After each
///      executed call a `receiveInteropCallExecuted` message goes to L1 for the Gateway asset tracker.
contract InteropHandler is IERC7786Recipient {
    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;

    /// @notice Processing status of each bundle.
    mapping(bytes32 bundleHash => BundleStatus) public bundleStatus;

    /// @notice Status of each call of each bundle.
    mapping(bytes32 bundleHash => mapping(uint256 callIndex => CallStatus)) public callStatus;

    event BundleVerified(bytes32 indexed bundleHash);
    event BundleExecuted(bytes32 indexed bundleHash);
    event BundleUnbundled(bytes32 indexed bundleHash);
    event CallProcessed(bytes32 indexed bundleHash, uint256 indexed callIndex, CallStatus status);

    /// @notice Initialises the handler. ComplexUpgrader only, once.
    /// @param _l1ChainId Chain id of L1.
    function initL2(uint256 _l1ChainId) external {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        L1_CHAIN_ID = _l1ChainId;
    }

    /// @notice Verifies (if needed) and executes every call of a bundle, atomically.
    /// @param _bundle abi.encode(InteropBundle), byte-identical to what the source chain sent.
    /// @param _proof Inclusion proof of the bundle's message, sent by the source chain's InteropCenter.
    function executeBundle(bytes memory _bundle, MessageInclusionProof memory _proof) public {
        _ensureSettlesOnGateway();
        (InteropBundle memory bundle, bytes32 bundleHash) = _decodeBundle(_bundle);
        _validateContext(bundle, bundleHash, _proof.chainId);

        bytes memory executionAddress = bundle.bundleAttributes.executionAddress;
        if (executionAddress.length != 0 && msg.sender != address(this)) {
            (uint256 executionChainId, address executor) = InteroperableAddress.parseEvmV1(executionAddress);
            if ((executionChainId != block.chainid && executionChainId != 0) || executor != msg.sender) {
                revert ExecutingNotAllowed(
                    bundleHash,
                    InteroperableAddress.formatEvmV1(block.chainid, msg.sender),
                    executionAddress
                );
            }
        }

        BundleStatus status = bundleStatus[bundleHash];
        if (status != BundleStatus.Unreceived && status != BundleStatus.Verified) {
            revert BundleAlreadyProcessed(bundleHash);
        }
        if (status == BundleStatus.Unreceived) _verifyBundle(_bundle, _proof, bundleHash);

        bundleStatus[bundleHash] = BundleStatus.FullyExecuted;
        uint256 callsLength = bundle.calls.length;
        for (uint256 i; i < callsLength; ++i) {
            callStatus[bundleHash][i] = CallStatus.Executed;
        }
        _executeCalls(bundle, bundleHash, true, new CallStatus[](0));
        emit BundleExecuted(bundleHash);
    }

    /// @notice Proves that a bundle was sent, without executing it. Permissionless.
    /// @param _bundle abi.encode(InteropBundle).
    /// @param _proof Inclusion proof of the bundle's message.
    function verifyBundle(bytes memory _bundle, MessageInclusionProof memory _proof) public {
        (InteropBundle memory bundle, bytes32 bundleHash) = _decodeBundle(_bundle);
        _validateContext(bundle, bundleHash, _proof.chainId);
        if (bundleStatus[bundleHash] != BundleStatus.Unreceived) revert BundleAlreadyProcessed(bundleHash);
        _verifyBundle(_bundle, _proof, bundleHash);
    }

    /// @notice Executes or cancels individual calls of a verified bundle; may be called repeatedly.
    /// @param _bundle abi.encode(InteropBundle).
    /// @param _providedCallStatus Per call: Executed (run it now), Cancelled (never run it) or Unprocessed (skip).
    function unbundleBundle(bytes memory _bundle, CallStatus[] memory _providedCallStatus) public {
        _ensureSettlesOnGateway();
        (InteropBundle memory bundle, bytes32 bundleHash) = _decodeBundle(_bundle);
        _validateContext(bundle, bundleHash, bundle.sourceChainId);

        if (msg.sender != address(this)) {
            bytes memory unbundler = bundle.bundleAttributes.unbundlerAddress;
            (uint256 unbundlerChainId, address unbundlerAddress) = InteroperableAddress.parseEvmV1(unbundler);
            if ((unbundlerChainId != block.chainid && unbundlerChainId != 0) || unbundlerAddress != msg.sender) {
                revert UnbundlingNotAllowed(
                    bundleHash,
                    InteroperableAddress.formatEvmV1(block.chainid, msg.sender),
                    unbundler
                );
            }
        }

        uint256 callsLength = bundle.calls.length;
        if (_providedCallStatus.length != callsLength) {
            revert WrongCallStatusLength(callsLength, _providedCallStatus.length);
        }
        BundleStatus status = bundleStatus[bundleHash];
        if (status != BundleStatus.Verified && status != BundleStatus.Unbundled) revert CanNotUnbundle(bundleHash);
        bundleStatus[bundleHash] = BundleStatus.Unbundled;

        for (uint256 i; i < callsLength; ++i) {
            CallStatus recorded = callStatus[bundleHash][i];
            CallStatus requested = _providedCallStatus[i];
            if (requested == CallStatus.Executed) {
                if (recorded != CallStatus.Unprocessed) revert CallNotExecutable(bundleHash, i);
                callStatus[bundleHash][i] = CallStatus.Executed;
                emit CallProcessed(bundleHash, i, CallStatus.Executed);
            } else if (requested == CallStatus.Cancelled) {
                if (recorded == CallStatus.Executed) revert CallAlreadyExecuted(bundleHash, i);
                if (recorded == CallStatus.Unprocessed) {
                    callStatus[bundleHash][i] = CallStatus.Cancelled;
                    emit CallProcessed(bundleHash, i, CallStatus.Cancelled);
                }
            }
        }
        _executeCalls(bundle, bundleHash, false, _providedCallStatus);
        emit BundleUnbundled(bundleHash);
    }

    /// @notice The rescue path: a bundle call addressed to the handler itself may execute, verify or unbundle another
    ///         bundle, with rights checked against the ERC-7930 sender of that call.
    /// @dev Only callable by the handler itself, i.e. as a call of a bundle being executed.
    /// @param sender ERC-7930 address of the call's sender on its source chain.
    /// @param payload abi.encodeCall of executeBundle, verifyBundle or unbundleBundle.
    /// @return This function's selector.
    function receiveMessage(
        bytes32,
        bytes calldata sender,
        bytes calldata payload
    ) external payable returns (bytes4) {
        if (msg.sender != address(this)) revert Unauthorized(msg.sender);
        bytes4 selector = payload.length >= 4 ? bytes4(payload[:4]) : bytes4(0);
        (uint256 senderChainId, address senderAddress) = InteroperableAddress.parseEvmV1Calldata(sender);

        if (selector == this.executeBundle.selector) {
            (bytes memory bundleBytes, MessageInclusionProof memory proof) = abi.decode(
                payload[4:],
                (bytes, MessageInclusionProof)
            );
            (InteropBundle memory bundle, bytes32 bundleHash) = _decodeBundle(bundleBytes);
            bytes memory executionAddress = bundle.bundleAttributes.executionAddress;
            if (executionAddress.length != 0) {
                (uint256 executionChainId, address executor) = InteroperableAddress.parseEvmV1(executionAddress);
                if ((executionChainId != senderChainId && executionChainId != 0) || executor != senderAddress) {
                    revert ExecutingNotAllowed(bundleHash, sender, executionAddress);
                }
            }
            this.executeBundle(bundleBytes, proof);
        } else if (selector == this.verifyBundle.selector) {
            (bytes memory bundleBytes, MessageInclusionProof memory proof) = abi.decode(
                payload[4:],
                (bytes, MessageInclusionProof)
            );
            this.verifyBundle(bundleBytes, proof);
        } else if (selector == this.unbundleBundle.selector) {
            (bytes memory bundleBytes, CallStatus[] memory statuses) = abi.decode(payload[4:], (bytes, CallStatus[]));
            (InteropBundle memory bundle, bytes32 bundleHash) = _decodeBundle(bundleBytes);
            bytes memory unbundler = bundle.bundleAttributes.unbundlerAddress;
            (uint256 unbundlerChainId, address unbundlerAddress) = InteroperableAddress.parseEvmV1(unbundler);
            if ((unbundlerChainId != senderChainId && unbundlerChainId != 0) || unbundlerAddress != senderAddress) {
                revert UnbundlingNotAllowed(bundleHash, sender, unbundler);
            }
            this.unbundleBundle(bundleBytes, statuses);
        } else {
            revert InvalidSelector(selector);
        }
        return this.receiveMessage.selector;
    }

    /// @notice Base token arrives only from the BaseTokenHolder (for calls carrying value).
    receive() external payable {
        if (msg.sender != L2_BASE_TOKEN_HOLDER_ADDR) revert Unauthorized(msg.sender);
    }

    function _ensureSettlesOnGateway() internal view {
        uint256 settlementLayer = ISystemContext(L2_SYSTEM_CONTEXT_ADDR).currentSettlementLayerChainId();
        if (settlementLayer == L1_CHAIN_ID || settlementLayer == 0) revert CannotClaimInteropOnL1Settlement();
    }

    /// @dev Decodes a bundle, checks its version and computes its hash over the exact bytes given.
    function _decodeBundle(bytes memory _bundle) internal pure returns (InteropBundle memory bundle, bytes32 bundleHash) {
        bundle = abi.decode(_bundle, (InteropBundle));
        if (bundle.version != INTEROP_BUNDLE_VERSION) revert InvalidInteropBundleVersion();
        bundleHash = keccak256(abi.encode(bundle.sourceChainId, _bundle));
    }

    /// @dev Binds a bundle to the proof's source chain, to this chain and to this chain's base token.
    function _validateContext(InteropBundle memory _bundle, bytes32 _bundleHash, uint256 _sourceChainId) internal view {
        if (_bundle.sourceChainId != _sourceChainId) {
            revert WrongSourceChainId(_bundleHash, _bundle.sourceChainId, _sourceChainId);
        }
        if (_bundle.destinationChainId != block.chainid) {
            revert WrongDestinationChainId(_bundleHash, _bundle.destinationChainId, block.chainid);
        }
        bytes32 localBaseTokenAssetId = _baseTokenAssetId();
        if (_bundle.destinationBaseTokenAssetId != localBaseTokenAssetId) {
            revert WrongDestinationBaseTokenAssetId(
                _bundleHash,
                localBaseTokenAssetId,
                _bundle.destinationBaseTokenAssetId
            );
        }
    }

    /// @dev Proves that the InteropCenter of the source chain sent exactly `BUNDLE_IDENTIFIER ‖ _bundle`. Any failure
    ///      of the verifier (false, or a malformed proof) is reported as `MessageNotIncluded`.
    function _verifyBundle(bytes memory _bundle, MessageInclusionProof memory _proof, bytes32 _bundleHash) internal {
        if (_proof.message.sender != L2_INTEROP_CENTER_ADDR) {
            revert UnauthorizedMessageSender(L2_INTEROP_CENTER_ADDR, _proof.message.sender);
        }
        _proof.message.data = bytes.concat(BUNDLE_IDENTIFIER, _bundle);
        (bool success, bytes memory result) = L2_MESSAGE_VERIFICATION_ADDR.staticcall(
            abi.encodeCall(
                IMessageVerification.proveL2MessageInclusionShared,
                (_proof.chainId, _proof.l1BatchNumber, _proof.l2MessageIndex, _proof.message, _proof.proof)
            )
        );
        if (!success || result.length != 32 || abi.decode(result, (uint256)) != 1) revert MessageNotIncluded();
        bundleStatus[_bundleHash] = BundleStatus.Verified;
        emit BundleVerified(_bundleHash);
    }

    /// @dev Runs all calls, or those requested as Executed. Any failing call reverts the whole transaction.
    function _executeCalls(
        InteropBundle memory _bundle,
        bytes32 _bundleHash,
        bool _executeAll,
        CallStatus[] memory _providedCallStatus
    ) internal {
        uint256 callsLength = _bundle.calls.length;
        for (uint256 i; i < callsLength; ++i) {
            if (!_executeAll && _providedCallStatus[i] != CallStatus.Executed) continue;
            InteropCall memory interopCall = _bundle.calls[i];
            if (interopCall.version != INTEROP_CALL_VERSION) revert InvalidInteropCallVersion();
            if (interopCall.value > 0) {
                IBaseTokenHolder(L2_BASE_TOKEN_HOLDER_ADDR).give(address(this), interopCall.value, _bundle.sourceChainId);
            }
            _deliver(interopCall, keccak256(abi.encodePacked(_bundleHash, i)), _bundle.sourceChainId);
            IL1Messenger(L2_TO_L1_MESSENGER_ADDR).sendToL1(
                abi.encodeCall(
                    IAssetTrackerDataEncoding.receiveInteropCallExecuted,
                    (
                        InteropCallExecutedMessage({
                            destinationBaseTokenAssetId: _bundle.destinationBaseTokenAssetId,
                            interopCall: interopCall
                        })
                    )
                )
            );
        }
    }

    /// @dev Calls `receiveMessage` on the recipient, bubbling its revert and requiring its selector back, so a
    ///      contract that does not opt in (or an account without code) cannot receive a call.
    function _deliver(InteropCall memory _call, bytes32 _receiveId, uint256 _sourceChainId) internal {
        (bool success, bytes memory result) = _call.to.call{value: _call.value}(
            abi.encodeCall(
                IERC7786Recipient.receiveMessage,
                (_receiveId, InteroperableAddress.formatEvmV1(_sourceChainId, _call.from), _call.data)
            )
        );
        if (!success) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        bytes32 word;
        if (result.length >= 32) {
            assembly ("memory-safe") {
                word := mload(add(result, 0x20))
            }
        }
        if (word != bytes32(IERC7786Recipient.receiveMessage.selector)) revert InvalidSelector(bytes4(word));
    }

    /// @dev This chain's base-token asset id. NTV HOOK: becomes `L2NativeTokenVault.BASE_TOKEN_ASSET_ID()`.
    function _baseTokenAssetId() internal view returns (bytes32) {
        return IL2Bridgehub(L2_BRIDGEHUB_ADDR).baseTokenAssetId(block.chainid);
    }
}
