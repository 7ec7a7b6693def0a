// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

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

    /// @notice The prompt is `length` bytes; the model takes `expected`.
    error ERC7007InvalidPromptLength(uint256 length, uint256 expected);

    /// @notice The aigcData is `length` bytes; the model produces `expected`.
    error ERC7007InvalidAigcDataLength(uint256 length, uint256 expected);

    /// @notice Reverts unless `prompt` holds `inputLen` values and `aigcData` holds `outputLen` values.
    function requireLengths(bytes calldata prompt, bytes calldata aigcData, uint256 inputLen, uint256 outputLen)
        internal
        pure
    {
        if (prompt.length != inputLen * PROMPT_BYTES_PER_VALUE) {
            revert ERC7007InvalidPromptLength(prompt.length, inputLen * PROMPT_BYTES_PER_VALUE);
        }
        if (aigcData.length != outputLen * AIGC_BYTES_PER_VALUE) {
            revert ERC7007InvalidAigcDataLength(aigcData.length, outputLen * AIGC_BYTES_PER_VALUE);
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
        /// @solidity memory-safe-assembly
        assembly {
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
        /// @solidity memory-safe-assembly
        assembly {
            ptr := add(result, 0x20)
        }
        writeInstances(ptr, prompt, aigcData);
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
