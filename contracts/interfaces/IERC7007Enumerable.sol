// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC7007} from "./IERC7007.sol";

/// @title ERC-7007 Enumerable extension
/// @notice Maps prompts to token ids and back.
/// @dev ERC-165 interface id `0xfa1a557a` (= `tokenId.selector ^ prompt.selector`). The early draft declared
/// `prompt` as returning `string`; a function selector ignores return types, so returning `bytes` keeps the
/// same interface id. `bytes` is the honest type here: prompts are binary (int8 latents), and most are not
/// valid UTF-8, which ABI decoders reject or mangle when told the value is a `string`.
interface IERC7007Enumerable is IERC7007 {
    /// @notice The token minted for `prompt`.
    /// @dev Reverts with `ERC721NonexistentToken(uint256(keccak256(prompt)))` if no token exists for `prompt`.
    /// @param prompt The model input.
    /// @return The token id, `uint256(keccak256(prompt))`.
    function tokenId(bytes calldata prompt) external view returns (uint256);

    /// @notice The prompt the token `tokenId` was minted for; the inverse of {tokenId}.
    /// @dev Reverts with `ERC721NonexistentToken(tokenId)` if the token does not exist.
    /// @param tokenId The token.
    /// @return The prompt bytes.
    function prompt(uint256 tokenId) external view returns (bytes memory);
}
