// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TestERC721: a minimal ERC-721 anyone can mint (the vault refuses it: NFTs need their own handler).
contract TestERC721 {
    string public name;
    string public symbol;
    mapping(uint256 tokenId => address) public ownerOf;
    mapping(address owner => uint256) public balanceOf;
    mapping(uint256 tokenId => address) public getApproved;

    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);

    constructor(string memory _name, string memory _symbol) {
        name = _name;
        symbol = _symbol;
    }

    /// @notice ERC-165: ERC-165 and ERC-721.
    function supportsInterface(bytes4 _interfaceId) public pure virtual returns (bool) {
        return _interfaceId == 0x01ffc9a7 || _interfaceId == 0x80ac58cd;
    }

    /// @notice Mints `_tokenId` to `_to` (anyone may call on this sample).
    function mint(address _to, uint256 _tokenId) external virtual {
        _mint(_to, _tokenId);
    }

    function approve(address _approved, uint256 _tokenId) external {
        require(ownerOf[_tokenId] == msg.sender, "ERC721: not the owner");
        getApproved[_tokenId] = _approved;
        emit Approval(msg.sender, _approved, _tokenId);
    }

    function transferFrom(address _from, address _to, uint256 _tokenId) external {
        require(ownerOf[_tokenId] == _from, "ERC721: wrong owner");
        require(msg.sender == _from || msg.sender == getApproved[_tokenId], "ERC721: not allowed");
        require(_to != address(0), "ERC721: zero receiver");
        delete getApproved[_tokenId];
        balanceOf[_from] -= 1;
        balanceOf[_to] += 1;
        ownerOf[_tokenId] = _to;
        emit Transfer(_from, _to, _tokenId);
    }

    function _mint(address _to, uint256 _tokenId) internal {
        require(_to != address(0), "ERC721: zero receiver");
        require(ownerOf[_tokenId] == address(0), "ERC721: already minted");
        ownerOf[_tokenId] = _to;
        balanceOf[_to] += 1;
        emit Transfer(address(0), _to, _tokenId);
    }

    function _burn(uint256 _tokenId) internal {
        address owner = ownerOf[_tokenId];
        delete ownerOf[_tokenId];
        delete getApproved[_tokenId];
        balanceOf[owner] -= 1;
        emit Transfer(owner, address(0), _tokenId);
    }
}
