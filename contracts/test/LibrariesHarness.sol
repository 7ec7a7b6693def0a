// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {AigcEncoding} from "../libraries/AigcEncoding.sol";
import {AigcImage} from "../libraries/AigcImage.sol";
import {JsonString} from "../libraries/JsonString.sol";

/// @title Exposes the project's libraries (test only)
/// @notice Lets tests exercise geometries and inputs no deployed model has (odd widths, extreme values).
contract LibrariesHarness {
    function instances(bytes calldata prompt, bytes calldata aigcData, uint256 inputLen, uint256 outputLen)
        external
        pure
        returns (uint256[] memory)
    {
        return AigcEncoding.instances(prompt, aigcData, inputLen, outputLen);
    }

    function bitmap(bytes memory aigcData, uint256 width, uint256 height, uint256 channels, uint256 outputScale)
        external
        pure
        returns (bytes memory)
    {
        return AigcImage.bitmap(aigcData, width, height, channels, outputScale);
    }

    function escape(string memory value) external pure returns (string memory) {
        return JsonString.escape(value);
    }

    function toHex(bytes memory data) external pure returns (string memory) {
        return JsonString.toHex(data);
    }
}
