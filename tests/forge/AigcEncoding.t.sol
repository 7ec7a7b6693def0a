// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {LibrariesHarness} from "../../contracts/test/LibrariesHarness.sol";
import {IHalo2Verifier} from "../../contracts/interfaces/IHalo2Verifier.sol";

/// @notice {AigcEncoding-verifyProofCalldata}, which `ERC7007._verify` sends to the verifier, against the plain
/// way to build the same call: the public instances as a `uint256[]`, one loop per value, then
/// `abi.encodeCall(IHalo2Verifier.verifyProof, (proof, instances))`. Byte for byte, over fuzzed lengths (every
/// remainder of the last 14-byte chunk) and contents up to well past the largest model's (16 prompt bytes, 768
/// 7-bit digits = 672 aigcData bytes); the same for 8-bit digits in 15-byte chunks (nouns: 3,072 bytes).
contract VerifyProofCalldataTest is TestBase {
    /// @dev The BN254 scalar field modulus, written out rather than taken from the library under test.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    LibrariesHarness internal harness;

    function setUp() public {
        harness = new LibrariesHarness();
    }

    /// Any prompt, aigcData and proof bytes the fuzzer picks: the last chunk may be partial.
    function testFuzz_calldataEqualsAbiEncodeCall(bytes memory prompt, bytes memory aigcData, bytes memory proof)
        public
        view
    {
        _check(prompt, aigcData, proof);
    }

    /// Lengths up to the largest model's, contents pseudo-random with every sign and extreme reachable.
    function testFuzz_calldataEqualsAbiEncodeCallAtModelSizes(
        uint256 seed,
        uint256 inputLen,
        uint256 outputLen,
        uint256 proofLen
    ) public view {
        inputLen = bound(inputLen, 0, 64);
        outputLen = bound(outputLen, 0, 12_288);
        proofLen = bound(proofLen, 0, 9_000);
        _check(_random(seed, inputLen), _random(seed ^ 1, (7 * outputLen + 7) / 8), _random(seed ^ 2, proofLen));
    }

    /// The int8 extremes, all-ones chunks, a partial last chunk, and a proof whose length is not a multiple of 32.
    function test_calldataEqualsAbiEncodeCallAtExtremes() public view {
        _check(hex"0001007f8081ff", hex"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", hex"0102030405");
        _check(hex"80", hex"ff", "");
        _check("", "", "");
    }

    /// The largest model's sizes (pixel64/pixel32: 16 prompt bytes, 3 x 16 x 16 digits) with a proof-sized proof.
    function test_calldataEqualsAbiEncodeCallAtLargestModel() public view {
        _check(_random(7, 16), _random(8, 672), _random(9, 5_000));
    }

    /// 8-bit digits (the sigmoid stage): 15-byte chunks, any bytes and proof the fuzzer picks.
    function testFuzz_calldataEqualsAbiEncodeCallWith8BitDigits(
        bytes memory prompt,
        bytes memory aigcData,
        bytes memory proof
    ) public view {
        _check8(prompt, aigcData, proof);
    }

    /// 8-bit digits at model sizes: up to the nouns model's (5 prompt bytes, 3 x 32 x 32 digits) and past it.
    function testFuzz_calldataEqualsAbiEncodeCallWith8BitDigitsAtModelSizes(
        uint256 seed,
        uint256 inputLen,
        uint256 outputLen,
        uint256 proofLen
    ) public view {
        inputLen = bound(inputLen, 0, 64);
        outputLen = bound(outputLen, 0, 12_288);
        proofLen = bound(proofLen, 0, 9_000);
        _check8(_random(seed, inputLen), _random(seed ^ 1, outputLen), _random(seed ^ 2, proofLen));
    }

    /// The nouns model's sizes: 5 prompt bytes, 3,072 one-byte digits (205 chunks, the last one partial).
    function test_calldataEqualsAbiEncodeCallAtNounsSizes() public view {
        _check8(_random(17, 5), _random(18, 3_072), _random(19, 7_000));
    }

    function _check(bytes memory prompt, bytes memory aigcData, bytes memory proof) internal view {
        bytes memory expected = abi.encodeCall(IHalo2Verifier.verifyProof, (proof, _instances(prompt, aigcData, 14)));
        assertEq(harness.verifyProofCalldata(prompt, aigcData, proof), expected, "verifyProof calldata");
    }

    function _check8(bytes memory prompt, bytes memory aigcData, bytes memory proof) internal view {
        bytes memory expected = abi.encodeCall(IHalo2Verifier.verifyProof, (proof, _instances(prompt, aigcData, 15)));
        assertEq(harness.verifyProofCalldataOf(prompt, aigcData, proof, 8), expected, "verifyProof calldata, 8-bit");
    }

    /// The public instances, the obvious way: int8 prompt values (q >= 0 -> q, q < 0 -> R - |q|), then each
    /// `size`-byte chunk of aigcData (14: 7-bit digits, 15: 8-bit) as a big-endian integer, the last one
    /// zero-extended on the right.
    function _instances(bytes memory prompt, bytes memory aigcData, uint256 size)
        internal
        pure
        returns (uint256[] memory out)
    {
        uint256 chunks = (aigcData.length + size - 1) / size;
        out = new uint256[](prompt.length + chunks);
        for (uint256 i = 0; i < prompt.length; ++i) {
            out[i] = _field(int8(uint8(prompt[i])));
        }
        for (uint256 j = 0; j < chunks; ++j) {
            uint256 value;
            for (uint256 k = 0; k < size; ++k) {
                uint256 at = size * j + k;
                value = (value << 8) | (at < aigcData.length ? uint8(aigcData[at]) : 0);
            }
            out[prompt.length + j] = value;
        }
    }

    function _field(int256 q) internal pure returns (uint256) {
        return q >= 0 ? uint256(q) : R - uint256(-q);
    }
}
