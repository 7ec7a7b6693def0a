// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title A plain ERC-721 (test only)
/// @notice An OpenZeppelin ERC-721 that reports ERC-721 and ERC-165 but not ERC-7007: what a marketplace must
/// refuse to list.
contract MockERC721 is ERC721 {
    constructor(string memory name_, string memory symbol_) ERC721(name_, symbol_) {}
}
