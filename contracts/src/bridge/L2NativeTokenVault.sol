// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    IAssetHandler,
    IBridgedStandardToken,
    IERC165Minimal,
    IERC20Balances,
    IL2AssetTracker
} from "./IBridge.sol";
import {IBaseTokenHolder} from "../common/interfaces/ISystemContracts.sol";
import {BeaconProxy} from "./BeaconProxy.sol";
import {BridgeHelper} from "./BridgeHelper.sol";
import {DataEncoding} from "./DataEncoding.sol";
import {
    L2_ASSET_ROUTER_ADDR,
    L2_ASSET_TRACKER_ADDR,
    L2_BASE_TOKEN_ADDR,
    L2_BASE_TOKEN_HOLDER_ADDR,
    L2_COMPLEX_UPGRADER_ADDR
} from "../common/L2ContractAddresses.sol";
import {
    AddressMismatch,
    AmountMustBeGreaterThanZero,
    AssetIdMismatch,
    AssetIdNotSupported,
    BaseTokenNotReleasable,
    EmptyToken,
    NonEmptyMsgValue,
    TokenAlreadyRegistered,
    TokenNotSupported,
    TokenTransferFailed,
    TokensWithFeesNotSupported
} from "./BridgeErrors.sol";
import {MsgValueMismatch, Unauthorized, ZeroAddress, ZeroChainId} from "../common/Errors.sol";

/// @notice The router part the vault calls when it registers a token.
interface IL2AssetRouterRegistration {
    function setAssetHandlerAddressThisChain(bytes32 _assetRegistrationData, address _assetHandlerAddress) external;
}

/// @dev ERC-165 interface id of ERC-721.
bytes4 constant ERC721_INTERFACE_ID = 0x80ac58cd;

