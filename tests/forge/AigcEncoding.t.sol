// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {LibrariesHarness} from "../../contracts/test/LibrariesHarness.sol";
import {IHalo2Verifier} from "../../contracts/interfaces/IHalo2Verifier.sol";

/// @notice {AigcEncoding-verifyProofCalldata}, which `ERC7007._verify` sends to the verifier, against the plain
/// way to build the same call: the public instances as a `uint256[]`, one loop per value, then
/// `abi.encodeCall(IHalo2Verifier.verifyProof, (proof, instances))`. Byte for byte, over fuzzed prompt lengths
/// (1 to 16 bytes, one or more slots), every remainder of the last chunk, and contents up to well past the largest
/// model's (16 prompt bytes, 768 digits; nouns: 5 prompt bytes, 3,072 8-bit digits), in both digit widths.
contract VerifyProofCalldataTest is TestBase {
    /// @dev The BN254 scalar field modulus, written out rather than taken from the library under test.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    LibrariesHarness internal harness;

    function setUp() public {
        harness = new LibrariesHarness();
    }

    /// Any prompt length, slot count and digit count, in either digit width; pseudo-random contents with every
    /// sign and extreme reachable.
    function testFuzz_calldataEqualsAbiEncodeCall(
        uint256 seed,
        uint256 inputLen,
        uint256 slots,
        uint256 outputLen,
        uint256 proofLen,
        bool eightBit
    ) public view {
        inputLen = bound(inputLen, 1, 16);
        slots = bound(slots, 1, 16);
        outputLen = bound(outputLen, 1, 3_072 / slots);
        proofLen = bound(proofLen, 0, 9_000);
        uint256 bits = eightBit ? 8 : 7;
        bytes memory aigc = _random(seed ^ 1, slots * ((bits * outputLen + 7) / 8));
        _check(_random(seed, inputLen * slots), aigc, _random(seed ^ 2, proofLen), inputLen, outputLen, bits);
    }

    /// Any bytes the fuzzer picks as one slot's aigcData (8-bit digits), with a prompt of 1 to 16 bytes.
    function testFuzz_calldataEqualsAbiEncodeCallForAnyBytes(
        bytes memory prompt,
        bytes memory aigcData,
        bytes memory proof
    ) public view {
        if (prompt.length == 0 || prompt.length > 16) {
            prompt = _random(uint256(keccak256(prompt)), 1 + prompt.length % 16);
        }
        if (aigcData.length == 0) aigcData = hex"00";
        _check(prompt, aigcData, proof, prompt.length, aigcData.length, 8);
    }

    /// The packed prompt's extremes (every byte 0x80, every byte 0x7f, mixed signs), all-ones chunks, a partial
    /// last chunk, and a proof whose length is not a multiple of 32.
    function test_calldataEqualsAbiEncodeCallAtExtremes() public view {
        bytes memory ones = hex"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"; // 30 bytes
        _check(hex"80808080808080808080808080808080", ones, hex"0102030405", 16, 34, 7);
        _check(hex"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f", ones, hex"0102030405", 16, 30, 8);
        _check(hex"807f7f7f7f7f7f7f7f7f7f7f7f7f7f7f", ones, "", 16, 30, 8);
        _check(hex"0001007f8081ff", ones, hex"0102030405", 7, 34, 7);
        _check(hex"80", hex"ff", "", 1, 1, 8);
    }

    /// The packed prompt of a known byte string, written out: 0x01 0x80 -> (0x01 ⊕ 0x80) · 256 + (0x80 ⊕ 0x80)
    /// − 2^15 = 1 · 256 + (−128 + 128) = 256; 0x80 0x00 -> −128 · 256 + 128 = −32,640.
    function test_packedPromptIsTheSignedSumOfItsBytes() public pure {
        uint256[] memory a = _instances(hex"0180", hex"00", 2, 1, 15);
        uint256[] memory b = _instances(hex"8000", hex"00", 2, 1, 15);
        assert(a[0] == 256 && b[0] == R - 32_640);
    }

    /// The largest pixel model's sizes (16 prompt bytes, 3 x 16 x 16 8-bit digits) with a proof-sized proof.
    function test_calldataEqualsAbiEncodeCallAtLargestModel() public view {
        _check(_random(7, 16), _random(8, 768), _random(9, 5_000), 16, 768, 8);
    }

    /// The nouns model's sizes: 5 prompt bytes, 3,072 one-byte digits (205 chunks, the last one partial).
    function test_calldataEqualsAbiEncodeCallAtNounsSizes() public view {
        _check(_random(17, 5), _random(18, 3_072), _random(19, 7_000), 5, 3_072, 8);
    }

    /// A batch of 16 micro slots: 16 prompts of 4 bytes, each packed by itself, and 16 digits each, chunked per
    /// slot (15 + 1: a partial chunk in every slot, not one every 15 bytes of the concatenation).
    function test_calldataEqualsAbiEncodeCallForABatch() public view {
        _check(_random(27, 64), _random(28, 16 * 16), _random(29, 6_000), 4, 16, 8);
    }

    function _check(
        bytes memory prompt,
        bytes memory aigcData,
        bytes memory proof,
        uint256 inputLen,
        uint256 outputLen,
        uint256 bits
    ) internal view {
        uint256 aigcLen = (bits * outputLen + 7) / 8;
        uint256[] memory instances = _instances(prompt, aigcData, inputLen, aigcLen, bits == 8 ? 15 : 14);
        bytes memory expected = abi.encodeCall(IHalo2Verifier.verifyProof, (proof, instances));
        bytes memory got = harness.verifyProofCalldataOf(prompt, aigcData, proof, inputLen, outputLen, bits);
        assertEq(got, expected, "verifyProof calldata");
    }

    /// The public instances, the obvious way: per `inputLen`-byte prompt, q_0 · 256^(n−1) + Σ_{i≥1} (q_i + 128) ·
    /// 256^(n−1−i) over its int8 values (p ≥ 0 -> p, p < 0 -> R − |p|); then each slot's `aigcLen` bytes in
    /// `size`-byte chunks (14: 7-bit digits, 15: 8-bit) as big-endian integers, its last one zero-extended on the
    /// right.
    function _instances(bytes memory prompt, bytes memory aigcData, uint256 inputLen, uint256 aigcLen, uint256 size)
        internal
        pure
        returns (uint256[] memory out)
    {
        uint256 slots = prompt.length / inputLen;
        uint256 chunks = (aigcLen + size - 1) / size;
        out = new uint256[](slots + slots * chunks);
        for (uint256 s = 0; s < slots; ++s) {
            int256 p;
            for (uint256 i = 0; i < inputLen; ++i) {
                int256 q = int256(int8(uint8(prompt[s * inputLen + i])));
                p = p * 256 + (i == 0 ? q : q + 128);
            }
            out[s] = p >= 0 ? uint256(p) : R - uint256(-p);
            for (uint256 j = 0; j < chunks; ++j) {
                uint256 value;
                for (uint256 k = 0; k < size; ++k) {
                    uint256 at = size * j + k;
                    value = (value << 8) | (at < aigcLen ? uint8(aigcData[s * aigcLen + at]) : 0);
                }
                out[slots + s * chunks + j] = value;
            }
        }
    }
}
