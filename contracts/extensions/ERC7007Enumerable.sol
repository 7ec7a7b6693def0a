// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC7007} from "../ERC7007.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC7007Enumerable} from "../interfaces/IERC7007Enumerable.sol";

/// @title ERC-7007 Enumerable extension
/// @notice `tokenId(prompt)` and `prompt(tokenId)` are inverses over the minted tokens. The prompt is read back
/// from the token's stored data, so this extension keeps no storage of its own.
/// @dev Parameters carry a trailing underscore because the functions `tokenId` and `prompt` would otherwise be
/// shadowed.
abstract contract ERC7007Enumerable is ERC7007, IERC7007Enumerable {
    /// @inheritdoc ERC7007
    function supportsInterface(bytes4 interfaceId) public view virtual override(ERC7007, IERC165) returns (bool) {
        return interfaceId == type(IERC7007Enumerable).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC7007Enumerable
    function tokenId(bytes calldata prompt_) public view virtual returns (uint256 tokenId_) {
        tokenId_ = uint256(keccak256(prompt_));
        _requireOwned(tokenId_);
    }

    /// @inheritdoc IERC7007Enumerable
    function prompt(uint256 tokenId_) public view virtual returns (bytes memory) {
        _requireOwned(tokenId_);
        return _promptOf(tokenId_);
    }
}
