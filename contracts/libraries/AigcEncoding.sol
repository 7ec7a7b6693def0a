// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC7007Zkml} from "../interfaces/IERC7007Zkml.sol";
import {IHalo2Verifier} from "../interfaces/IHalo2Verifier.sol";

/// @title The prompt/aigcData byte encoding of ezkl public instances
/// @notice `prompt` is one int8 (two's complement) per latent value, n ≤ 16 of them. `aigcData` is the output's
/// digits (C×H×W order) as one MSB-first bit string, zero-padded to whole bytes: `ceil(b·m/8)` bytes for m digits of
/// b bits. Two digit widths: 7 bits (each in [0, 127], 16 per 14-byte chunk) and 8 bits (each in [0, 128], 15 per
/// 15-byte chunk). The public instances are the prompt packed into one element, `(P ⊕ 0x80…80) − 2^(8n−1)` for the
/// prompt read as a big-endian integer P (negatives as r − |p|), then one element per chunk of aigcData, read as a
/// big-endian integer (the last chunk zero-extended on the right): the circuit packs its digits per element as
/// Σ d_i · 2^(b·(k−1−i)). A batch of slots is its prompts' elements, one per n bytes, then its chunks. Mirrors
/// `proofs/encoding.py`.
/// @dev The packed prompt is a signed 128-bit value and every 112- or 120-bit chunk is below r, so no byte string
/// can produce an out-of-field instance: only lengths can be wrong. The circuit range-checks each prompt byte and
/// proves each digit in its range (a clamp of two ReLUs, or one sigmoid lookup), below 2^b, so both packings are
/// injective and the bytes are exactly the proven ones (docs/encoding.md).
library AigcEncoding {
    /// @notice The BN254 scalar field modulus r.
    uint256 internal constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice Bytes per latent value in `prompt`.
    uint256 internal constant PROMPT_BYTES_PER_VALUE = 1;

    /// @notice The most prompt bytes one public element holds (a signed 128-bit value).
    uint256 internal constant MAX_PROMPT_BYTES = 16;

    /// @notice Whether `digitBits` is a digit width of the encoding (7 or 8).
    function isDigitWidth(uint256 digitBits) internal pure returns (bool) {
        return digitBits == 7 || digitBits == 8;
    }

    /// @notice aigcData bytes per public output instance: 14 (16 digits of 7 bits) or 15 (15 digits of 8 bits).
    function chunkBytes(uint256 digitBits) internal pure returns (uint256) {
        return digitBits == 8 ? 15 : 14;
    }

    /// @notice The largest digit, full intensity: 127 for 7-bit digits, 128 (the sigmoid lookup's top) for 8-bit.
    function digitMax(uint256 digitBits) internal pure returns (uint256) {
        return digitBits == 8 ? 128 : 127;
    }

    /// @notice Length in bytes of the aigcData of `outputLen` digits of `digitBits`, `ceil(b · outputLen / 8)`.
    function aigcLength(uint256 outputLen, uint256 digitBits) internal pure returns (uint256) {
        return (outputLen * digitBits + 7) / 8;
    }

    /// @notice Reverts unless `prompt` holds `inputLen` values and `aigcData` holds `outputLen` digits.
    /// @dev Reverts with {IERC7007Zkml-ERC7007InvalidPromptLength} or {IERC7007Zkml-ERC7007InvalidAigcDataLength}:
    /// the errors belong to the collection functions that check lengths through here.
    function requireLengths(
        bytes calldata prompt,
        bytes calldata aigcData,
        uint256 inputLen,
        uint256 outputLen,
        uint256 digitBits
    ) internal pure {
        if (prompt.length != inputLen * PROMPT_BYTES_PER_VALUE) {
            revert IERC7007Zkml.ERC7007InvalidPromptLength(prompt.length, inputLen * PROMPT_BYTES_PER_VALUE);
        }
        if (aigcData.length != aigcLength(outputLen, digitBits)) {
            revert IERC7007Zkml.ERC7007InvalidAigcDataLength(aigcData.length, aigcLength(outputLen, digitBits));
        }
    }

    /// @notice The number of public instances of `prompt` ‖ `aigcData` for slots of `inputLen` prompt bytes and
    /// `aigcLen` aigcData bytes: one per slot's prompt, then one per started `chunk`-byte chunk of each slot's
    /// aigcData.
    function instanceCount(uint256 promptLength, uint256 inputLen, uint256 aigcLen, uint256 chunk)
        internal
        pure
        returns (uint256)
    {
        // Exact, not a rounded division: callers have checked `promptLength` is a multiple of `inputLen`.
        // slither-disable-next-line divide-before-multiply
        return (promptLength / inputLen) * (1 + (aigcLen + chunk - 1) / chunk);
    }

    /// @notice Writes the public instances of `prompt` ‖ `aigcData`, slots of `inputLen` prompt bytes (1 to 16,
    /// each prompt one packed element) and `outputLen` digits of `digitBits` (each slot's aigcData cut into chunks
    /// of {chunkBytes}), as consecutive 32-byte words from memory address `ptr`; returns the address after the
    /// last word.
    /// @dev Lengths must have been checked ({requireLengths}, or a batch's shape): `prompt` holds whole prompts and
    /// `aigcData` {aigcLength} bytes per prompt. The caller owns the memory (it must have allocated 32 bytes per
    /// instance, {instanceCount}).
    function writeInstances(
        uint256 ptr,
        bytes calldata prompt,
        bytes calldata aigcData,
        uint256 inputLen,
        uint256 outputLen,
        uint256 digitBits
    ) internal pure returns (uint256 end) {
        end = _writeChunks(
            _writePrompts(ptr, prompt, inputLen), aigcData, aigcLength(outputLen, digitBits), chunkBytes(digitBits)
        );
    }

    /// @dev Each prompt of `inputLen` bytes as one element: its bytes as a big-endian integer (the top n bytes of a
    /// 32-byte load), every byte's top bit flipped (int8 q -> q + 128), then − 2^(8n−1) mod r: the circuit's
    /// Σ (q_i + 128·[i > 0])·256^(n−1−i).
    function _writePrompts(uint256 ptr, bytes calldata prompt, uint256 inputLen) private pure returns (uint256 end) {
        uint256 r = FIELD_MODULUS;
        uint256 bits = 8 * inputLen; // 8 to 128
        uint256 down = 256 - bits; // the prompt is the top `bits` of a 32-byte load
        uint256 flip = (0x80 * ((1 << bits) - 1)) / 0xff; // 0x80 in every byte: exact, 0xff divides 2^bits − 1
        uint256 offset = r - (1 << (bits - 1)); // − 2^(8n−1) in the field
        assembly ("memory-safe") {
            // Unchecked by nature (assembly): the value is below 2^128 < r and the offset r − 2^(8n−1) < r, so
            // addmod is the field's subtraction; offsets stay within the calldata slice and the caller's allocation.
            for { let i := 0 } lt(i, prompt.length) { i := add(i, inputLen) } {
                mstore(ptr, addmod(xor(shr(down, calldataload(add(prompt.offset, i))), flip), offset, r))
                ptr := add(ptr, 0x20)
            }
            end := ptr
        }
    }

    /// @dev Each slot's `aigcLen` bytes, one big-endian `chunk`-byte chunk per element: the top `chunk` bytes of a
    /// 32-byte load, shifted down by the other 32 − chunk bytes. Bytes past the end of the slot (the next slot, the
    /// next calldata, or zeros) are masked off its last chunk: the circuit pads each slot's digits by itself.
    function _writeChunks(uint256 ptr, bytes calldata aigcData, uint256 aigcLen, uint256 chunk)
        private
        pure
        returns (uint256 end)
    {
        assembly ("memory-safe") {
            let down := mul(8, sub(32, chunk))
            let n := mul(aigcData.length, gt(aigcLen, 0))
            for { let s := 0 } lt(s, n) { s := add(s, aigcLen) } {
                for { let i := 0 } lt(i, aigcLen) { i := add(i, chunk) } {
                    let w := calldataload(add(aigcData.offset, add(s, i)))
                    let rest := sub(aigcLen, i)
                    if lt(rest, chunk) { w := and(w, not(shr(mul(8, rest), not(0)))) }
                    mstore(ptr, shr(down, w))
                    ptr := add(ptr, 0x20)
                }
            }
            end := ptr
        }
    }

    /// @notice The public instances of `prompt` ‖ `aigcData` as a memory array.
    /// @dev Reverts on wrong lengths, like {requireLengths}.
    function instances(
        bytes calldata prompt,
        bytes calldata aigcData,
        uint256 inputLen,
        uint256 outputLen,
        uint256 digitBits
    ) internal pure returns (uint256[] memory result) {
        requireLengths(prompt, aigcData, inputLen, outputLen, digitBits);
        result = new uint256[](instanceCount(prompt.length, inputLen, aigcData.length, chunkBytes(digitBits)));
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(result, 0x20)
        }
        writeInstances(ptr, prompt, aigcData, inputLen, outputLen, digitBits);
    }

    /// @notice The call data of {IHalo2Verifier-verifyProof}`(proof, instances)`, with `instances` the public
    /// instances of `prompt` ‖ `aigcData`: one or more slots of `inputLen` prompt bytes and `outputLen` digits of
    /// `digitBits` each. Byte for byte `abi.encodeCall(IHalo2Verifier.verifyProof, (proof, instances))`.
    /// @dev Writes the instances in place, so they are not built as an array and then copied a second time by the
    /// ABI encoder. Callers check lengths first ({requireLengths}, or a batch's shape).
    function verifyProofCalldata(
        bytes calldata prompt,
        bytes calldata aigcData,
        bytes calldata proof,
        uint256 inputLen,
        uint256 outputLen,
        uint256 digitBits
    ) internal pure returns (bytes memory data) {
        bytes4 selector = IHalo2Verifier.verifyProof.selector;
        uint256 count = instanceCount(prompt.length, inputLen, aigcLength(outputLen, digitBits), chunkBytes(digitBits));
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
        writeInstances(instancesAt + 0x20, prompt, aigcData, inputLen, outputLen, digitBits);
    }

    /// @notice The 8-bit intensity of a digit of `digitBits`: `q * 255 / digitMax` (the top digit is full
    /// intensity). A digit above the top (an 8-bit byte no proof can carry) is drawn at full intensity.
    function intensity(uint256 digit, uint256 digitBits) internal pure returns (uint256) {
        uint256 top = digitMax(digitBits);
        return digit < top ? (digit * 255) / top : 255;
    }

    /// @notice Digit `j` of aigcData in memory at `data` (the bytes, not the length word): bits bj … bj+b−1 for
    /// digits of b = `digitBits` (7 or 8).
    /// @dev Reads the 16-bit big-endian word at byte bj/8; when the digit ends inside that byte, the second byte
    /// is shifted out, so reading one byte past the data is harmless.
    function digitAt(uint256 data, uint256 j, uint256 digitBits) internal pure returns (uint256 digit) {
        uint256 mask = (1 << digitBits) - 1;
        assembly ("memory-safe") {
            let bit := mul(j, digitBits)
            let word := shr(240, mload(add(data, shr(3, bit))))
            digit := and(shr(sub(sub(16, digitBits), and(bit, 7)), word), mask)
        }
    }
}
