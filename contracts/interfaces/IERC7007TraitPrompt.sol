// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title ERC-7007 trait prompts: a prompt whose bytes are trait ids
/// @notice For a model whose prompt names traits, one byte per position (the Nouns model: background, body,
/// accessory, head, glasses), each byte an id below its position's limit. Prompts outside that space are refused
/// at claim (and by marketplaces before payment, through {checkPrompt}), and each token's metadata names its
/// traits (`{"trait_type": kind, "value": name}`).
interface IERC7007TraitPrompt {
    /// @notice Byte `position` of the prompt (a `kind`) is `value`; the ids of that kind are `0` to `limit - 1`.
    error ERC7007PromptTraitOutOfRange(uint256 position, string kind, uint256 value, uint256 limit);

    /// @notice The trait table is malformed at byte `offset` (see {ERC7007TraitPrompt}'s layout).
    error ERC7007InvalidTraitTable(uint256 offset);

    /// @notice The trait table has `positions` positions but the model's prompt is `promptLength` bytes.
    error ERC7007TraitSpaceMismatch(uint256 positions, uint256 promptLength);

    /// @notice The number of prompt positions (the prompt's length).
    function traitPositions() external view returns (uint256);

    /// @notice The kind of trait at `position` (e.g. "head") and its number of ids.
    /// @dev Reverts with {ERC7007TraitSpaceMismatch} for a position past the end.
    function traitKind(uint256 position) external view returns (string memory kind, uint256 limit);

    /// @notice The name of trait id `value` at `position` (e.g. "shark").
    /// @dev Reverts with {ERC7007PromptTraitOutOfRange} outside the trait space.
    function traitName(uint256 position, uint256 value) external view returns (string memory);

    /// @notice Reverts with {ERC7007PromptTraitOutOfRange} unless every byte of `prompt` is an id of its position;
    /// only the positions a prompt has are checked (its length is the collection's other check).
    function checkPrompt(bytes calldata prompt) external view;
}
