// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {LibString} from "solady/utils/LibString.sol";
import {SSTORE2} from "solady/utils/SSTORE2.sol";
import {TestBase} from "./utils/Vm.sol";
import {LibrariesHarness} from "../../contracts/test/LibrariesHarness.sol";
import {BytecodeStorage} from "../../contracts/libraries/BytecodeStorage.sol";

/// @notice The project's {BytecodeStorage} and {JsonString} against solady's audited SSTORE2 and LibString.
/// @dev The project keeps its own libraries because solady's differ in what callers can observe: SSTORE2 reverts
/// with `DeploymentFailed()` rather than {IERC7007Zkml-BytecodeStorageWriteFailed}, takes one memory buffer per
/// data contract (ours copies `prompt ‖ aigcData` from calldata, chunk by chunk), and `escapeJSON` writes the
/// short escapes `\b \t \n \f \r` where ours (and so every tokenURI) writes `\u0008 \u0009 \u000a \u000c \u000d`.
/// These tests show that the stored code is otherwise identical and that both escapes decode to the same string.
contract SoladyDifferentialTest is TestBase {
    LibrariesHarness internal harness;

    function setUp() public {
        harness = new LibrariesHarness();
    }

    // ------------------------------------------------------------------------------------- BytecodeStorage

    /// Every chunk's data contract has exactly the code solady's SSTORE2 deploys for that chunk's bytes, and
    /// reads back the same; sizes span one or two chunks (the most that both fit in a test's 30M gas), with the
    /// head/tail seam anywhere.
    function testFuzz_chunksEqualSoladySstore2(uint256 seed, uint256 headLen, uint256 tailLen) public {
        uint256 max = BytecodeStorage.MAX_CHUNK_SIZE;
        headLen = bound(headLen, 0, max + 100);
        tailLen = bound(tailLen, 0, max + 200 - headLen);
        bytes memory head = _random(seed, headLen);
        bytes memory tail = _random(seed ^ 1, tailLen);
        bytes memory all = bytes.concat(head, tail);
        harness.storageWrite(head, tail);

        uint256 chunks = BytecodeStorage.chunkCount(all.length);
        for (uint256 i = 0; i < chunks; ++i) {
            uint256 end = (i + 1) * max < all.length ? (i + 1) * max : all.length;
            bytes memory chunk = _slice(all, i * max, end);
            address ours = harness.storageChunk(i);
            assertEq(ours.code, SSTORE2.write(chunk).code, "data contract code");
            assertEq(SSTORE2.read(ours), chunk, "SSTORE2.read of our chunk");
        }
        assertTrue(harness.storageChunk(chunks) == address(0), "no extra chunk");
    }

    /// Reading any range across chunks returns the stored bytes, as solady's per-chunk reads do.
    function testFuzz_readRangeEqualsSoladyReads(uint256 seed, uint256 length, uint256 start, uint256 end) public {
        uint256 max = BytecodeStorage.MAX_CHUNK_SIZE;
        length = bound(length, 1, 2 * max + 200);
        start = bound(start, 0, length);
        end = bound(end, start, length);
        bytes memory all = _random(seed, length);
        harness.storageWrite("", all);

        bytes memory expected;
        for (uint256 i = start / max; i * max < end; ++i) {
            uint256 from = start > i * max ? start - i * max : 0;
            uint256 to = end < (i + 1) * max ? end - i * max : max;
            expected = bytes.concat(expected, SSTORE2.read(harness.storageChunk(i), from, to));
        }
        assertEq(harness.storageRead(start, end), expected, "range read");
        assertEq(expected, _slice(all, start, end), "solady reads == written bytes");
    }

    // ------------------------------------------------------------------------------------------ JsonString

    /// `JsonString.escape` equals `LibString.escapeJSON` once solady's short escapes are written long.
    function testFuzz_escapeEqualsSoladyEscapeJson(string memory value) public view {
        assertEq(bytes(harness.escape(value)), _longEscapes(bytes(LibString.escapeJSON(value))), "escape");
    }

    /// The same over a string of every byte value, each next to a quote and a backslash.
    function test_escapeEqualsSoladyEscapeJsonOnEveryByte() public view {
        bytes memory value = new bytes(3 * 256);
        for (uint256 c = 0; c < 256; ++c) {
            value[3 * c] = bytes1(uint8(c));
            value[3 * c + 1] = '"';
            value[3 * c + 2] = "\\";
        }
        assertEq(
            bytes(harness.escape(string(value))), _longEscapes(bytes(LibString.escapeJSON(string(value)))), "escape"
        );
    }

    /// `JsonString.toHex` equals `LibString.toHexString(bytes)`.
    function testFuzz_toHexEqualsSoladyToHexString(bytes memory data) public view {
        assertEq(bytes(harness.toHex(data)), bytes(LibString.toHexString(data)), "toHex");
    }

    // ------------------------------------------------------------------------------------------- helpers

    /// Rewrites solady's short escapes `\b \t \n \f \r` as `\u0008 \u0009 \u000a \u000c \u000d`; every other
    /// escape pair (`\"`, `\\`, `\u00XX`) is copied as is.
    function _longEscapes(bytes memory escaped) internal pure returns (bytes memory out) {
        bytes16 hexDigits = "0123456789abcdef";
        out = new bytes(3 * escaped.length);
        uint256 j = 0;
        for (uint256 i = 0; i < escaped.length; ++i) {
            bytes1 c = escaped[i];
            if (c != "\\") {
                out[j++] = c;
                continue;
            }
            bytes1 next = escaped[++i];
            uint8 code = next == "b"
                ? 0x08
                : next == "t" ? 0x09 : next == "n" ? 0x0a : next == "f" ? 0x0c : next == "r" ? 0x0d : 0;
            out[j++] = "\\";
            if (code == 0) {
                out[j++] = next;
                continue;
            }
            out[j++] = "u";
            out[j++] = "0";
            out[j++] = "0";
            out[j++] = hexDigits[code >> 4];
            out[j++] = hexDigits[code & 0x0f];
        }
        assembly ("memory-safe") {
            mstore(out, j)
        }
    }

    function _slice(bytes memory data, uint256 start, uint256 end) internal pure returns (bytes memory out) {
        out = new bytes(end - start);
        for (uint256 i = 0; i < out.length; ++i) {
            out[i] = data[start + i];
        }
    }
}
