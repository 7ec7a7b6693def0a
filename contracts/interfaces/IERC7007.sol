// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @title ERC-7007: Verifiable AI-Generated Content Token (final)
/// @notice An ERC-721 token that holds AI-generated content (`aigcData`) for an input (`prompt`), together with
/// a proof that the content came from a committed model on that input. The token id is derived from the
/// prompt.
/// @dev ERC-165 interface id `0x702c55a6` (= `addAigcData.selector ^ verify.selector`). Minting is left to the
/// application; see {IERC7007Mintable} for this project's mint.
interface IERC7007 is IERC165, IERC721 {
    /// @notice Emitted when `aigcData` for `prompt`, proven by `proof`, is attached to `tokenId`.
    /// @dev `prompt` and `aigcData` are indexed, so the log carries only their keccak256 hashes; read the
    /// bytes from the transaction's calldata or from the collection's getters.
    event AigcData(uint256 indexed tokenId, bytes indexed prompt, bytes indexed aigcData, bytes proof);

    /// @notice Attaches `aigcData` for `prompt`, proven by `proof`, to the token `tokenId`.
    /// @dev MUST verify the proof and MUST emit {AigcData}. Implementations decide whether and when data may
    /// be attached; see the implementation's documentation.
    /// @param tokenId The token the data belongs to; `uint256(keccak256(prompt))`.
    /// @param prompt The model input.
    /// @param aigcData The model output.
    /// @param proof The proof that `aigcData` is the model's output on `prompt`.
    function addAigcData(uint256 tokenId, bytes calldata prompt, bytes calldata aigcData, bytes calldata proof) external;

    /// @notice Whether `proof` shows that `aigcData` is the committed model's output on `prompt`.
    /// @param prompt The model input.
    /// @param aigcData The model output.
    /// @param proof The proof.
    /// @return success True iff the proof is valid for exactly these bytes.
    function verify(bytes calldata prompt, bytes calldata aigcData, bytes calldata proof)
        external
        view
        returns (bool success);
}
