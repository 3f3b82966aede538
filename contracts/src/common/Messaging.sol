// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev First byte of the L2->L1 message that carries an interop bundle: `BUNDLE_IDENTIFIER ‖ abi.encode(bundle)`.
bytes1 constant BUNDLE_IDENTIFIER = 0x01;

/// @dev Current version of `InteropBundle`.
bytes1 constant INTEROP_BUNDLE_VERSION = 0x01;

/// @dev Current version of `InteropCall`.
bytes1 constant INTEROP_CALL_VERSION = 0x01;

/// @dev Number of ERC-7786 attributes the InteropCenter understands.
uint256 constant SUPPORTED_INTEROP_ATTRIBUTES = 5;

/// @dev Metadata version of the (v29+) proof format.
uint256 constant SUPPORTED_PROOF_METADATA_VERSION = 1;

/// @dev Height of the per-batch L2->L1 log tree (16,384 leaves).
uint256 constant L2_TO_L1_LOGS_TREE_HEIGHT = 14;

/// @dev Length of a log's path to its batch root: 14 log-tree siblings plus the aggregated root.
uint256 constant L2_TO_L1_LOGS_MERKLE_TREE_DEPTH = 15;

/// @dev keccak256(bytes(88)): the value of an empty leaf of the L2->L1 log tree.
bytes32 constant L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH = 0x72abee45b59e344af8a6e520241c4744aff26ed411f4c4b00f8af09adada43ba;

/// @dev keccak256(bytes(96)): the empty entry of chain trees (batch leaves) and of the shared tree (chain-id leaves).
bytes32 constant CHAIN_TREE_EMPTY_ENTRY_HASH = 0x46700b4d40ac5c35af2c22dda2787a91eb567b06c924a8fb8ae9a05b20c08c21;

/// @dev Same value as `CHAIN_TREE_EMPTY_ENTRY_HASH`, named after its use in the shared tree.
bytes32 constant SHARED_ROOT_TREE_EMPTY_HASH = 0x46700b4d40ac5c35af2c22dda2787a91eb567b06c924a8fb8ae9a05b20c08c21;

/// @dev keccak256("zkSync:BatchLeaf").
bytes32 constant BATCH_LEAF_PADDING = 0xd82fec4a37cbdc47f1e5cc4ad64deacf34a48e6f7c61fa5b68fd58e543259cf4;

/// @dev keccak256("zkSync:ChainIdLeaf").
bytes32 constant CHAIN_ID_LEAF_PADDING = 0x39bc69363bb9e26cf14240de4e22569e95cf175cfbcf1ade1a47a253b4bf7f61;

/// @notice A log sent from L2 to L1 (one leaf of the batch log tree).
/// @param l2ShardId Always 0.
/// @param isService Always true for messages sent through the L1Messenger.
/// @param txNumberInBatch Index of the transaction within the batch.
/// @param sender The contract that emitted the log (0x8008 for messages).
/// @param key For messages: the address that called `sendToL1`, left-padded.
/// @param value For messages: keccak256 of the message.
struct L2Log {
    uint8 l2ShardId;
    bool isService;
    uint16 txNumberInBatch;
    address sender;
    bytes32 key;
    bytes32 value;
}

/// @notice The L1Messenger's view of the same log; identical layout, named after the ZKsync OS field.
struct L2ToL1Log {
    uint8 l2ShardId;
    bool isService;
    uint16 txNumberInBlock;
    address sender;
    bytes32 key;
    bytes32 value;
}

/// @notice An arbitrary-length message sent from L2 through the L1Messenger.
struct L2Message {
    uint16 txNumberInBatch;
    address sender;
    bytes data;
}

/// @notice Everything needed to prove that a message was included in a source chain's batch.
/// @param chainId The source chain.
/// @param l1BatchNumber The source chain's batch number.
/// @param l2MessageIndex The leaf index of the message in the batch's log tree.
/// @param message The message itself.
/// @param proof The proof, in the metadata format described in `MessageHashing`.
struct MessageInclusionProof {
    uint256 chainId;
    uint256 l1BatchNumber;
    uint256 l2MessageIndex;
    L2Message message;
    bytes32[] proof;
}

