// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {LibrariesHarness} from "../../contracts/test/LibrariesHarness.sol";
import {IHalo2Verifier} from "../../contracts/interfaces/IHalo2Verifier.sol";

/// @notice {AigcEncoding-verifyProofCalldata}, which `ERC7007._verify` sends to the verifier, against the plain
/// way to build the same call: the public instances as a `uint256[]`, one loop per value, then
/// `abi.encodeCall(IHalo2Verifier.verifyProof, (proof, instances))`. Byte for byte, over fuzzed lengths and
/// contents up to the largest model's (64 prompt bytes, 12,288 output values).
contract VerifyProofCalldataTest is TestBase {
    /// @dev The BN254 scalar field modulus, written out rather than taken from the library under test.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    LibrariesHarness internal harness;

    function setUp() public {
        harness = new LibrariesHarness();
    }

    /// Any prompt, aigcData and proof bytes the fuzzer picks (aigcData cut to whole int16 values).
    function testFuzz_calldataEqualsAbiEncodeCall(bytes memory prompt, bytes memory aigcData, bytes memory proof)
        public
        view
    {
        if (aigcData.length % 2 == 1) aigcData = _slice(aigcData, aigcData.length - 1);
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
        _check(_random(seed, inputLen), _random(seed ^ 1, 2 * outputLen), _random(seed ^ 2, proofLen));
    }

    /// The int8 and int16 extremes, and a proof whose length is not a multiple of 32.
    function test_calldataEqualsAbiEncodeCallAtExtremes() public view {
        _check(hex"0001007f8081ff", hex"00000001007fff80008001ffff", hex"0102030405");
        _check("", "", "");
    }

    /// The largest model's sizes (pixel64: 64 prompt bytes, 3 x 64 x 64 output values) with a proof-sized proof.
    function test_calldataEqualsAbiEncodeCallAtLargestModel() public view {
        _check(_random(7, 64), _random(8, 2 * 12_288), _random(9, 9_000));
    }

    function _check(bytes memory prompt, bytes memory aigcData, bytes memory proof) internal view {
        bytes memory expected = abi.encodeCall(IHalo2Verifier.verifyProof, (proof, _instances(prompt, aigcData)));
        assertEq(harness.verifyProofCalldata(prompt, aigcData, proof), expected, "verifyProof calldata");
    }

    /// The public instances, the obvious way: int8 prompt values, then big-endian int16 output values, each
    /// q >= 0 -> q and q < 0 -> R - |q|.
    function _instances(bytes memory prompt, bytes memory aigcData) internal pure returns (uint256[] memory out) {
        out = new uint256[](prompt.length + aigcData.length / 2);
        for (uint256 i = 0; i < prompt.length; ++i) {
            out[i] = _field(int8(uint8(prompt[i])));
        }
        for (uint256 j = 0; j < aigcData.length / 2; ++j) {
            out[prompt.length + j] =
                _field(int16(uint16(uint8(aigcData[2 * j])) << 8 | uint16(uint8(aigcData[2 * j + 1]))));
        }
    }

    function _field(int256 q) internal pure returns (uint256) {
        return q >= 0 ? uint256(q) : R - uint256(-q);
    }

    function _random(uint256 seed, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i = 0; i < length; i += 32) {
            bytes32 word = keccak256(abi.encode(seed, i));
            assembly ("memory-safe") {
                mstore(add(add(out, 0x20), i), word) // the last word may fill the padding after `length`
            }
        }
    }

    function _slice(bytes memory data, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            out[i] = data[i];
        }
    }
}
