// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title Helpers for writing JSON strings on-chain
library JsonString {
    bytes16 private constant _HEX_DIGITS = "0123456789abcdef";

    /// @notice `value` escaped for use inside a JSON string literal (RFC 8259): `"` and `\` get a backslash,
    /// control characters (< 0x20) become `\u00XX`. Other bytes, UTF-8 included, pass through.
    function escape(string memory value) internal pure returns (string memory) {
        bytes memory input = bytes(value);
        uint256 extra = 0;
        for (uint256 i; i < input.length; ++i) {
            bytes1 char = input[i];
            if (char == '"' || char == "\\") extra += 1;
            else if (uint8(char) < 0x20) extra += 5;
        }
        if (extra == 0) return value;
        bytes memory output = new bytes(input.length + extra);
        uint256 j = 0;
        for (uint256 i; i < input.length; ++i) {
            bytes1 char = input[i];
            if (char == '"' || char == "\\") {
                output[j++] = "\\";
                output[j++] = char;
            } else if (uint8(char) < 0x20) {
                output[j++] = "\\";
                output[j++] = "u";
                output[j++] = "0";
                output[j++] = "0";
                output[j++] = _HEX_DIGITS[uint8(char) >> 4];
                output[j++] = _HEX_DIGITS[uint8(char) & 0x0f];
            } else {
                output[j++] = char;
            }
        }
        return string(output);
    }

    /// @notice `data` as a `0x`-prefixed lowercase hex string.
    function toHex(bytes memory data) internal pure returns (string memory) {
        bytes memory output = new bytes(2 + 2 * data.length);
        output[0] = "0";
        output[1] = "x";
        for (uint256 i; i < data.length; ++i) {
            output[2 + 2 * i] = _HEX_DIGITS[uint8(data[i]) >> 4];
            output[3 + 2 * i] = _HEX_DIGITS[uint8(data[i]) & 0x0f];
        }
        return string(output);
    }
}
