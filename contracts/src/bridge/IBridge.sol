// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title An asset handler: burns or locks on the source chain, mints or releases on the destination.
interface IAssetHandler {
    /// @notice Emitted when an asset leaves this chain.
    event BridgeBurn(
        uint256 indexed chainId,
        bytes32 indexed assetId,
        address indexed sender,
        address receiver,
        uint256 amount
    );

    /// @notice Emitted when an asset arrives on this chain.
    event BridgeMint(uint256 indexed chainId, bytes32 indexed assetId, address receiver, uint256 amount);

    /// @notice Gives out the asset described by `_data` (bridge mint data) arriving from `_chainId`.
    function bridgeMint(uint256 _chainId, bytes32 _assetId, bytes calldata _data) external payable;

    /// @notice Takes the asset described by `_data` (burn data) from `_originalCaller`, bound for `_chainId`.
    /// @return The bridge mint data to deliver on the destination.
    function bridgeBurn(
        uint256 _chainId,
        uint256 _msgValue,
        bytes32 _assetId,
        address _originalCaller,
        bytes calldata _data
    ) external payable returns (bytes memory);
}

/// @title L2AssetTracker (0x1000f), the parts the vault and BaseTokenHolder call.
interface IL2AssetTracker {
    function handleInitiateBridgingOnL2(
        uint256 _toChainId,
        bytes32 _assetId,
        uint256 _amount,
        uint256 _tokenOriginChainId
    ) external;

    function handleFinalizeBridgingOnL2(
        uint256 _fromChainId,
        bytes32 _assetId,
        uint256 _amount,
        uint256 _tokenOriginChainId,
        address _tokenAddress
    ) external;

    function handleInitiateBaseTokenBridgingOnL2(uint256 _toChainId, uint256 _amount) external;

    function handleFinalizeBaseTokenBridgingOnL2(uint256 _fromChainId, uint256 _amount) external;

    function registerNewTokenIfNeeded(bytes32 _assetId, uint256 _originChainId) external;
}

/// @title What the router needs from the vault.
interface IL2NativeTokenVaultForRouter {
    function ensureTokenIsRegistered(address _token) external returns (bytes32);
}

/// @title What the vault needs from a bridged token.
interface IBridgedStandardToken {
    function bridgeInitialize(bytes32 _assetId, address _originToken, bytes calldata _data) external;

    function bridgeMint(address _to, uint256 _amount) external;

    function bridgeBurn(address _from, uint256 _amount) external;

    function originToken() external view returns (address);

    function assetId() external view returns (bytes32);
}

/// @title The ERC-20 calls the vault makes.
interface IERC20Balances {
    function balanceOf(address _account) external view returns (uint256);

    function totalSupply() external view returns (uint256);
}

/// @title ERC-165.
interface IERC165Minimal {
    function supportsInterface(bytes4 _interfaceId) external view returns (bool);
}

/// @title A beacon: where beacon proxies find their implementation.
interface IBeacon {
    function implementation() external view returns (address);
}
