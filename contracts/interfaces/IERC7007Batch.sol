// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC7007Mintable} from "./IERC7007Mintable.sol";

/// @title Batch mints for an ERC-7007 zkML collection: one proof for N prompts, one call mints their tokens
/// @notice Besides its single-prompt verifier, the collection is bound, immutably, to one verifier per batch size N
/// (the model's batch-N circuit: the same network proven on N prompts at once). The model commitment
/// ({IERC7007Zkml-modelHash}) covers every one of those circuits, so a vendor cannot bind another later.
/// A batch is `prompts` (N prompts, concatenated in slot order) and `aigcDatas` (their N outputs, concatenated in
/// the same order); the public instances are every slot's packed prompt, then every slot's packed output elements,
/// each slot's aigcData chunked by itself (the circuit pads each slot's digits), so no element straddles two slots
/// ({AigcEncoding-verifyProofCalldata}). Slots bind by position only.
/// @dev Partial batches: `mintMask` selects the slots to mint (bit i for slot i). Every slot is proven and stored
/// with its batch, but only selected slots need a live claim and get a token; an unselected slot (say a prompt
/// whose request expired while the batch was being proven) is left unminted, so it blocks no other slot.
interface IERC7007Batch is IERC7007Mintable {
    /// @notice A batch of `size` slots was verified and stored in the data contract `batch`; the tokens of the
    /// slots in `mintMask` were minted (each with its own {IERC7007-AigcData}, whose `proof` is empty). `proof` is
    /// the batch proof, here once for all slots: re-check a token with {verifyBatch}({batchDataOf}(tokenId), proof).
    event AigcBatch(address indexed batch, uint256 size, uint256 mintMask, bytes proof);

    /// @notice The batch verifier for size `size` at construction is unusable: `size` is below 2, repeated or
    /// too large for one data contract, or `verifier` has no code.
    error ERC7007InvalidBatchVerifier(uint256 size, address verifier);

    /// @notice `prompts` is `length` bytes: not a whole number of `promptLength`-byte prompts.
    error ERC7007InvalidBatchPromptsLength(uint256 length, uint256 promptLength);

    /// @notice The collection has no verifier for batches of `size` prompts.
    error ERC7007UnsupportedBatchSize(uint256 size);

    /// @notice `aigcDatas` is `length` bytes; a batch of its prompts takes `expected` (one aigcData per slot).
    error ERC7007InvalidBatchAigcDataLength(uint256 length, uint256 expected);

    /// @notice `mintMask` selects no slot, or a slot at or beyond `size`.
    error ERC7007InvalidMintMask(uint256 mintMask, uint256 size);

    /// @notice The prompt of `tokenId` is selected twice in one batch (slots `first` and `second`).
    error ERC7007DuplicatePrompt(uint256 tokenId, uint256 first, uint256 second);

    /// @notice The batch proof does not show that the `size` aigcData are the model's outputs on the prompts.
    error ERC7007InvalidBatchProof(uint256 size);

    /// @notice Verifies one proof for `size` = `prompts.length / promptLength` slots, stores the whole batch in one
    /// data contract and mints, for every slot i in `mintMask`, `uint256(keccak256(prompt_i))` to its prompt's
    /// claimant.
    /// @dev Requires: the caller is the minter (if one is set); the lengths fit a supported batch size; `mintMask`
    /// selects at least one slot below `size`; every selected slot's prompt is unminted, selected once and has a
    /// live claim. All of that is checked before the proof; then one `verifyProof` call on the batch verifier.
    /// Emits {IERC7007-AigcData} and ERC-721 `Transfer` per minted slot, then {AigcBatch}. Does not call
    /// `onERC721Received`. Besides this interface's errors, reverts with those of {IERC7007Mintable-mint}.
    /// @param prompts The N prompts, concatenated in slot order.
    /// @param aigcDatas The N outputs, concatenated in the same order.
    /// @param proof The batch proof.
    /// @param mintMask The slots to mint: bit i for slot i.
    /// @return batch The data contract holding the batch (its id in {AigcBatch} and {batchDataOf}).
    function mintBatch(bytes calldata prompts, bytes calldata aigcDatas, bytes calldata proof, uint256 mintMask)
        external
        returns (address batch);

    /// @notice Whether `proof` shows that `aigcDatas` are the committed model's outputs on `prompts`, slot by slot.
    /// @dev Reverts on lengths that fit no supported batch size, like {mintBatch}; returns false for every other
    /// failure, as {IERC7007-verify} does.
    function verifyBatch(bytes calldata prompts, bytes calldata aigcDatas, bytes calldata proof)
        external
        view
        returns (bool success);

    /// @notice The verifier of batches of `size` prompts, or the zero address if the collection takes none.
    function batchVerifier(uint256 size) external view returns (address);

    /// @notice The batch sizes the collection takes, in the order of the model commitment.
    function batchSizes() external view returns (uint256[] memory);

    /// @notice The batch a token was minted in: its `slot`, and the whole batch's `prompts` and `aigcDatas` as
    /// stored; with the batch's proof (from {AigcBatch}) they re-check the token through {verifyBatch}. For a token
    /// minted alone: slot 0 and its own prompt and aigcData (check it with {IERC7007-verify}).
    /// @dev Reverts with `ERC721NonexistentToken(tokenId)` if the token does not exist.
    function batchDataOf(uint256 tokenId)
        external
        view
        returns (address batch, uint256 slot, bytes memory prompts, bytes memory aigcDatas);
}
