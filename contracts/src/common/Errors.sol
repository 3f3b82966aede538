// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Custom errors, with the names and arguments era-contracts uses (InteropErrors.sol, L1ContractErrors.sol,
// L1BridgehubErrors.sol, AssetTrackerErrors.sol, L2InteropRootStorage.sol). Selectors are in the comments.

// ---- Interop (InteropCenter / InteropHandler) ----

// 0x9031f751
error AttributeAlreadySet(bytes4 selector);
// 0xbcb41ec7
error AttributeViolatesRestriction(bytes4 selector, uint256 restriction);
// 0x5bba5111
error BundleAlreadyProcessed(bytes32 bundleHash);
// 0xd5c7a376
error CallAlreadyExecuted(bytes32 bundleHash, uint256 callIndex);
// 0xc087b727
error CallNotExecutable(bytes32 bundleHash, uint256 callIndex);
// 0xf36a88e5
error CannotClaimInteropOnL1Settlement();
// 0xf729f26d
error CanNotUnbundle(bytes32 bundleHash);
// 0x2d159f39
error DestinationChainNotRegistered(uint256 destinationChainId);
// 0xe845be4c
error ExecutingNotAllowed(bytes32 bundleHash, bytes callerAddress, bytes executionAddress);
// 0x16b0fa00
error FeeWithdrawalFailed();
// 0x62d214aa
error IndirectCallValueMismatch(uint256 expected, uint256 actual);
// 0xfe8b1b16
error InteroperableAddressChainReferenceNotEmpty(bytes interoperableAddress);
// 0x884f49ba
error InteroperableAddressNotEmpty(bytes interoperableAddress);
// 0xeae192ef
error InvalidInteropBundleVersion();
// 0xd5f13973
error InvalidInteropCallVersion();
// 0x32c2e156
error MessageNotIncluded();
// 0x89fd2c76
error UnauthorizedMessageSender(address expected, address actual);
// 0x0345c281
error UnbundlingNotAllowed(bytes32 bundleHash, bytes callerAddress, bytes unbundlerAddress);
// 0x801534e9
error WrongCallStatusLength(uint256 bundleCallsLength, uint256 providedCallStatusLength);
// 0xb99d46dc
error WrongDestinationBaseTokenAssetId(bytes32 bundleHash, bytes32 expected, bytes32 actual);
// 0x4534e972
error WrongDestinationChainId(bytes32 bundleHash, uint256 expected, uint256 actual);
// 0x534ab1b2
error WrongSourceChainId(bytes32 bundleHash, uint256 expected, uint256 actual);
// 0x92196069
error ZKTokenNotAvailable();

// ---- Interop roots (L2InteropRootStorage) ----

// 0x2f59bd0d
error SidesLengthNotOne();
// 0x2d48e8cf
error InteropRootAlreadyExists();
// 0x9b5f85eb
error MessageRootIsZero();

// ---- Common ----

// 0x8e4a23d6
error Unauthorized(address caller);
// 0x4a094431
error MsgValueMismatch(uint256 expectedMsgValue, uint256 providedMsgValue);
// 0x12ba286f
error InvalidSelector(bytes4 func);
// 0xc5441a63
error NotL2ToL2(uint256 sourceChainId, uint256 destinationChainId);
// 0xd92e233d
error ZeroAddress();
// 0xc84885d4
error ZeroChainId();
// 0xab143c06
error Reentrancy();
// 0x0a6c1a5c
error ReconstructionMismatch(bytes32, bytes32);
// 0x6eca2e4b
error InvalidMessage();
// 0xa7050bf6
error NotHistoricalRoot(bytes32);
// 0xafda12bf
error CommitBasedInteropNotSupported();
// 0x9bf8b9aa
error InvalidBatchNumber(uint256 provided, uint256 expected);
// 0x23f3c357
error ChainIdNotRegistered(uint256 chainId);
// 0xd0266e26
error NotSettlementLayer();
// 0x24591d89
error ChainIdAlreadyExists();
// 0x717a1656
error ChainIdCantBeCurrentChain();
// 0x2d4d012f
error EmptyAssetId();
// 0xe3ec2bc9
error BaseTokenTransferFailed();

// ---- Merkle and proofs ----

// 0x9bb54c35
error MerkleIndexOutOfBounds();
// 0x8e23ac1a
error MerklePathEmpty();
// 0x09aa9830
error MerklePathLengthMismatch(uint256 pathLength, uint256 expectedLength);
// 0x1c500385
error MerklePathOutOfBounds();
// 0xd356e6ba
error HashedLogIsDefault();
// 0x48c5fa28
error InvalidProofLengthForFinalNode();
// 0x79274f04
error UnsupportedProofMetadataVersion(uint256 metadataVersion);
// 0x5a1c353a
error InvalidProofFormat();
// 0x1b582fcf
error MerkleWrongIndex(uint256 index, uint256 maxNodeNumber);

// ---- Message roots and bridgehub ----

// 0xa695b1ef
error BatchZeroNotAllowed();
// 0xbe263463
error ChainBatchRootAlreadyExists(uint256 chainId, uint256 batchNumber);
// 0x655c373c
error ChainBatchRootZero();
// 0x65e8a019
error ChainExists();
// 0x68d91b49
error DepthMoreThanOneForRecursiveMerkleProof();
// 0x896555dc
error InvalidSettlementLayerForBatch(uint256 chainId, uint256 batchNumber, uint256 claimedSettlementLayer);
// 0x913183d8
error MessageRootNotRegistered();
// 0x366c42f8
error NonConsecutiveBatchNumber(uint256 chainId, uint256 batchNumber);
// 0x472477e2
error NotInGatewayMode();
// 0x3db511f4
error OnlyAssetTracker(address, address);
// 0x527b87c7
error OnlyBridgehub(address msgSender, address bridgehub);
// 0x73fe6c1b
error OnlyChain(address msgSender, address zkChainAddress);
// 0x8d14ca84
error OnlyL1();

// ---- GWAssetTracker ----

/// @notice A log from a built-in contract that may not send L2->L1 messages.
error InvalidBuiltInContractMessage(uint256 logCount, uint256 msgCount, bytes32 key);
/// @notice A message log with a shard id other than 0.
error InvalidL2ShardId();
/// @notice A message log without the service flag.
error InvalidServiceLog();
/// @notice The multichain root of a chain settling on Gateway is not its empty multichain root.
error InvalidEmptyMultichainBatchRoot(bytes32 expected, bytes32 actual);
/// @notice A message from the InteropHandler with an unexpected selector.
error InvalidFunctionSignature(bytes4 functionSignature);

// ---- ERC-7930 ----

/// @notice Raised by the OpenZeppelin draft `InteroperableAddress` parser.
error InteroperableAddressParsingError(bytes);

/// @dev A chain migration was asked for in the wrong order (v31 allows L1 -> settlement layer -> L1 once).
error MigrationNumberMismatch(uint256 expected, uint256 actual);
