// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC7572} from "./IERC7572.sol";

/// @title The model card of an ERC-7007 collection, as ERC-7572 contract metadata
/// @notice What a marketplace shows on the collection's page: the model's name and description, its commitment
/// (`modelHash`), its verifier, the kind of KZG setup (SRS) its verifier was built with, and the licence of the data
/// it was trained on; all on-chain. The vendor may rewrite the description and the licence (both appear in the
/// metadata, the licence in every token's attributes); the commitment, the verifier and the SRS kind never change.
/// @dev Emits ERC-7572 {IERC7572-ContractURIUpdated} and ERC-4906 {IERC4906-BatchMetadataUpdate} over every token
/// id when the card changes.
interface IERC7007ModelCard is IERC7572, IERC4906 {
    /// @notice A model card field is empty or longer than `max` bytes: `field` names it, `length` is its length.
    error ERC7007InvalidModelCard(string field, uint256 length, uint256 max);

    /// @notice The model's description.
    function modelDescription() external view returns (string memory);

    /// @notice The licence of the model's training data, e.g. "CC0-1.0".
    function trainingDataLicense() external view returns (string memory);

    /// @notice The kind of KZG structured reference string the verifier was built with, fixed at deployment, e.g.
    /// "development" (generated locally: anyone who kept its toxic waste could forge proofs) or "ceremony".
    function srsKind() external view returns (string memory);

    /// @notice Rewrites the description and the training-data licence; only the vendor may.
    /// @dev Emits {IERC7572-ContractURIUpdated} and {IERC4906-BatchMetadataUpdate}`(0, type(uint256).max)` (the
    /// licence is in every token's attributes). Reverts with {ERC7007InvalidModelCard} for an empty or too long
    /// field and with {IERC7007Mintable-ERC7007UnauthorizedVendor} for any caller but the vendor.
    /// @param description The new description.
    /// @param license The new training-data licence.
    function setModelCard(string calldata description, string calldata license) external;
}
