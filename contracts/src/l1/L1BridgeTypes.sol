// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Structs, errors, constants and small helpers of the L1 shared bridge (era-contracts v31 names and layouts).

/// @dev Transaction type of an L1->L2 priority transaction.
uint256 constant PRIORITY_OPERATION_L2_TX_TYPE = 255;

/// @dev Marks the "new" (asset-id) deposit data encoding: 0x01 ‖ abi.encode(assetId, transferData).
bytes1 constant NEW_ENCODING_VERSION = 0x01;

/// @dev The second bridge returns this magic value from `bridgehubDeposit`.
bytes32 constant TWO_BRIDGES_MAGIC_VALUE = bytes32(uint256(keccak256("TWO_BRIDGES_MAGIC_VALUE")) - 1);

/// @dev Address standing for ETH in asset ids and in the L1 vault.
address constant ETH_TOKEN_ADDRESS = address(1);

/// @dev Added to an L1 contract's address to form its sender address on L2.
uint160 constant L1_TO_L2_ALIAS_OFFSET = uint160(0x1111000000000000000000000000000000001111);

/// @dev Status the bootloader logs (L2->L1 log key = canonical tx hash) for a failed L1->L2 transaction.
bytes32 constant TX_STATUS_FAILURE = bytes32(0);

/// @notice A deposit request with the L2 call given directly (Bridgehub.requestL2TransactionDirect).
struct L2TransactionRequestDirect {
    uint256 chainId;
    uint256 mintValue;
    address l2Contract;
    uint256 l2Value;
    bytes l2Calldata;
    uint256 l2GasLimit;
    uint256 l2GasPerPubdataByteLimit;
    bytes[] factoryDeps;
    address refundRecipient;
}

/// @notice A deposit request whose L2 call is produced by a second bridge (requestL2TransactionTwoBridges).
struct L2TransactionRequestTwoBridgesOuter {
    uint256 chainId;
    uint256 mintValue;
    uint256 l2Value;
    uint256 l2GasLimit;
    uint256 l2GasPerPubdataByteLimit;
    address refundRecipient;
    address secondBridgeAddress;
    uint256 secondBridgeValue;
    bytes secondBridgeCalldata;
}

/// @notice What the second bridge returns to the Bridgehub.
struct L2TransactionRequestTwoBridgesInner {
    bytes32 magicValue;
    address l2Contract;
    bytes l2Calldata;
    bytes[] factoryDeps;
    bytes32 txDataHash;
}

/// @notice The request the Bridgehub hands to a chain's Mailbox.
struct BridgehubL2TransactionRequest {
    address sender;
    address contractL2;
    uint256 mintValue;
    uint256 l2Value;
    bytes l2Calldata;
    uint256 l2GasLimit;
    uint256 l2GasPerPubdataByteLimit;
    bytes[] factoryDeps;
    address refundRecipient;
}

/// @notice An L1->L2 transaction; keccak256(abi.encode(it)) is its canonical hash on both layers.
struct L2CanonicalTransaction {
    uint256 txType;
    uint256 from;
    uint256 to;
    uint256 gasLimit;
    uint256 gasPerPubdataByteLimit;
    uint256 maxFeePerGas;
    uint256 maxPriorityFeePerGas;
    uint256 paymaster;
    uint256 nonce;
    uint256 value;
    uint256[4] reserved;
    bytes data;
    bytes signature;
    uint256[] factoryDeps;
    bytes paymasterInput;
    bytes reservedDynamic;
}

/// @notice The balance change a deposit to a Gateway-settled chain carries to Gateway.
struct BalanceChange {
    bytes1 version;
    address originToken;
    bytes32 baseTokenAssetId;
    uint256 baseTokenAmount;
    bytes32 assetId;
    uint256 amount;
    uint256 tokenOriginChainId;
}

/// @notice A withdrawal (or any L2->L1 message to the bridge) to finalize on L1.
struct FinalizeL1DepositParams {
    uint256 chainId;
    uint256 l2BatchNumber;
    uint256 l2MessageIndex;
    address l2Sender;
    uint16 l2TxNumberInBatch;
    bytes message;
    bytes32[] merkleProof;
}

error MsgValueTooLow(uint256 required, uint256 provided);
error ValueMismatch(uint256 expected, uint256 actual);
error WrongMagicValue(uint256 expectedMagicValue, uint256 providedMagicValue);
error AssetIdNotSupported(bytes32 assetId);
error AssetHandlerDoesNotExist(bytes32 assetId);
error TokensWithFeesNotSupported();
error EmptyDeposit();
error TokenNotSupported(address token);
error UnsupportedEncodingVersion();
error WithdrawalAlreadyFinalized();
error InvalidProof();
error DepositDoesNotExist();
error WrongL2Sender(address providedL2Sender);
error L2WithdrawalMessageWrongLength(uint256 messageLen);
error InsufficientChainBalance(uint256 chainId, bytes32 assetId, uint256 amount);
error NotNTV(address caller);
error ChainNotRegistered(uint256 chainId);
error AddressAlreadySet(address addr);
error WithdrawFailed();
error SecondBridgeAddressTooLow(address secondBridgeAddress, address minSecondBridgeAddress);
error NotAssetRouter(address caller);
error NotL1Nullifier(address caller);
error InvalidSender();
error InvalidFunctionSignature(bytes4 functionSignature);
error InvalidVersion();
error InvalidWithdrawalChainId();
error InvalidChainMigrationNumber(uint256 expected, uint256 provided);
error InvalidMigrationNumber(uint256 chainMigrationNumber, uint256 assetMigrationNumber);
error InvalidAssetMigrationNumber();
error NotMigratedChain();
error NotAssetTracker(address caller);
error BridgedTokenAddressMismatch(address expected, address supplied);
error OriginChainIdNotFound();

