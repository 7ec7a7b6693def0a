// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {AigcEncoding} from "./AigcEncoding.sol";

/// @title On-chain rendering of aigcData as a bitmap
/// @notice Renders a C×H×W grid of 7- or 8-bit digits (aigcData's bit string) as a Windows BMP, each grid cell drawn as
/// `render`×`render` pixels (nearest upsample): 24-bit BGR for 3 channels, 8-bit with a 256-level gray palette for
/// 1 channel. Rows are stored bottom-up, each padded with zeros to a multiple of 4 bytes. A pixel is
/// `q * 255 / 127` or `q * 255 / 128` ({AigcEncoding-intensity}), the same as `proofs.encoding.Encoding.pixels`.
library AigcImage {
    using Strings for uint256;

    /// @dev BITMAPFILEHEADER (14 bytes) + BITMAPINFOHEADER (40 bytes).
    uint256 private constant _HEADERS_SIZE = 54;

    /// @dev 256 palette entries of 4 bytes (B, G, R, 0).
    uint256 private constant _GRAY_PALETTE_SIZE = 1024;

    /// @dev A proven grid's geometry: `width`×`height` cells of `channels` digits of `digitBits`, each drawn
    /// `render`×`render` pixels.
    struct Grid {
        uint256 width;
        uint256 height;
        uint256 channels;
        uint256 render;
        uint256 digitBits;
    }

    /// @notice The BMP file of `aigcData` (`channels * height * width` digits of `digitBits`), upscaled ×`render`.
    /// @dev `channels` must be 1 or 3, `render` at least 1, `digitBits` 7 or 8, and `aigcData` must hold
    /// `ceil(digitBits * channels * height * width / 8)` bytes; the collection guarantees all four.
    function bitmap(
        bytes memory aigcData,
        uint256 width,
        uint256 height,
        uint256 channels,
        uint256 render,
        uint256 digitBits
    ) internal pure returns (bytes memory bmp) {
        Grid memory grid = Grid(width, height, channels, render, digitBits);
        uint256 pixelOffset;
        (bmp, pixelOffset) = _headers(grid);
        uint256 src;
        uint256 dst;
        assembly ("memory-safe") {
            src := add(aigcData, 0x20)
            dst := add(add(bmp, 0x20), pixelOffset)
        }
        _writePixels(src, dst, grid);
    }

    /// @dev A zero-filled BMP of the grid's rendered size with its headers (and gray palette) written, and the
    /// offset of its pixel array.
    function _headers(Grid memory grid) private pure returns (bytes memory bmp, uint256 pixelOffset) {
        uint256 width = grid.width * grid.render;
        uint256 height = grid.height * grid.render;
        uint256 channels = grid.channels;
        uint256 bytesPerPixel = channels == 1 ? 1 : 3;
        uint256 rowSize = (width * bytesPerPixel + 3) & ~uint256(3);
        pixelOffset = _HEADERS_SIZE + (channels == 1 ? _GRAY_PALETTE_SIZE : 0);
        uint256 imageSize = rowSize * height;
        bmp = new bytes(pixelOffset + imageSize); // zero-filled: row padding stays zero

        // BITMAPFILEHEADER
        bmp[0] = "B";
        bmp[1] = "M";
        _writeLE(bmp, 2, pixelOffset + imageSize, 4); // file size
        _writeLE(bmp, 10, pixelOffset, 4); // offset of the pixel array
        // BITMAPINFOHEADER
        _writeLE(bmp, 14, 40, 4); // header size
        _writeLE(bmp, 18, width, 4);
        _writeLE(bmp, 22, height, 4); // positive: rows bottom-up
        _writeLE(bmp, 26, 1, 2); // planes
        _writeLE(bmp, 28, bytesPerPixel * 8, 2); // bits per pixel
        _writeLE(bmp, 34, imageSize, 4); // compression (30..33) stays 0 = BI_RGB
        _writeLE(bmp, 38, 2835, 4); // 72 dpi
        _writeLE(bmp, 42, 2835, 4);
        if (channels == 1) {
            _writeLE(bmp, 46, 256, 4); // palette entries
            for (uint256 level; level < 256; ++level) {
                uint256 at = _HEADERS_SIZE + 4 * level;
                bmp[at] = bytes1(uint8(level));
                bmp[at + 1] = bytes1(uint8(level));
                bmp[at + 2] = bytes1(uint8(level));
            }
        }
    }

    /// @notice An SVG that shows `bmp` (a `width`×`height` bitmap) scaled up with hard pixel edges.
    function svg(bytes memory bmp, uint256 width, uint256 height) internal pure returns (bytes memory) {
        uint256 side = width > height ? width : height;
        // The integer floor is the point: a whole number of screen pixels per image pixel keeps edges hard.
        // slither-disable-next-line divide-before-multiply
        uint256 scale = side >= 512 ? 1 : 512 / side;
        string memory w = width.toString();
        string memory h = height.toString();
        return abi.encodePacked(
            '<svg xmlns="http://www.w3.org/2000/svg" width="',
            (width * scale).toString(),
            '" height="',
            (height * scale).toString(),
            '" viewBox="0 0 ',
            w,
            " ",
            h,
            '"><image width="',
            w,
            '" height="',
            h,
            '" style="image-rendering:pixelated;image-rendering:crisp-edges" href="data:image/bmp;base64,',
            Base64.encode(bmp),
            '"/></svg>'
        );
    }

    /// @dev Writes the pixel array at memory address `dst` from the C×H×W grid of digits at `src`, each cell
    /// `render`×`render` pixels.
    function _writePixels(uint256 src, uint256 dst, Grid memory grid) private pure {
        uint256 bytesPerPixel = grid.channels == 1 ? 1 : 3;
        uint256 rowSize = (grid.width * grid.render * bytesPerPixel + 3) & ~uint256(3);
        uint256 rows = grid.height * grid.render;
        for (uint256 c; c < grid.channels; ++c) {
            for (uint256 y; y < rows; ++y) {
                // BMP rows run bottom-up and store B, G, R: channel c (R = 0) is byte `bytesPerPixel - 1 - c`.
                _writeRow(
                    src,
                    (c * grid.height + y / grid.render) * grid.width,
                    dst + (rows - 1 - y) * rowSize + (bytesPerPixel - 1 - c),
                    bytesPerPixel,
                    grid
                );
            }
        }
    }

    /// @dev Writes the intensities of the grid's `width` digits from digit `first` of the bit string at `src`,
    /// each `render` times, to every `step`-th byte from memory address `to`.
    function _writeRow(uint256 src, uint256 first, uint256 to, uint256 step, Grid memory grid) private pure {
        (uint256 render, uint256 digitBits) = (grid.render, grid.digitBits);
        uint256 stride = render * step;
        for (uint256 x; x < grid.width; ++x) {
            uint256 value = AigcEncoding.intensity(AigcEncoding.digitAt(src, first + x, digitBits), digitBits);
            uint256 at = to + x * stride;
            for (uint256 k; k < render; ++k) {
                assembly ("memory-safe") {
                    mstore8(add(at, mul(k, step)), value)
                }
            }
        }
    }

    /// @dev Writes `value` little-endian into `size` bytes of `data` at `offset`.
    function _writeLE(bytes memory data, uint256 offset, uint256 value, uint256 size) private pure {
        for (uint256 i; i < size; ++i) {
            data[offset + i] = bytes1(uint8(value >> (8 * i)));
        }
    }
}
