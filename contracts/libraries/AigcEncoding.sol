// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC7007Zkml} from "../interfaces/IERC7007Zkml.sol";
import {IHalo2Verifier} from "../interfaces/IHalo2Verifier.sol";

/// @title The prompt/aigcData byte encoding of ezkl public instances
/// @notice `prompt` is one int8 (two's complement) per latent value; `aigcData` is one big-endian int16 (two's
/// complement) per output value. The public instances are all prompt values then all output values, each as a
/// BN254 scalar field element: q ≥ 0 → q, q < 0 → r − |q|. Mirrors `proofs/encoding.py`.
/// @dev Every int8 and int16 maps to a distinct field element below r, so no byte string can produce an
/// out-of-field instance: only lengths can be wrong.
library AigcEncoding {
    /// @notice The BN254 scalar field modulus r.
    uint256 internal constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice Bytes per latent value in `prompt`.
    uint256 internal constant PROMPT_BYTES_PER_VALUE = 1;

    /// @notice Bytes per output value in `aigcData`.
    uint256 internal constant AIGC_BYTES_PER_VALUE = 2;

    /// @notice Reverts unless `prompt` holds `inputLen` values and `aigcData` holds `outputLen` values.
    /// @dev Reverts with {IERC7007Zkml-ERC7007InvalidPromptLength} or {IERC7007Zkml-ERC7007InvalidAigcDataLength}:
    /// the errors belong to the collection functions that check lengths through here.
    function requireLengths(bytes calldata prompt, bytes calldata aigcData, uint256 inputLen, uint256 outputLen)
        internal
        pure
    {
        if (prompt.length != inputLen * PROMPT_BYTES_PER_VALUE) {
            revert IERC7007Zkml.ERC7007InvalidPromptLength(prompt.length, inputLen * PROMPT_BYTES_PER_VALUE);
        }
        if (aigcData.length != outputLen * AIGC_BYTES_PER_VALUE) {
            revert IERC7007Zkml.ERC7007InvalidAigcDataLength(aigcData.length, outputLen * AIGC_BYTES_PER_VALUE);
        }
    }

    /// @notice Writes the public instances of `prompt` ‖ `aigcData` as consecutive 32-byte words from memory
    /// address `ptr`, and returns the address after the last word.
    /// @dev Lengths must have been checked with {requireLengths}; an odd trailing aigcData byte is ignored. The
    /// caller owns the memory (it must have allocated `32 * (prompt.length + aigcData.length / 2)` bytes).
    function writeInstances(uint256 ptr, bytes calldata prompt, bytes calldata aigcData)
        internal
        pure
        returns (uint256 end)
    {
        uint256 r = FIELD_MODULUS;
        assembly ("memory-safe") {
            // Unchecked by nature (assembly): `b + (r - 2^8)` for a byte b ≥ 2^7 is r − (2^8 − b) < r, and
            // likewise for int16 words; offsets stay within the calldata slices and the caller's allocation.
            for { let i := 0 } lt(i, prompt.length) { i := add(i, 1) } {
                let b := byte(0, calldataload(add(prompt.offset, i)))
                mstore(ptr, add(b, mul(gt(b, 0x7f), sub(r, 0x100))))
                ptr := add(ptr, 0x20)
            }
            let n := and(aigcData.length, not(1))
            for { let i := 0 } lt(i, n) { i := add(i, 2) } {
                let w := shr(240, calldataload(add(aigcData.offset, i)))
                mstore(ptr, add(w, mul(gt(w, 0x7fff), sub(r, 0x10000))))
                ptr := add(ptr, 0x20)
            }
        }
        end = ptr;
    }

    /// @notice The public instances of `prompt` ‖ `aigcData` as a memory array.
    /// @dev Reverts on wrong lengths, like {requireLengths}.
    function instances(bytes calldata prompt, bytes calldata aigcData, uint256 inputLen, uint256 outputLen)
        internal
        pure
        returns (uint256[] memory result)
    {
        requireLengths(prompt, aigcData, inputLen, outputLen);
        result = new uint256[](inputLen + outputLen);
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(result, 0x20)
        }
        writeInstances(ptr, prompt, aigcData);
    }

    /// @notice The call data of {IHalo2Verifier-verifyProof}`(proof, instances)`, with `instances` the public
    /// instances of `prompt` ‖ `aigcData`: byte for byte `abi.encodeCall(IHalo2Verifier.verifyProof, (proof,
    /// instances))`.
    /// @dev Writes the instances in place, so they are not built as an array and then copied a second time by the
    /// ABI encoder (which matters at 12k instances). As in {writeInstances}, an odd trailing aigcData byte is
    /// ignored; callers check lengths with {requireLengths} first.
    function verifyProofCalldata(bytes calldata prompt, bytes calldata aigcData, bytes calldata proof)
        internal
        pure
        returns (bytes memory data)
    {
        bytes4 selector = IHalo2Verifier.verifyProof.selector;
        uint256 count = prompt.length / PROMPT_BYTES_PER_VALUE + aigcData.length / AIGC_BYTES_PER_VALUE;
        uint256 instancesAt;
        assembly ("memory-safe") {
            // verifyProof(bytes proof, uint256[] instances): selector, two head offsets, then the proof
            // (length, data padded to 32 bytes) and the instances (length, words). Sizes are bounded by calldata.
            let paddedProof := and(add(proof.length, 31), not(31))
            let size := add(add(0x84, paddedProof), mul(count, 0x20))
            data := mload(0x40)
            mstore(data, size)
            let callData := add(data, 0x20)
            mstore(0x40, add(callData, and(add(size, 31), not(31))))
            mstore(callData, selector)
            mstore(add(callData, 0x04), 0x40)
            mstore(add(callData, 0x24), add(0x60, paddedProof))
            mstore(add(callData, 0x44), proof.length)
            // Zero the proof's padding: its last word, which the proof bytes then partly overwrite.
            if paddedProof {
                mstore(add(add(callData, 0x44), paddedProof), 0)
            }
            calldatacopy(add(callData, 0x64), proof.offset, proof.length)
            instancesAt := add(add(callData, 0x64), paddedProof)
            mstore(instancesAt, count)
        }
        // The instances fill `data` exactly to its end, which the block above computed from `count`.
        // slither-disable-next-line unused-return
        writeInstances(instancesAt + 0x20, prompt, aigcData);
    }

    /// @notice The 8-bit intensity of an output word: `clamp(q, 0, 2^outputScale) * 255 / 2^outputScale`, with
    /// `word` the raw big-endian int16 bits of q.
    function intensity(uint256 word, uint256 outputScale) internal pure returns (uint256 value) {
        uint256 top = 1 << outputScale;
        if (word < 0x8000) {
            value = word > top ? top : word;
            value = (value * 255) / top;
        }
    }
}
