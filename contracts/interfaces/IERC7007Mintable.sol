// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC7007Claimable} from "./IERC7007Claimable.sol";

/// @title The early draft's ERC-7007 mint, for claimed prompts
/// @notice Mints the token of a claimed prompt, with its proven content, to the prompt's claimant.
/// @dev The final ERC-7007 leaves minting to the application; this is the early draft's `mint` signature, bound
/// to the Claimable extension: the token always goes to the claimant, whoever calls.
interface IERC7007Mintable is IERC7007Claimable {
    /// @notice The collection's owner (its vendor, ERC-5313 `owner()`) must be a nonzero address.
    /// @dev Raised by the constructor of the collection that implements this interface.
    error ERC7007InvalidOwner(address owner);

    /// @notice `caller` is not the collection's vendor (`owner()`), the only account that may change its royalty
    /// rate and model card.
    error ERC7007UnauthorizedVendor(address caller, address vendor);

    /// @notice `caller` may not mint: only `minter` may.
    error ERC7007UnauthorizedMinter(address caller, address minter);

    /// @notice A non-empty `uri` was passed; metadata is generated on-chain from the proven data.
    error ERC7007UnsupportedUri(string uri);

    /// @notice Mints `uint256(keccak256(prompt))`, carrying `aigcData`, to the prompt's claimant.
    /// @dev Requires: the caller is the minter (if one is set), `uri` is empty, no token exists for `prompt`,
    /// the prompt has a live claim, the lengths match the encoding, and `proof` verifies. Stores `aigcData` and
    /// emits {IERC7007-AigcData} and ERC-721 `Transfer`. Does not call `onERC721Received`: a claimant cannot
    /// block or re-enter the mint. Besides this interface's and {IERC7007Claimable}'s errors, reverts with the
    /// errors of {IERC7007Zkml} for wrong lengths, an invalid proof, an exhausted verifier call or a failed write.
    /// @param prompt The claimed prompt.
    /// @param aigcData The model's output on `prompt`.
    /// @param uri Must be empty (kept for the early draft's signature; metadata is on-chain).
    /// @param proof The proof that `aigcData` is the model's output on `prompt`.
    /// @return tokenId The minted token, `uint256(keccak256(prompt))`.
    function mint(bytes calldata prompt, bytes calldata aigcData, string calldata uri, bytes calldata proof)
        external
        returns (uint256 tokenId);

    /// @notice The only account allowed to mint, or the zero address if anyone with a valid proof may mint (for
    /// the claimant).
    function minter() external view returns (address);
}