/// @notice A root imported into `L2InteropRootStorage`.
struct InteropRoot {
    uint256 chainId;
    uint256 blockOrBatchNumber;
    bytes32[] sides;
}

/// @notice One call as requested by a user of `InteropCenter.sendBundle`.
/// @param to ERC-7930 address with an empty chain reference.
/// @param data Payload delivered to the recipient.
/// @param callAttributes ERC-7786 call attributes.
struct InteropCallStarter {
    bytes to;
    bytes data;
    bytes[] callAttributes;
}

/// @notice Parsed call attributes.
struct CallAttributes {
    uint256 interopCallValue;
    bool indirectCall;
    uint256 indirectCallMessageValue;
}

/// @notice A call starter after its address and attributes were parsed.
struct InteropCallStarterInternal {
    address to;
    bytes data;
    CallAttributes callAttributes;
}

/// @notice Parsed bundle attributes, as carried inside the bundle.
/// @param executionAddress ERC-7930 address allowed to execute; empty means anyone.
/// @param unbundlerAddress ERC-7930 address allowed to unbundle; defaults to the sender on the source chain.
/// @param useFixedFee Whether the fixed ZK fee was paid instead of the base-token fee.
struct BundleAttributes {
    bytes executionAddress;
    bytes unbundlerAddress;
    bool useFixedFee;
}

/// @notice One call of an interop bundle.
/// @param version `INTEROP_CALL_VERSION`.
/// @param shadowAccount Reserved; always false in v31.
/// @param to Recipient on the destination chain.
/// @param from Sender on the source chain.
/// @param value Base-token value delivered with the call on the destination.
/// @param data Payload passed to `receiveMessage`.
struct InteropCall {
    bytes1 version;
    bool shadowAccount;
    address to;
    address from;
    uint256 value;
    bytes data;
}

/// @notice The unit of interop: calls from one source chain to one destination chain.
struct InteropBundle {
    bytes1 version;
    uint256 sourceChainId;
    uint256 destinationChainId;
    bytes32 destinationBaseTokenAssetId;
    bytes32 interopBundleSalt;
    InteropCall[] calls;
    BundleAttributes bundleAttributes;
}

/// @notice Sent to L1 (and read by GWAssetTracker) after every executed interop call.
struct InteropCallExecutedMessage {
    bytes32 destinationBaseTokenAssetId;
    InteropCall interopCall;
}

/// @notice Input of `GWAssetTracker.processLogsAndMessages`: one batch of a chain settling on Gateway.
/// @param logs Every L2->L1 log of the batch, in tree order.
/// @param messages The preimages of the batch's L1Messenger logs, in the same order.
/// @param chainId The settling chain.
/// @param batchNumber The batch being executed.
/// @param chainBatchRoot keccak256(localLogsRoot ‖ multichainBatchRoot).
/// @param multichainBatchRoot The chain's aggregated root; must be its empty multichain root.
/// @param settlementFeePayer Reserved for the Gateway settlement fee.
struct ProcessLogsInput {
    L2Log[] logs;
    bytes[] messages;
    uint256 chainId;
    uint256 batchNumber;
    bytes32 chainBatchRoot;
    bytes32 multichainBatchRoot;
    address settlementFeePayer;
}

/// @notice The parsed first level of a proof.
struct ProofData {
    uint256 settlementLayerChainId;
    uint256 settlementLayerBatchNumber;
    uint256 settlementLayerBatchRootMask;
    uint256 batchLeafProofLen;
    bytes32 batchSettlementRoot;
    bytes32 chainIdLeaf;
    uint256 ptr;
    bool finalProofNode;
}

enum CallStatus {
    Unprocessed,
    Executed,
    Cancelled
}

enum BundleStatus {
    Unreceived,
    Verified,
    FullyExecuted,
    Unbundled
}