/// @title Address aliasing of L1 contracts that send L1->L2 transactions.
library AddressAliasHelper {
    /// @notice The L2 sender of an L1->L2 transaction sent by the L1 contract `_l1Address`.
    function applyL1ToL2Alias(address _l1Address) internal pure returns (address l2Address) {
        unchecked {
            l2Address = address(uint160(_l1Address) + L1_TO_L2_ALIAS_OFFSET);
        }
    }

    /// @notice Inverse of `applyL1ToL2Alias`.
    function undoL1ToL2Alias(address _l2Address) internal pure returns (address l1Address) {
        unchecked {
            l1Address = address(uint160(_l2Address) - L1_TO_L2_ALIAS_OFFSET);
        }
    }
}

/// @title Minimal ERC20 surface the vault uses.
interface IL1ERC20Minimal {
    function balanceOf(address _account) external view returns (uint256);

    function transfer(address _to, uint256 _amount) external returns (bool);

    function transferFrom(address _from, address _to, uint256 _amount) external returns (bool);
}

/// @title Optional ERC20 metadata getters.
interface IL1ERC20Metadata {
    function name() external view returns (string memory);

    function symbol() external view returns (string memory);

    function decimals() external view returns (uint8);
}

/// @title The L1 chain settlement contract's Mailbox surface (what the Bridgehub calls).
interface IL1Mailbox {
    function bridgehubRequestL2Transaction(
        BridgehubL2TransactionRequest calldata _request
    ) external returns (bytes32 canonicalTxHash);

    function requestL2ServiceTransaction(
        address _contractL2,
        bytes calldata _l2Calldata
    ) external returns (bytes32 canonicalTxHash);

    function requestL2TransactionToGatewayMailboxWithBalanceChange(
        uint256 _chainId,
        bytes32 _canonicalTxHash,
        uint64 _expirationTimestamp,
        uint256 _baseTokenAmount,
        bool _getBalanceChange
    ) external returns (bytes32 canonicalTxHash);
}

/// @title The L1AssetRouter surface the Bridgehub, the Nullifier and the chains use.
interface IL1AssetRouterShared {
    function bridgehubDepositBaseToken(
        uint256 _chainId,
        bytes32 _assetId,
        address _originalCaller,
        uint256 _amount
    ) external payable;

    function bridgehubDeposit(
        uint256 _chainId,
        address _originalCaller,
        uint256 _l2Value,
        bytes calldata _data
    ) external payable returns (L2TransactionRequestTwoBridgesInner memory request);

    function bridgehubConfirmL2Transaction(uint256 _chainId, bytes32 _txDataHash, bytes32 _txHash) external;

    function finalizeDeposit(uint256 _chainId, bytes32 _assetId, bytes calldata _transferData) external payable;

    function bridgeRecoverFailedTransfer(
        uint256 _chainId,
        address _depositSender,
        bytes32 _assetId,
        bytes calldata _assetData
    ) external;

    function nativeTokenVault() external view returns (address);
}

/// @title The L1 vault surface the router uses.
interface IL1AssetHandler {
    function bridgeBurn(
        uint256 _chainId,
        uint256 _l2MsgValue,
        bytes32 _assetId,
        address _originalCaller,
        bytes calldata _data
    ) external payable returns (bytes memory bridgeMintData);

    function bridgeMint(uint256 _chainId, bytes32 _assetId, bytes calldata _data) external payable;

    function bridgeRecoverFailedTransfer(
        uint256 _chainId,
        bytes32 _assetId,
        address _depositSender,
        bytes calldata _data
    ) external payable;
}

/// @title The L1AssetTracker surface the vault and the Mailboxes use.
interface IL1AssetTrackerShared {
    function registerNewToken(bytes32 _assetId, uint256 _originChainId) external;

    function handleChainBalanceIncreaseOnL1(
        uint256 _chainId,
        bytes32 _assetId,
        uint256 _amount,
        uint256 _tokenOriginChainId
    ) external;

    function handleChainBalanceDecreaseOnL1(uint256 _chainId, bytes32 _assetId, uint256 _amount) external;

    function consumeBalanceChange(
        uint256 _callerChainId,
        uint256 _chainId
    ) external returns (bytes32 assetId, uint256 amount);
}

/// @title The L1 vault's read surface.
interface IL1NativeTokenVaultShared {
    function l1AssetTracker() external view returns (address);

    function tokenAddress(bytes32 _assetId) external view returns (address);

    function originChainId(bytes32 _assetId) external view returns (uint256);

    function originToken(bytes32 _assetId) external view returns (address);
}