/// @title L2NativeTokenVault (0x10004): the asset handler of plain ERC-20 tokens.
/// @dev Tokens native to this chain are locked here when they leave and released when they come back; tokens from
///      other chains exist here as BridgedStandardERC20 beacon proxies at a deterministic CREATE2 address
///      (ZKsync OS/EVM rule, this vault as deployer) and are burned and minted. The L2AssetTracker is called before
///      any balance moves.
contract L2NativeTokenVault is IAssetHandler {
    /// @notice Chain id of L1.
    uint256 public L1_CHAIN_ID;
    /// @notice This chain's base-token asset id.
    bytes32 public BASE_TOKEN_ASSET_ID;
    /// @notice Wrapped base token native to this chain (cannot be bridged out); zero if none.
    address public WETH_TOKEN;
    /// @notice The beacon every bridged token proxy points at.
    address public bridgedTokenBeacon;
    /// @notice This chain's base token's address on L1 (registered as L2BaseToken 0x800a here).
    address public baseTokenOriginToken;

    /// @notice Token address on this chain of each asset.
    mapping(bytes32 assetId => address tokenAddress) public tokenAddress;
    /// @notice Asset id of each token on this chain.
    mapping(address tokenAddress => bytes32 assetId) public assetId;
    /// @notice Origin chain of each asset.
    mapping(bytes32 assetId => uint256 originChainId) public originChainId;
    /// @notice Every token registered or deployed here, in order.
    address[] public bridgedTokens;

    /// @notice Emitted when the beacon is set.
    event BridgedTokenBeaconUpdated(address bridgedTokenBeacon, bytes32 bridgedTokenProxyBytecodeHash);
    /// @notice Emitted when a token is registered (native) or its bridged copy deployed.
    event TokenRegistered(bytes32 indexed assetId, address indexed token, uint256 indexed originChainId);

    modifier onlyAssetRouter() {
        if (msg.sender != L2_ASSET_ROUTER_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice Initialises the vault. ComplexUpgrader only, once.
    /// @param _l1ChainId Chain id of L1.
    /// @param _baseTokenAssetId This chain's base-token asset id.
    /// @param _bridgedTokenBeacon The beacon of bridged tokens.
    /// @param _wethToken Wrapped base token native to this chain, or zero.
    /// @param _baseTokenOriginToken The base token's address on L1 (`address(1)` for ETH).
    function initL2(
        uint256 _l1ChainId,
        bytes32 _baseTokenAssetId,
        address _bridgedTokenBeacon,
        address _wethToken,
        address _baseTokenOriginToken
    ) external {
        if (msg.sender != L2_COMPLEX_UPGRADER_ADDR) revert Unauthorized(msg.sender);
        require(L1_CHAIN_ID == 0, "Initializable: contract is already initialized");
        if (_l1ChainId == 0) revert ZeroChainId();
        if (_bridgedTokenBeacon == address(0)) revert ZeroAddress();
        L1_CHAIN_ID = _l1ChainId;
        BASE_TOKEN_ASSET_ID = _baseTokenAssetId;
        bridgedTokenBeacon = _bridgedTokenBeacon;
        WETH_TOKEN = _wethToken;
        if (DataEncoding.encodeNTVAssetId(_l1ChainId, _baseTokenOriginToken) != _baseTokenAssetId) {
            revert AssetIdMismatch(DataEncoding.encodeNTVAssetId(_l1ChainId, _baseTokenOriginToken), _baseTokenAssetId);
        }
        baseTokenOriginToken = _baseTokenOriginToken;
        tokenAddress[_baseTokenAssetId] = L2_BASE_TOKEN_ADDR;
        assetId[L2_BASE_TOKEN_ADDR] = _baseTokenAssetId;
        originChainId[_baseTokenAssetId] = _l1ChainId;
        emit BridgedTokenBeaconUpdated(_bridgedTokenBeacon, keccak256(_proxyCreationCode()));
    }

    /*//////////////////////////////////////////////////////////////
                            Registration
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers a token native to this chain (permissionless, once).
    /// @param _nativeToken The ERC-20.
    function registerToken(address _nativeToken) public {
        if (_nativeToken == WETH_TOKEN && _nativeToken != address(0)) revert TokenNotSupported(_nativeToken);
        if (_nativeToken.code.length == 0) revert EmptyToken();
        if (assetId[_nativeToken] != bytes32(0)) revert TokenAlreadyRegistered(_nativeToken);
        if (_isERC721(_nativeToken)) revert TokenNotSupported(_nativeToken);
        _unsafeRegisterNativeToken(_nativeToken);
    }

    /// @notice The token's asset id, registering it first if needed.
    /// @param _nativeToken The ERC-20.
    /// @return tokenAssetId Its asset id.
    function ensureTokenIsRegistered(address _nativeToken) public returns (bytes32 tokenAssetId) {
        tokenAssetId = assetId[_nativeToken];
        if (tokenAssetId == bytes32(0)) {
            registerToken(_nativeToken);
            tokenAssetId = assetId[_nativeToken];
        }
    }

    /// @notice Number of entries in `bridgedTokens`.
    function bridgedTokensCount() external view returns (uint256) {
        return bridgedTokens.length;
    }

    function _unsafeRegisterNativeToken(address _token) internal {
        bytes32 newAssetId = DataEncoding.encodeNTVAssetId(block.chainid, _token);
        tokenAddress[newAssetId] = _token;
        assetId[_token] = newAssetId;
        originChainId[newAssetId] = block.chainid;
        bridgedTokens.push(_token);
        IL2AssetRouterRegistration(L2_ASSET_ROUTER_ADDR).setAssetHandlerAddressThisChain(
            bytes32(uint256(uint160(_token))),
            address(this)
        );
        IL2AssetTracker(L2_ASSET_TRACKER_ADDR).registerNewTokenIfNeeded(newAssetId, block.chainid);
        emit TokenRegistered(newAssetId, _token, block.chainid);
    }

    function _isERC721(address _token) internal view returns (bool) {
        (bool ok, bytes memory result) = _token.staticcall{gas: 30_000}(
            abi.encodeCall(IERC165Minimal.supportsInterface, (ERC721_INTERFACE_ID))
        );
        return ok && result.length == 32 && abi.decode(result, (uint256)) == 1;
    }

    /*//////////////////////////////////////////////////////////////
                            Burn (source side)
    //////////////////////////////////////////////////////////////*/

    /// @notice Takes `amount` of the asset from `_originalCaller` for a transfer to `_chainId`. AssetRouter only.
    /// @param _chainId Destination chain.
    /// @param _l2MsgValue The interop call value; must be zero for vault assets.
    /// @param _assetId The asset.
    /// @param _originalCaller The user.
    /// @param _data Burn data: abi.encode(uint256 amount, address receiver, address maybeToken) (exactly 96 bytes).
    /// @return The bridge mint data.
    function bridgeBurn(
        uint256 _chainId,
        uint256 _l2MsgValue,
        bytes32 _assetId,
        address _originalCaller,
        bytes calldata _data
    ) external payable onlyAssetRouter returns (bytes memory) {
        if (_l2MsgValue != 0) revert NonEmptyMsgValue();
        (uint256 amount, address receiver, address maybeToken) = DataEncoding.decodeNTVBurnData(_data);
        if (amount == 0) revert AmountMustBeGreaterThanZero();
        if (_assetId == BASE_TOKEN_ASSET_ID) return _burnBaseToken(_chainId, _originalCaller, receiver, amount);
        if (msg.value != 0) revert NonEmptyMsgValue();
        address token = tokenAddress[_assetId];
        if (token == address(0) && maybeToken != address(0)) {
            // Lazy registration of a native token named in the burn data.
            if (assetId[maybeToken] == bytes32(0)) registerToken(maybeToken);
            token = tokenAddress[_assetId];
        }
        if (token == address(0)) revert AssetIdNotSupported(_assetId);
        if (maybeToken != address(0) && maybeToken != token) {
            revert AssetIdMismatch(assetId[maybeToken], _assetId);
        }

        uint256 origin = originChainId[_assetId];
        IL2AssetTracker(L2_ASSET_TRACKER_ADDR).handleInitiateBridgingOnL2(_chainId, _assetId, amount, origin);

        address originToken;
        if (origin != block.chainid) {
            IBridgedStandardToken(token).bridgeBurn(_originalCaller, amount);
            originToken = IBridgedStandardToken(token).originToken();
        } else {
            if (token == WETH_TOKEN) revert TokenNotSupported(token);
            uint256 before = IERC20Balances(token).balanceOf(address(this));
            _callToken(token, abi.encodeWithSelector(0x23b872dd, _originalCaller, address(this), amount));
            if (IERC20Balances(token).balanceOf(address(this)) - before != amount) revert TokensWithFeesNotSupported();
            originToken = token;
        }
        bytes memory metadata = BridgeHelper.getERC20Getters(token, origin);
        emit BridgeBurn(_chainId, _assetId, _originalCaller, receiver, amount);
        return DataEncoding.encodeBridgeMintData(_originalCaller, receiver, originToken, amount, metadata);
    }

    /// @dev This chain's base token leaves as an ordinary vault asset (to a chain with another base token): the value
    ///      (the call's `indirectCall` message value) goes into the BaseTokenHolder.
    function _burnBaseToken(
        uint256 _chainId,
        address _originalCaller,
        address _receiver,
        uint256 _amount
    ) internal returns (bytes memory) {
        if (msg.value != _amount) revert MsgValueMismatch(_amount, msg.value);
        IL2AssetTracker(L2_ASSET_TRACKER_ADDR).handleInitiateBridgingOnL2(
            _chainId,
            BASE_TOKEN_ASSET_ID,
            _amount,
            L1_CHAIN_ID
        );
        IBaseTokenHolder(L2_BASE_TOKEN_HOLDER_ADDR).burnAndStartBridging{value: _amount}(_chainId);
        bool isEth = baseTokenOriginToken == address(1);
        bytes memory metadata = DataEncoding.encodeTokenData(
            L1_CHAIN_ID,
            isEth ? abi.encode("Ether") : bytes(""),
            isEth ? abi.encode("ETH") : bytes(""),
            abi.encode(uint8(18))
        );
        emit BridgeBurn(_chainId, BASE_TOKEN_ASSET_ID, _originalCaller, _receiver, _amount);
        return DataEncoding.encodeBridgeMintData(_originalCaller, _receiver, baseTokenOriginToken, _amount, metadata);
    }

    /*//////////////////////////////////////////////////////////////
                            Mint (destination side)
    //////////////////////////////////////////////////////////////*/

    /// @notice Gives out the asset arriving from `_chainId`: releases a native token, or mints the bridged copy
    ///         (deploying it on first use). AssetRouter only.
    /// @param _chainId Source chain.
    /// @param _assetId The asset.
    /// @param _data Bridge mint data.
    function bridgeMint(uint256 _chainId, bytes32 _assetId, bytes calldata _data) external payable onlyAssetRouter {
        if (msg.value != 0) revert NonEmptyMsgValue();
        if (_assetId == BASE_TOKEN_ASSET_ID) revert BaseTokenNotReleasable(_assetId);
        (, address receiver, address originToken, uint256 amount, bytes memory metadata) = DataEncoding
            .decodeBridgeMintData(_data);
        address token = tokenAddress[_assetId];
        if (token == address(0)) token = _ensureAndSaveTokenDeployed(_assetId, originToken, metadata);
        uint256 origin = originChainId[_assetId];

        IL2AssetTracker(L2_ASSET_TRACKER_ADDR).handleFinalizeBridgingOnL2(_chainId, _assetId, amount, origin, token);
        if (origin == block.chainid) {
            _callToken(token, abi.encodeWithSelector(0xa9059cbb, receiver, amount));
        } else {
            IBridgedStandardToken(token).bridgeMint(receiver, amount);
        }
        emit BridgeMint(_chainId, _assetId, receiver, amount);
    }

    function _ensureAndSaveTokenDeployed(
        bytes32 _assetId,
        address _originToken,
        bytes memory _metadata
    ) internal returns (address token) {
        (uint256 tokenOriginChainId, , , ) = DataEncoding.decodeTokenData(_metadata);
        DataEncoding.assetIdCheck(tokenOriginChainId, _assetId, _originToken);
        // A token native to this chain must have been registered before it could leave.
        if (tokenOriginChainId == block.chainid) revert AssetIdNotSupported(_assetId);
        address expected = calculateCreate2TokenAddress(tokenOriginChainId, _originToken);
        token = address(new BeaconProxy{salt: _getCreate2Salt(tokenOriginChainId, _originToken)}(bridgedTokenBeacon, ""));
        if (token != expected) revert AddressMismatch(expected, token);
        IBridgedStandardToken(token).bridgeInitialize(_assetId, _originToken, _metadata);
        tokenAddress[_assetId] = token;
        assetId[token] = _assetId;
        originChainId[_assetId] = tokenOriginChainId;
        bridgedTokens.push(token);
        emit TokenRegistered(_assetId, token, tokenOriginChainId);
    }

    /*//////////////////////////////////////////////////////////////
                            Addresses
    //////////////////////////////////////////////////////////////*/

    /// @notice Where the bridged copy of `_originToken` from `_originChainId` is (or will be) deployed on this chain.
    function calculateCreate2TokenAddress(uint256 _originChainId, address _originToken) public view returns (address) {
        bytes32 hash = keccak256(
            abi.encodePacked(
                bytes1(0xff),
                address(this),
                _getCreate2Salt(_originChainId, _originToken),
                keccak256(_proxyCreationCode())
            )
        );
        return address(uint160(uint256(hash)));
    }

    /// @notice The bridged copy of an L1 token on this chain (deployed or predicted).
    function l2TokenAddress(address _l1Token) external view returns (address) {
        address token = tokenAddress[DataEncoding.encodeNTVAssetId(L1_CHAIN_ID, _l1Token)];
        return token != address(0) ? token : calculateCreate2TokenAddress(L1_CHAIN_ID, _l1Token);
    }

    function _getCreate2Salt(uint256 _originChainId, address _originToken) internal view returns (bytes32) {
        return
            _originChainId == L1_CHAIN_ID
                ? bytes32(uint256(uint160(_originToken)))
                : keccak256(abi.encode(_originChainId, _originToken));
    }

    function _proxyCreationCode() internal view returns (bytes memory) {
        return bytes.concat(type(BeaconProxy).creationCode, abi.encode(bridgedTokenBeacon, bytes("")));
    }

    /// @dev ERC-20 call that accepts tokens returning nothing (like OpenZeppelin's SafeERC20).
    function _callToken(address _token, bytes memory _data) internal {
        (bool success, bytes memory result) = _token.call(_data);
        if (!success || (result.length != 0 && (result.length != 32 || abi.decode(result, (uint256)) != 1))) {
            revert TokenTransferFailed(_token);
        }
    }
}
