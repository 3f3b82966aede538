// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Custom errors of the asset router, the native token vault, bridged tokens and the asset trackers, with the
// names and arguments era-contracts uses (L1ContractErrors.sol, AssetTrackerErrors.sol).

// ---- Asset router / native token vault ----

/// @notice The asset cannot go this way (e.g. the destination's base token through the router).
error AssetIdNotSupported(bytes32 assetId);
/// @notice `assetId` does not match the one derived from the token's origin chain and address.
error AssetIdMismatch(bytes32 expected, bytes32 supplied);
/// @notice No token is registered for this asset id on this chain.
error AssetHandlerDoesNotExist(bytes32 assetId);
/// @notice The asset handler address is already set.
error AssetIdAlreadyRegistered();
/// @notice The token is already registered in the vault.
error TokenAlreadyRegistered(address token);
/// @notice The burn data is not `abi.encode(uint256 amount, address receiver, address token)`.
error InvalidNTVBurnData();
/// @notice The amount moved is zero.
error AmountMustBeGreaterThanZero();
/// @notice The vault received a different amount than requested: fee-on-transfer tokens cannot be bridged.
error TokensWithFeesNotSupported();
/// @notice The address has no code.
error EmptyToken();
/// @notice The token cannot be bridged by the native token vault (e.g. an ERC-721: give it its own asset handler).
error TokenNotSupported(address token);
/// @notice A non-zero value came with a call that takes none.
error NonEmptyMsgValue();
/// @notice The deposit/transfer data does not start with a supported encoding version.
error UnsupportedEncodingVersion();
/// @notice The deployed bridged token is not where the CREATE2 rule puts it.
error AddressMismatch(address expected, address supplied);
/// @notice The bridged token could not be deployed.
error DeployingBridgedTokenForNativeToken();
/// @notice The bridged token's initialisation data is not in the `0x01 ‖ abi.encode(...)` format.
error UnsupportedTokenMetadataVersion();
/// @notice The asset is the chain's base token and cannot be released by the L2 vault.
error BaseTokenNotReleasable(bytes32 assetId);
/// @notice The call must come from the asset router counterpart on `chainId` (or the router itself).
error InvalidCaller(address caller);
/// @notice Bridged tokens are initialised once.
error AlreadyInitialized();
/// @notice Only the native token vault may mint or burn a bridged token.
error OnlyNativeTokenVault(address caller);
/// @notice An ERC-20 operation failed.
error TokenTransferFailed(address token);
/// @notice Allowance or balance too low.
error InsufficientAllowance(uint256 allowance, uint256 needed);
error InsufficientBalance(uint256 balance, uint256 needed);

// ---- Asset trackers ----

/// @notice The chain's tracked balance of the asset is smaller than the amount leaving it.
error InsufficientChainBalance(uint256 chainId, bytes32 assetId, uint256 amount);
/// @notice Less is pending for the chain than its executed calls claim.
error InsufficientPendingInteropBalance(uint256 chainId, bytes32 assetId, uint256 amount);
/// @notice The token's balance has not been migrated to Gateway yet: migrate it first.
error TokenBalanceNotMigratedToGateway(bytes32 assetId, uint256 assetMigrationNumber, uint256 chainMigrationNumber);
/// @notice Only while settling on Gateway.
error NotMigratedChain();
/// @notice Gateway registers tokens from messages only.
error RegisterNewTokenNotAllowed();
/// @notice A call of a bundle from the asset router is not `finalizeDeposit`.
error InvalidInteropCalldata(bytes4 selector);
/// @notice A router call of a bundle claims another source chain.
error InvalidInteropChainId(uint256 fromChainId, uint256 toChainId);
/// @notice A migration message or confirmation with an unknown version or mismatching numbers.
error InvalidMigrationData();
/// @dev A chain migration number other than the one the operation needs (argument order as in v31 at each site).
error InvalidChainMigrationNumber(uint256 expected, uint256 provided);
/// @notice A deposit's balance change is already stored under this canonical transaction hash.
error InvalidCanonicalTxHash(bytes32 canonicalTxHash);
/// @notice The migration was already confirmed.
error InvalidAssetMigrationNumber();
