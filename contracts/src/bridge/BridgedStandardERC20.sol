// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBridgedStandardToken} from "./IBridge.sol";
import {
    AlreadyInitialized,
    InsufficientAllowance,
    InsufficientBalance,
    OnlyNativeTokenVault
} from "./BridgeErrors.sol";
import {ZeroAddress} from "../common/Errors.sol";
import {DataEncoding} from "./DataEncoding.sol";

/// @title BridgedStandardERC20: the copy of a token on a chain other than its origin.
/// @dev Lives behind a BeaconProxy deployed by the native token vault, which initialises it once with the origin's
///      metadata and is the only account that may mint or burn.
contract BridgedStandardERC20 is IBridgedStandardToken {
    string private _name;
    string private _symbol;
    uint8 private _decimals;
    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    /// @notice The token's address on its origin chain.
    address public originToken;
    /// @notice The token's asset id.
    bytes32 public assetId;
    /// @notice The vault that deployed this token: the only minter and burner.
    address public nativeTokenVault;
    /// @notice The origin chain id.
    uint256 public originChainId;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// @notice Emitted once, when the vault initialises the token.
    event BridgeInitialize(address indexed l1Token, string name, string symbol, uint8 decimals);
    /// @notice Emitted when the vault mints.
    event BridgeMint(address indexed account, uint256 amount);
    /// @notice Emitted when the vault burns.
    event BridgeBurn(address indexed account, uint256 amount);

    modifier onlyNTV() {
        if (msg.sender != nativeTokenVault) revert OnlyNativeTokenVault(msg.sender);
        _;
    }

    /// @notice Initialises the token with its origin's metadata. Once; the caller becomes the vault.
    /// @param _assetId The asset id.
    /// @param _originToken The token's address on its origin chain.
    /// @param _data 0x01 ‖ abi.encode(originChainId, name, symbol, decimals) with ABI-encoded getters.
    function bridgeInitialize(bytes32 _assetId, address _originToken, bytes calldata _data) external {
        if (nativeTokenVault != address(0)) revert AlreadyInitialized();
        if (_originToken == address(0)) revert ZeroAddress();
        nativeTokenVault = msg.sender;
        originToken = _originToken;
        assetId = _assetId;
        (uint256 chainId, bytes memory name_, bytes memory symbol_, bytes memory decimals_) = DataEncoding
            .decodeTokenData(_data);
        originChainId = chainId;
        _name = name_.length == 0 ? "" : abi.decode(name_, (string));
        _symbol = symbol_.length == 0 ? "" : abi.decode(symbol_, (string));
        _decimals = decimals_.length == 0 ? 18 : abi.decode(decimals_, (uint8));
        emit BridgeInitialize(_originToken, _name, _symbol, _decimals);
    }

    /// @notice Mints `_amount` to `_to`. Vault only.
    function bridgeMint(address _to, uint256 _amount) external onlyNTV {
        totalSupply += _amount;
        balanceOf[_to] += _amount;
        emit Transfer(address(0), _to, _amount);
        emit BridgeMint(_to, _amount);
    }

    /// @notice Burns `_amount` from `_from`. Vault only (no allowance needed).
    function bridgeBurn(address _from, uint256 _amount) external onlyNTV {
        uint256 balance = balanceOf[_from];
        if (balance < _amount) revert InsufficientBalance(balance, _amount);
        balanceOf[_from] = balance - _amount;
        totalSupply -= _amount;
        emit Transfer(_from, address(0), _amount);
        emit BridgeBurn(_from, _amount);
    }

    /// @notice The origin token's name.
    function name() external view returns (string memory) {
        return _name;
    }

    /// @notice The origin token's symbol.
    function symbol() external view returns (string memory) {
        return _symbol;
    }

    /// @notice The origin token's decimals.
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @notice Legacy name of `originToken` that SDKs read.
    function l1Address() external view returns (address) {
        return originToken;
    }

    function transfer(address _to, uint256 _amount) external returns (bool) {
        _transfer(msg.sender, _to, _amount);
        return true;
    }

    function approve(address _spender, uint256 _amount) external returns (bool) {
        allowance[msg.sender][_spender] = _amount;
        emit Approval(msg.sender, _spender, _amount);
        return true;
    }

    function transferFrom(address _from, address _to, uint256 _amount) external returns (bool) {
        uint256 allowed = allowance[_from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < _amount) revert InsufficientAllowance(allowed, _amount);
            allowance[_from][msg.sender] = allowed - _amount;
        }
        _transfer(_from, _to, _amount);
        return true;
    }

    function _transfer(address _from, address _to, uint256 _amount) private {
        if (_to == address(0)) revert ZeroAddress();
        uint256 balance = balanceOf[_from];
        if (balance < _amount) revert InsufficientBalance(balance, _amount);
        balanceOf[_from] = balance - _amount;
        balanceOf[_to] += _amount;
        emit Transfer(_from, _to, _amount);
    }
}
