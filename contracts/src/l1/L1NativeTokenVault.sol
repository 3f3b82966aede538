// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    AddressAlreadySet,
    EmptyDeposit,
    ETH_TOKEN_ADDRESS,
    IL1ERC20Metadata,
    IL1ERC20Minimal,
    IL1AssetHandler,
    IL1AssetTrackerShared,
    NotAssetRouter,
    TokenNotSupported,
    TokensWithFeesNotSupported,
    ValueMismatch,
    WithdrawFailed
} from "./L1BridgeTypes.sol";
import {L2_NATIVE_TOKEN_VAULT_ADDR} from "../common/L2ContractAddresses.sol";
import {EmptyAssetId, Unauthorized, ZeroAddress} from "../common/Errors.sol";

/// @dev Burn data must be exactly abi.encode(uint256 amount, address receiver, address maybeToken).
error InvalidNTVBurnData();
/// @dev The asset id does not belong to the token (or the token is not registered).
error AssetIdMismatch(bytes32 expected, bytes32 supplied);
/// @dev The token is already registered.
error AssetIdAlreadyRegistered();
/// @dev Registering something that is not a contract (or ETH).
error NonEmptyCodeRequired(address token);

/// @title L1NativeTokenVault: holds the L1 tokens (and ETH, as address(1)) deposited to ZK chains.
/// @dev Asset id = keccak256(abi.encode(originChainId, 0x…010004, token)), the same formula on every chain. L1-native
///      tokens are locked on deposit and released on withdrawal or on a claimed failed deposit; every movement goes
///      through the L1AssetTracker first.
contract L1NativeTokenVault is IL1AssetHandler {
    /// @notice Chain id of L1 (this chain).
    uint256 public immutable L1_CHAIN_ID;

    /// @notice The L1AssetRouter, the only caller of the bridge functions.
    address public immutable ASSET_ROUTER;

    /// @notice The L1Nullifier.
    address public immutable L1_NULLIFIER;

    /// @notice The administrator that wires the tracker once.
    address public immutable owner;

    /// @notice Wrapped ETH on L1 (none on this devnet).
    address public constant WETH_TOKEN = address(0);

    /// @notice The L1AssetTracker.
    address public l1AssetTracker;

    /// @notice Asset id of a registered token.
    mapping(address token => bytes32) public assetId;

    /// @notice Token of an asset id.
    mapping(bytes32 assetId => address) public tokenAddress;

    /// @notice Origin chain of an asset id.
    mapping(bytes32 assetId => uint256) public originChainId;

    /// @notice Emitted when a token is registered.
    event TokenRegistered(bytes32 indexed assetId, address indexed token, uint256 indexed originChainId);

    /// @notice Emitted when tokens leave L1 (locked here).
    event BridgeBurn(
        uint256 indexed chainId,
        bytes32 indexed assetId,
        address indexed sender,
        address receiver,
        uint256 amount
    );

    /// @notice Emitted when tokens arrive on L1 (released from here).
    event BridgeMint(uint256 indexed chainId, bytes32 indexed assetId, address receiver, uint256 amount);

    modifier onlyAssetRouter() {
        if (msg.sender != ASSET_ROUTER) revert NotAssetRouter(msg.sender);
        _;
    }

    /// @param _assetRouter The L1AssetRouter.
    /// @param _l1Nullifier The L1Nullifier.
    /// @param _owner May set the tracker once.
    constructor(address _assetRouter, address _l1Nullifier, address _owner) {
        if (_assetRouter == address(0) || _l1Nullifier == address(0) || _owner == address(0)) revert ZeroAddress();
        L1_CHAIN_ID = block.chainid;
        ASSET_ROUTER = _assetRouter;
        L1_NULLIFIER = _l1Nullifier;
        owner = _owner;
    }

    /// @notice Sets the L1AssetTracker and registers ETH. Owner only, once.
    function setAssetTracker(address _l1AssetTracker) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        if (l1AssetTracker != address(0)) revert AddressAlreadySet(l1AssetTracker);
        if (_l1AssetTracker == address(0)) revert ZeroAddress();
        l1AssetTracker = _l1AssetTracker;
        _registerNative(ETH_TOKEN_ADDRESS);
    }

    /// @notice The asset id of ETH.
    function BASE_TOKEN_ASSET_ID() external view returns (bytes32) {
        return assetId[ETH_TOKEN_ADDRESS];
    }

    /// @notice Registers an L1 token (permissionless). Reverts if it is already registered.
    function registerToken(address _token) external {
        if (assetId[_token] != bytes32(0)) revert AssetIdAlreadyRegistered();
        _registerNative(_token);
    }

    /// @notice The token's asset id, registering it first if needed.
    function ensureTokenIsRegistered(address _token) public returns (bytes32) {
        bytes32 existing = assetId[_token];
        if (existing != bytes32(0)) return existing;
        return _registerNative(_token);
    }

    /// @notice The asset id `_token` has (or would have) when native to L1.
    function calculateAssetId(uint256 _chainId, address _token) public pure returns (bytes32) {
        return keccak256(abi.encode(_chainId, L2_NATIVE_TOKEN_VAULT_ADDR, _token));
    }

    /// @notice Token metadata as it crosses chains: 0x01 ‖ abi.encode(originChainId, name, symbol, decimals), each of
    ///         name, symbol and decimals itself ABI-encoded.
    function getERC20Getters(address _token, uint256 _originChainId) public view returns (bytes memory) {
        if (_token == ETH_TOKEN_ADDRESS) {
            return
                bytes.concat(
                    bytes1(0x01),
                    abi.encode(_originChainId, abi.encode("Ether"), abi.encode("ETH"), abi.encode(uint8(18)))
                );
        }
        (, bytes memory name) = _token.staticcall(abi.encodeCall(IL1ERC20Metadata.name, ()));
        (, bytes memory symbol) = _token.staticcall(abi.encodeCall(IL1ERC20Metadata.symbol, ()));
        (, bytes memory decimals) = _token.staticcall(abi.encodeCall(IL1ERC20Metadata.decimals, ()));
        return bytes.concat(bytes1(0x01), abi.encode(_originChainId, name, symbol, decimals));
    }

    /// @notice Locks tokens leaving L1 for `_chainId` and returns the bridge mint data for the destination.
    /// @param _data abi.encode(amount, receiver, maybeToken).
    function bridgeBurn(
        uint256 _chainId,
        uint256,
        bytes32 _assetId,
        address _originalCaller,
        bytes calldata _data
    ) external payable onlyAssetRouter returns (bytes memory bridgeMintData) {
        if (_data.length != 96) revert InvalidNTVBurnData();
        (uint256 amount, address receiver, address maybeToken) = abi.decode(_data, (uint256, address, address));
        if (tokenAddress[_assetId] == address(0) && maybeToken != address(0)) {
            ensureTokenIsRegistered(maybeToken);
        }
        address token = tokenAddress[_assetId];
        if (token == address(0)) revert EmptyAssetId();
        if (maybeToken != address(0) && assetId[maybeToken] != _assetId) {
            revert AssetIdMismatch(assetId[maybeToken], _assetId);
        }
        if (originChainId[_assetId] != L1_CHAIN_ID) revert TokenNotSupported(token);
        if (amount == 0) revert EmptyDeposit();

        IL1AssetTrackerShared(l1AssetTracker).handleChainBalanceIncreaseOnL1(_chainId, _assetId, amount, L1_CHAIN_ID);
        if (token == ETH_TOKEN_ADDRESS) {
            if (msg.value != amount) revert ValueMismatch(amount, msg.value);
        } else {
            if (msg.value != 0) revert ValueMismatch(0, msg.value);
            uint256 before = IL1ERC20Minimal(token).balanceOf(address(this));
            _safeTransferFrom(token, _originalCaller, address(this), amount);
            if (IL1ERC20Minimal(token).balanceOf(address(this)) - before != amount) revert TokensWithFeesNotSupported();
        }
        emit BridgeBurn(_chainId, _assetId, _originalCaller, receiver, amount);
        bridgeMintData = abi.encode(_originalCaller, receiver, token, amount, getERC20Getters(token, L1_CHAIN_ID));
    }

    /// @notice Releases tokens arriving on L1 from `_chainId` (a finalized withdrawal).
    /// @param _data abi.encode(originalCaller, receiver, originToken, amount, erc20Metadata).
    function bridgeMint(uint256 _chainId, bytes32 _assetId, bytes calldata _data) external payable onlyAssetRouter {
        if (msg.value != 0) revert ValueMismatch(0, msg.value);
        (, address receiver, , uint256 amount, ) = abi.decode(_data, (address, address, address, uint256, bytes));
        _release(_chainId, _assetId, receiver, amount);
        emit BridgeMint(_chainId, _assetId, receiver, amount);
    }

    /// @notice Returns the tokens of a failed deposit to its sender.
    /// @param _data The deposit's burn data, abi.encode(amount, receiver, maybeToken).
    function bridgeRecoverFailedTransfer(
        uint256 _chainId,
        bytes32 _assetId,
        address _depositSender,
        bytes calldata _data
    ) external payable onlyAssetRouter {
        if (msg.value != 0) revert ValueMismatch(0, msg.value);
        (uint256 amount, , ) = abi.decode(_data, (uint256, address, address));
        _release(_chainId, _assetId, _depositSender, amount);
        emit BridgeMint(_chainId, _assetId, _depositSender, amount);
    }

    function _release(uint256 _chainId, bytes32 _assetId, address _receiver, uint256 _amount) internal {
        address token = tokenAddress[_assetId];
        if (token == address(0)) revert EmptyAssetId();
        if (originChainId[_assetId] != L1_CHAIN_ID) revert TokenNotSupported(token);
        IL1AssetTrackerShared(l1AssetTracker).handleChainBalanceDecreaseOnL1(_chainId, _assetId, _amount);
        if (token == ETH_TOKEN_ADDRESS) {
            (bool ok, ) = _receiver.call{value: _amount}("");
            if (!ok) revert WithdrawFailed();
        } else {
            _safeTransfer(token, _receiver, _amount);
        }
    }

    function _registerNative(address _token) internal returns (bytes32 id) {
        if (_token != ETH_TOKEN_ADDRESS && _token.code.length == 0) revert NonEmptyCodeRequired(_token);
        id = calculateAssetId(L1_CHAIN_ID, _token);
        assetId[_token] = id;
        tokenAddress[id] = _token;
        originChainId[id] = L1_CHAIN_ID;
        IL1AssetTrackerShared(l1AssetTracker).registerNewToken(id, L1_CHAIN_ID);
        emit TokenRegistered(id, _token, L1_CHAIN_ID);
    }

    function _safeTransfer(address _token, address _to, uint256 _amount) internal {
        (bool ok, bytes memory ret) = _token.call(abi.encodeCall(IL1ERC20Minimal.transfer, (_to, _amount)));
        if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert WithdrawFailed();
    }

    function _safeTransferFrom(address _token, address _from, address _to, uint256 _amount) internal {
        (bool ok, bytes memory ret) = _token.call(abi.encodeCall(IL1ERC20Minimal.transferFrom, (_from, _to, _amount)));
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        if (ret.length != 0 && !abi.decode(ret, (bool))) revert TokensWithFeesNotSupported();
    }
}
