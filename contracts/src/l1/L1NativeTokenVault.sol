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
    TokensWithFeesNotSupported,
    BridgedTokenAddressMismatch,
    OriginChainIdNotFound,
    ValueMismatch,
    WithdrawFailed
} from "./L1BridgeTypes.sol";
import {L2_NATIVE_TOKEN_VAULT_ADDR} from "../common/L2ContractAddresses.sol";
import {EmptyAssetId, Unauthorized, ZeroAddress} from "../common/Errors.sol";
import {BeaconProxy} from "../bridge/BeaconProxy.sol";
import {IBridgedStandardToken} from "../bridge/IBridge.sol";
import {DataEncoding} from "../bridge/DataEncoding.sol";

/// @dev Burn data must be exactly abi.encode(uint256 amount, address receiver, address maybeToken).
error InvalidNTVBurnData();
/// @dev The asset id does not belong to the token (or the token is not registered).
error AssetIdMismatch(bytes32 expected, bytes32 supplied);
/// @dev The token is already registered.
error AssetIdAlreadyRegistered();
/// @dev Registering something that is not a contract (or ETH).
error NonEmptyCodeRequired(address token);

/// @title L1NativeTokenVault: holds the L1 tokens (and ETH, as address(1)) deposited to ZK chains, and the L1 copies
///        of tokens native to ZK chains.
/// @dev Asset id = keccak256(abi.encode(originChainId, 0x…010004, token)), the same formula on every chain. L1-native
///      tokens are locked on deposit and released on withdrawal or on a claimed failed deposit. A token native to a ZK
///      chain exists on L1 as a BridgedStandardERC20 behind a BeaconProxy, deployed with CREATE2 (salt
///      keccak256(abi.encode(originChainId, originToken))) the first time it is withdrawn to L1, minted on withdrawal
///      and burned on deposit. Every movement goes through the L1AssetTracker first.
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

    /// @notice The beacon every L1 copy of an L2-native token points at.
    address public immutable bridgedTokenBeacon;

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
    /// @param _bridgedTokenBeacon The UpgradeableBeacon of BridgedStandardERC20 (L1 copies of L2-native tokens).
    constructor(address _assetRouter, address _l1Nullifier, address _owner, address _bridgedTokenBeacon) {
        if (
            _assetRouter == address(0) ||
            _l1Nullifier == address(0) ||
            _owner == address(0) ||
            _bridgedTokenBeacon == address(0)
        ) revert ZeroAddress();
        L1_CHAIN_ID = block.chainid;
        ASSET_ROUTER = _assetRouter;
        L1_NULLIFIER = _l1Nullifier;
        owner = _owner;
        bridgedTokenBeacon = _bridgedTokenBeacon;
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
        if (amount == 0) revert EmptyDeposit();
        uint256 origin = originChainId[_assetId];
        if (origin != L1_CHAIN_ID) {
            return _burnBridged(_chainId, _assetId, _originalCaller, receiver, token, origin, amount);
        }

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

    /// @dev A token native to a ZK chain leaves L1: its L1 copy is burned from the sender.
    function _burnBridged(
        uint256 _chainId,
        bytes32 _assetId,
        address _originalCaller,
        address _receiver,
        address _token,
        uint256 _origin,
        uint256 _amount
    ) internal returns (bytes memory) {
        if (msg.value != 0) revert ValueMismatch(0, msg.value);
        IL1AssetTrackerShared(l1AssetTracker).handleChainBalanceIncreaseOnL1(_chainId, _assetId, _amount, _origin);
        IBridgedStandardToken(_token).bridgeBurn(_originalCaller, _amount);
        emit BridgeBurn(_chainId, _assetId, _originalCaller, _receiver, _amount);
        return
            abi.encode(
                _originalCaller,
                _receiver,
                IBridgedStandardToken(_token).originToken(),
                _amount,
                getERC20Getters(_token, _origin)
            );
    }

    /// @notice Gives out tokens arriving on L1 from `_chainId` (a finalized withdrawal): releases an L1 token, or
    ///         mints the L1 copy of a token native to a ZK chain, deploying it the first time.
    /// @param _data abi.encode(originalCaller, receiver, originToken, amount, erc20Metadata).
    function bridgeMint(uint256 _chainId, bytes32 _assetId, bytes calldata _data) external payable onlyAssetRouter {
        if (msg.value != 0) revert ValueMismatch(0, msg.value);
        (, address receiver, address originToken_, uint256 amount, bytes memory metadata) = abi.decode(
            _data,
            (address, address, address, uint256, bytes)
        );
        if (tokenAddress[_assetId] == address(0)) _deployBridgedToken(_assetId, originToken_, metadata);
        _release(_chainId, _assetId, receiver, amount);
        emit BridgeMint(_chainId, _assetId, receiver, amount);
    }

    /// @notice The token's address on its origin chain (itself for an L1 token); zero if the asset is unknown.
    function originToken(bytes32 _assetId) external view returns (address) {
        address token = tokenAddress[_assetId];
        if (token == address(0) || originChainId[_assetId] == L1_CHAIN_ID) return token;
        return IBridgedStandardToken(token).originToken();
    }

    /// @notice Where the L1 copy of `_originToken` (native to ZK chain `_originChainId`) is or will be deployed.
    function calculateCreate2TokenAddress(uint256 _originChainId, address _originToken) public view returns (address) {
        bytes32 hash = keccak256(
            abi.encodePacked(
                bytes1(0xff),
                address(this),
                _bridgedTokenSalt(_originChainId, _originToken),
                keccak256(_proxyCreationCode())
            )
        );
        return address(uint160(uint256(hash)));
    }

    /// @dev First arrival on L1 of a token native to a ZK chain: the metadata must name an L2 origin whose vault
    ///      asset id is `_assetId`; the copy is deployed at its CREATE2 address and initialised once.
    function _deployBridgedToken(bytes32 _assetId, address _originToken, bytes memory _metadata) internal {
        (uint256 origin, , , ) = DataEncoding.decodeTokenData(_metadata);
        if (origin == 0) revert OriginChainIdNotFound();
        if (origin == L1_CHAIN_ID) revert EmptyAssetId();
        DataEncoding.assetIdCheck(origin, _assetId, _originToken);
        address expected = calculateCreate2TokenAddress(origin, _originToken);
        address token = address(
            new BeaconProxy{salt: _bridgedTokenSalt(origin, _originToken)}(bridgedTokenBeacon, "")
        );
        if (token != expected) revert BridgedTokenAddressMismatch(expected, token);
        IBridgedStandardToken(token).bridgeInitialize(_assetId, _originToken, _metadata);
        assetId[token] = _assetId;
        tokenAddress[_assetId] = token;
        originChainId[_assetId] = origin;
        IL1AssetTrackerShared(l1AssetTracker).registerNewToken(_assetId, origin);
        emit TokenRegistered(_assetId, token, origin);
    }

    function _bridgedTokenSalt(uint256 _originChainId, address _originToken) internal pure returns (bytes32) {
        return keccak256(abi.encode(_originChainId, _originToken));
    }

    function _proxyCreationCode() internal view returns (bytes memory) {
        return bytes.concat(type(BeaconProxy).creationCode, abi.encode(bridgedTokenBeacon, bytes("")));
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
        IL1AssetTrackerShared(l1AssetTracker).handleChainBalanceDecreaseOnL1(_chainId, _assetId, _amount);
        if (originChainId[_assetId] != L1_CHAIN_ID) {
            IBridgedStandardToken(token).bridgeMint(_receiver, _amount);
        } else if (token == ETH_TOKEN_ADDRESS) {
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
