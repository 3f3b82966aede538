// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title L1TestnetERC20: a plain ERC20 on the devnet's L1 (base tokens of ERC20-based chains, test tokens).
/// @dev Anyone may mint: it is a development token.
contract L1TestnetERC20 {
    /// @notice Token name.
    string public name;
    /// @notice Token symbol.
    string public symbol;
    /// @notice Token decimals.
    uint8 public immutable decimals;
    /// @notice Total supply.
    uint256 public totalSupply;
    /// @notice Balances.
    mapping(address account => uint256) public balanceOf;
    /// @notice Allowances.
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    /// @notice ERC20 Transfer.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice ERC20 Approval.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// @dev ERC-6093 errors.
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);

    constructor(string memory _name, string memory _symbol, uint8 _decimals) {
        name = _name;
        symbol = _symbol;
        decimals = _decimals;
    }

    /// @notice Mints `_amount` to `_to` (anyone may call).
    function mint(address _to, uint256 _amount) external returns (bool) {
        totalSupply += _amount;
        balanceOf[_to] += _amount;
        emit Transfer(address(0), _to, _amount);
        return true;
    }

    /// @notice ERC20 transfer.
    function transfer(address _to, uint256 _amount) external returns (bool) {
        _transfer(msg.sender, _to, _amount);
        return true;
    }

    /// @notice ERC20 approve.
    function approve(address _spender, uint256 _amount) external returns (bool) {
        allowance[msg.sender][_spender] = _amount;
        emit Approval(msg.sender, _spender, _amount);
        return true;
    }

    /// @notice ERC20 transferFrom.
    function transferFrom(address _from, address _to, uint256 _amount) external returns (bool) {
        uint256 allowed = allowance[_from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < _amount) revert ERC20InsufficientAllowance(msg.sender, allowed, _amount);
            allowance[_from][msg.sender] = allowed - _amount;
        }
        _transfer(_from, _to, _amount);
        return true;
    }

    function _transfer(address _from, address _to, uint256 _amount) internal {
        uint256 balance = balanceOf[_from];
        if (balance < _amount) revert ERC20InsufficientBalance(_from, balance, _amount);
        unchecked {
            balanceOf[_from] = balance - _amount;
        }
        balanceOf[_to] += _amount;
        emit Transfer(_from, _to, _amount);
    }
}
