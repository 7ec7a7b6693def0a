// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC7007} from "./IERC7007.sol";
import {ModelEncoding} from "../types/ModelEncoding.sol";

/// @title An ERC-7007 collection bound to one zkML model
/// @notice The collection is bound, immutably, to one model: an ezkl Halo2 verifier contract (which embeds the
/// circuit's verifying key) and a sha256 commitment to the model's artifacts (ONNX, settings, verifying key).
/// Every token's aigcData is stored and was proven by that verifier at mint.
/// @dev {IERC7007-verify} rebuilds the public instances from the prompt and aigcData bytes ({ModelEncoding}),
/// reverting on malformed lengths ({ERC7007InvalidPromptLength}, {ERC7007InvalidAigcDataLength}), and returns false (never reverts) for anything the verifier does not
/// accept: a proof it rejects by returning false or by reverting, a return value that is not exactly
/// `true` ABI-encoded, no return data, or no code at the verifier address. The one exception is a verifier
/// call that runs out of gas: that is no verdict, so `verify` reverts with {ERC7007VerifierOutOfGas}.
interface IERC7007Zkml is IERC7007 {
    /// @notice The verifier address has no code.
    error ERC7007InvalidVerifier(address verifier);

    /// @notice The model commitment is zero.
    error ERC7007InvalidModelHash(bytes32 modelHash);

    /// @notice The encoding is unusable: `inputLen` is zero, `channels` is not 1 or 3, or
    /// `outputLen != channels * height * width` (with width, height and render non-zero).
    error ERC7007InvalidEncoding(uint256 inputLen, uint256 outputLen, uint256 width, uint256 height, uint256 channels);

    /// @notice The encoding's digits are `digitBits` wide; the encoding has 7- and 8-bit digits.
    error ERC7007InvalidDigitWidth(uint256 digitBits);

    /// @notice The prompt is `length` bytes; the model takes `expected` (one byte per latent value).
    error ERC7007InvalidPromptLength(uint256 length, uint256 expected);

    /// @notice The aigcData is `length` bytes; the model produces `expected` (`ceil(digitBits · outputLen / 8)`).
    error ERC7007InvalidAigcDataLength(uint256 length, uint256 expected);

    /// @notice The proof does not show that the aigcData is the model's output on the prompt of `tokenId`.
    error ERC7007InvalidProof(uint256 tokenId);

    /// @notice The call to `verifier` used up all the gas it was given, so the proof was neither accepted nor
    /// rejected: retry with a higher gas limit. (An exceptional halt, such as a state write under STATICCALL,
    /// also burns all gas and reads the same; ezkl's verifiers reject with REVERT, never halt.)
    error ERC7007VerifierOutOfGas(address verifier);

    /// @notice The token `tokenId` already carries its aigcData (it was stored at mint).
    error ERC7007AigcDataAlreadySet(uint256 tokenId);

    /// @notice A token would be minted without proven aigcData stored for it first.
    error ERC7007MissingAigcData(uint256 tokenId);

    /// @notice Storing a token's `prompt ‖ aigcData` failed: creating the data contract for chunk `chunk` ran out
    /// of gas (see {BytecodeStorage}).
    error BytecodeStorageWriteFailed(uint256 chunk);

    /// @notice The ezkl verifier contract every proof is checked by.
    function verifier() external view returns (address);

    /// @notice The model commitment: sha256 over the sha256 digests of the model's ONNX, settings.json and vk
    /// (`proofs.pipeline.ModelArtifacts.model_hash()`).
    function modelHash() external view returns (bytes32);

    /// @notice The prompt/aigcData encoding and the image geometry of the model.
    function encoding() external view returns (ModelEncoding memory);

    /// @notice The public instances {IERC7007-verify} passes to the verifier for these bytes.
    /// @dev Reverts with {ERC7007InvalidPromptLength} or {ERC7007InvalidAigcDataLength} on wrong lengths, as
    /// {IERC7007-verify} does. Handy for provers to compare against their proof's instances.
    function publicInstances(bytes calldata prompt, bytes calldata aigcData) external view returns (uint256[] memory);

    /// @notice The proven aigcData stored for the token `tokenId`.
    /// @dev Reverts with `ERC721NonexistentToken(tokenId)` if the token does not exist.
    function aigcDataOf(uint256 tokenId) external view returns (bytes memory);
}
