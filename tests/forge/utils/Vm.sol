// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @notice The few forge cheatcodes the marketplace suites use (forge-std is not installed: npm only has an old
/// release). Signatures are forge's; the address is forge's fixed cheatcode address.
interface Vm {
    function warp(uint256 timestamp) external;
    function deal(address account, uint256 balance) external;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function assume(bool condition) external pure;
    function expectRevert(bytes calldata revertData) external;
    function label(address account, string calldata name) external;
}

/// @notice Minimal test base: the cheatcode handle and assertions that revert with a message (forge reports a
/// reverting test or invariant as failed).
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function assertTrue(bool condition, string memory message) internal pure {
        require(condition, message);
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) revert(string.concat(message, ": ", _str(a), " != ", _str(b)));
    }

    function assertEq(bytes memory a, bytes memory b, string memory message) internal pure {
        if (keccak256(a) != keccak256(b)) {
            revert(string.concat(message, ": bytes differ (lengths ", _str(a.length), ", ", _str(b.length), ")"));
        }
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) revert(string.concat(message, ": ", _str(a), " > ", _str(b)));
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        // size + 1 overflows only for the full uint256 range, where every x is already in range (returned above).
        return min + (x % (size + 1));
    }

    function _str(uint256 v) private pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory buf = new bytes(78);
        uint256 i = buf.length;
        while (v != 0) {
            buf[--i] = bytes1(uint8(48 + (v % 10)));
            v /= 10;
        }
        bytes memory out = new bytes(buf.length - i);
        for (uint256 j = 0; j < out.length; ++j) {
            out[j] = buf[i + j];
        }
        return string(out);
    }

    /// @dev `length` pseudo-random bytes from `seed` (deterministic: fuzz counterexamples reproduce).
    function _random(uint256 seed, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i = 0; i < length; i += 32) {
            bytes32 word = keccak256(abi.encode(seed, i));
            assembly ("memory-safe") {
                mstore(add(add(out, 0x20), i), word) // the last word may fill the padding after `length`
            }
        }
    }
}
