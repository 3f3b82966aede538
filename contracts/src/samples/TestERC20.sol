// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TestERC20: a plain ERC-20 anyone can mint, for tests and examples.
contract TestERC20 {
    string public name;
    string public symbol;
    uint8 public decimals;
    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory _name, string memory _symbol, uint8 _decimals) {
        name = _name;
        symbol = _symbol;
        decimals = _decimals;
    }

    /// @notice Mints `_amount` to `_to` (anyone may call).
    function mint(address _to, uint256 _amount) external {
        totalSupply += _amount;
        balanceOf[_to] += _amount;
        emit Transfer(address(0), _to, _amount);
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
            require(allowed >= _amount, "ERC20: insufficient allowance");
            allowance[_from][msg.sender] = allowed - _amount;
        }
        _transfer(_from, _to, _amount);
        return true;
    }

    function _transfer(address _from, address _to, uint256 _amount) internal virtual {
        require(balanceOf[_from] >= _amount, "ERC20: transfer amount exceeds balance");
        balanceOf[_from] -= _amount;
        balanceOf[_to] += _amount;
        emit Transfer(_from, _to, _amount);
    }
}

/// @title FeeOnTransferERC20: burns 1% of every transfer (the vault must refuse it).
contract FeeOnTransferERC20 is TestERC20 {
    constructor() TestERC20("Fee Token", "FEE", 18) {}

    function _transfer(address _from, address _to, uint256 _amount) internal override {
        require(balanceOf[_from] >= _amount, "ERC20: transfer amount exceeds balance");
        uint256 fee = _amount / 100;
        balanceOf[_from] -= _amount;
        balanceOf[_to] += _amount - fee;
        totalSupply -= fee;
        emit Transfer(_from, _to, _amount - fee);
    }
}
