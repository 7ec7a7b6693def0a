// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {AigcEncoding} from "../libraries/AigcEncoding.sol";
import {AigcImage} from "../libraries/AigcImage.sol";
import {BytecodeStorage} from "../libraries/BytecodeStorage.sol";
import {JsonString} from "../libraries/JsonString.sol";

/// @title Exposes the project's libraries (test only)
/// @notice Lets tests exercise geometries and inputs no deployed model has (odd widths, extreme values), and lets
/// the forge suites compare the libraries byte for byte with reference implementations.
contract LibrariesHarness {
    /// @dev The data contracts of the last {storageWrite}, by chunk index.
    mapping(uint256 chunk => address) private _chunks;

    function instances(bytes calldata prompt, bytes calldata aigcData, uint256 inputLen, uint256 outputLen)
        external
        pure
        returns (uint256[] memory)
    {
        return AigcEncoding.instances(prompt, aigcData, inputLen, outputLen, 7);
    }

    function instancesOf(
        bytes calldata prompt,
        bytes calldata aigcData,
        uint256 inputLen,
        uint256 outputLen,
        uint256 digitBits
    ) external pure returns (uint256[] memory) {
        return AigcEncoding.instances(prompt, aigcData, inputLen, outputLen, digitBits);
    }

    function verifyProofCalldataOf(
        bytes calldata prompt,
        bytes calldata aigcData,
        bytes calldata proof,
        uint256 inputLen,
        uint256 outputLen,
        uint256 digitBits
    ) external pure returns (bytes memory) {
        return AigcEncoding.verifyProofCalldata(prompt, aigcData, proof, inputLen, outputLen, digitBits);
    }

    function bitmap(bytes memory aigcData, uint256 width, uint256 height, uint256 channels, uint256 render)
        external
        pure
        returns (bytes memory)
    {
        return AigcImage.bitmap(aigcData, width, height, channels, render, 7);
    }

    function bitmapOf(
        bytes memory aigcData,
        uint256 width,
        uint256 height,
        uint256 channels,
        uint256 render,
        uint256 digitBits
    ) external pure returns (bytes memory) {
        return AigcImage.bitmap(aigcData, width, height, channels, render, digitBits);
    }

    function escape(string memory value) external pure returns (string memory) {
        return JsonString.escape(value);
    }

    function toHex(bytes memory data) external pure returns (string memory) {
        return JsonString.toHex(data);
    }

    function storageWrite(bytes calldata head, bytes calldata tail) external {
        BytecodeStorage.write(_chunks, head, tail);
    }

    function storageRead(uint256 start, uint256 end) external view returns (bytes memory) {
        return BytecodeStorage.read(_chunks, start, end);
    }

    function storageChunk(uint256 index) external view returns (address) {
        return _chunks[index];
    }
}
