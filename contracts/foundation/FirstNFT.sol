// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title FirstNFT
/// @notice The foundation's smoke contract: an owner-minted ERC-721 on OpenZeppelin 5, compiled through the
/// offline solc adapter. It proves the toolchain (npm dependency, remapping, compiler registration) end to end.
contract FirstNFT is ERC721, Ownable {
    /// @notice Next id `mint` hands out; ids start at 1.
    uint256 private _nextTokenId = 1;

    constructor(address initialOwner) ERC721("zkaigc first", "ZKF") Ownable(initialOwner) {}

    /// @notice Mints the next token to `to`; only the owner may mint.
    function mint(address to) external onlyOwner returns (uint256 tokenId) {
        tokenId = _nextTokenId++;
        _safeMint(to, tokenId);
    }

    /// @notice The id the next `mint` will use.
    function nextTokenId() external view returns (uint256) {
        return _nextTokenId;
    }
}
