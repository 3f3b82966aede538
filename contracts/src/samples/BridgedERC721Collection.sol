// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestERC721} from "./TestERC721.sol";
import {DataEncoding} from "../bridge/DataEncoding.sol";
import {L2_ASSET_ROUTER_ADDR} from "../common/L2ContractAddresses.sol";
import {Unauthorized} from "../common/Errors.sol";

interface IAssetRouterCustomAssets {
    function setAssetHandlerAddressThisChain(bytes32 _assetRegistrationData, address _assetHandlerAddress) external;

    function setAssetHandlerAddressForOriginChain(
        uint256 _originChainId,
        bytes32 _assetRegistrationData,
        address _assetHandlerAddress
    ) external;
}

/// @title BridgedERC721Collection: an example custom asset handler, an ERC-721 collection that crosses chains by
///        burn/mint through the asset router.
/// @dev Deploy it at the same address on every chain (same deployer and nonce), with the origin chain id, and call
///      `registerWithRouter` on each. Asset id: `keccak256(abi.encode(originChainId, this, bytes32(this)))`.
///      Transfer data (the user's `0x01 ‖ abi.encode(assetId, data)` to the router): `abi.encode(tokenId, receiver)`.
///      The mint data uses the vault's layout with amount 1 and the token id in the metadata's last field, so
///      Gateway's asset tracker counts NFTs per chain.
contract BridgedERC721Collection is TestERC721 {
    /// @notice The chain where the collection is minted.
    uint256 public immutable ORIGIN_CHAIN_ID;
    /// @notice Who may mint on the origin chain.
    address public immutable minter;

    event NFTBridgedOut(uint256 indexed chainId, uint256 indexed tokenId, address indexed from, address receiver);
    event NFTBridgedIn(uint256 indexed chainId, uint256 indexed tokenId, address indexed receiver);

    constructor(string memory _name, string memory _symbol, uint256 _originChainId) TestERC721(_name, _symbol) {
        ORIGIN_CHAIN_ID = _originChainId;
        minter = msg.sender;
    }

    modifier onlyAssetRouter() {
        if (msg.sender != L2_ASSET_ROUTER_ADDR) revert Unauthorized(msg.sender);
        _;
    }

    /// @notice The collection's asset id.
    function assetId() public view returns (bytes32) {
        return DataEncoding.encodeAssetId(ORIGIN_CHAIN_ID, _registrationData(), address(this));
    }

    /// @notice Names this contract as the asset's handler on this chain's router.
    function registerWithRouter() external {
        if (ORIGIN_CHAIN_ID == block.chainid) {
            IAssetRouterCustomAssets(L2_ASSET_ROUTER_ADDR).setAssetHandlerAddressThisChain(
                _registrationData(),
                address(this)
            );
        } else {
            IAssetRouterCustomAssets(L2_ASSET_ROUTER_ADDR).setAssetHandlerAddressForOriginChain(
                ORIGIN_CHAIN_ID,
                _registrationData(),
                address(this)
            );
        }
    }

    /// @notice Mints on the origin chain only. Minter only.
    function mint(address _to, uint256 _tokenId) external override {
        if (msg.sender != minter || block.chainid != ORIGIN_CHAIN_ID) revert Unauthorized(msg.sender);
        _mint(_to, _tokenId);
    }

    /// @notice ERC-721 only (not claimable by the vault).
    function supportsInterface(bytes4 _interfaceId) public pure override returns (bool) {
        return super.supportsInterface(_interfaceId);
    }

    /// @notice Burns the NFT of `_originalCaller` leaving for `_chainId`. Asset router only.
    function bridgeBurn(
        uint256 _chainId,
        uint256,
        bytes32 _assetId,
        address _originalCaller,
        bytes calldata _data
    ) external payable onlyAssetRouter returns (bytes memory) {
        require(_assetId == assetId(), "BridgedERC721Collection: wrong asset");
        (uint256 tokenId, address receiver) = abi.decode(_data, (uint256, address));
        require(ownerOf[tokenId] == _originalCaller, "BridgedERC721Collection: not the owner");
        _burn(tokenId);
        emit NFTBridgedOut(_chainId, tokenId, _originalCaller, receiver);
        bytes memory metadata = DataEncoding.encodeTokenData(
            ORIGIN_CHAIN_ID,
            abi.encode(name),
            abi.encode(symbol),
            abi.encode(tokenId)
        );
        return DataEncoding.encodeBridgeMintData(_originalCaller, receiver, address(this), 1, metadata);
    }

    /// @notice Mints the NFT arriving from `_chainId`. Asset router only.
    function bridgeMint(uint256 _chainId, bytes32 _assetId, bytes calldata _data) external payable onlyAssetRouter {
        require(_assetId == assetId(), "BridgedERC721Collection: wrong asset");
        (, address receiver, , , bytes memory metadata) = DataEncoding.decodeBridgeMintData(_data);
        (, , , bytes memory encodedId) = DataEncoding.decodeTokenData(metadata);
        uint256 tokenId = abi.decode(encodedId, (uint256));
        _mint(receiver, tokenId);
        emit NFTBridgedIn(_chainId, tokenId, receiver);
    }

    function _registrationData() internal view returns (bytes32) {
        return bytes32(uint256(uint160(address(this))));
    }
}
