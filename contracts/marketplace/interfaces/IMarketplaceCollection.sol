// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ModelEncoding} from "../../types/ModelEncoding.sol";

/// @title The view of an ERC-7007 collection that the model marketplace relies on
/// @notice The subset of the project's ERC-7007 collection ({IERC7007Mintable}, {IERC7007Claimable},
/// {IERC7007Zkml}) that {ModelMarketplace} calls, with the same signatures. Declared here, minimal, so the
/// marketplace depends only on what it uses.
/// @dev A listed collection must: mint only for a valid proof; mint `uint256(keccak256(prompt))` to the
/// prompt's claimant and to no one else; let only its `minter` mint when `minter` is nonzero; bind one verifier
/// immutably. The marketplace checks `minter() == address(this)` when listing and checks the minted token's
/// owner after every mint, but it cannot check the collection's code: users and provers should check a
/// listing's collection and verifier before paying or proving.
interface IMarketplaceCollection {
    /// @notice Mints the token for `prompt` to the prompt's claimant; requires a valid `proof` and an unexpired
    /// claim, and (when {minter} is nonzero) that the caller is {minter}.
    /// @return tokenId `uint256(keccak256(prompt))`.
    function mint(bytes calldata prompt, bytes calldata aigcData, string calldata uri, bytes calldata proof)
        external
        returns (uint256 tokenId);

    /// @notice Mints, for each slot i in `mintMask`, the token of prompt i to its claimant, with one batch proof
    /// for all slots of `prompts` / `aigcDatas` (concatenated in slot order); see {IERC7007Batch-mintBatch}.
    /// @return batch The data contract holding the batch.
    function mintBatch(bytes calldata prompts, bytes calldata aigcDatas, bytes calldata proof, uint256 mintMask)
        external
        returns (address batch);

    /// @notice The claim on `prompt`: its claimant and the time it expires (live while
    /// `block.timestamp < expiresAt`); `(address(0), 0)` if never claimed or consumed by minting.
    function claimOf(bytes calldata prompt) external view returns (address claimant, uint256 expiresAt);

    /// @notice The only account allowed to mint, or zero if anyone with a valid proof and claim may.
    function minter() external view returns (address);

    /// @notice The ezkl verifier the collection is immutably bound to.
    function verifier() external view returns (address);

    /// @notice The commitment to the model's artifacts the collection is immutably bound to.
    function modelHash() external view returns (bytes32);

    /// @notice The model's encoding: the marketplace reads the prompt length (`inputLen`) from it.
    function encoding() external view returns (ModelEncoding memory);

    /// @notice The owner of `tokenId` (ERC-721).
    function ownerOf(uint256 tokenId) external view returns (address);
}
