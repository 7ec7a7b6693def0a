// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @notice How one model's prompt and aigcData bytes map onto its ezkl circuit's public instances, and how its
/// output renders as an image. Mirrors `proofs.encoding.Encoding` (the Python source of truth, see
/// docs/encoding.md) plus the image geometry.
/// @dev `prompt` is `inputLen` bytes (1 to 16), one int8 (two's complement) per latent value; `aigcData` is
/// `ceil(digitBits * outputLen / 8)` bytes: the output's digits, laid out C×H×W (channel-major, rows top to bottom)
/// as one MSB-first bit string (for 8-bit digits, one byte per digit). The public instances are the whole prompt
/// packed into one BN254 field element, `(P ⊕ 0x80…80) − 2^(8·inputLen − 1)` for the prompt read as a big-endian
/// integer P (a negative value as r − |p|; {AigcEncoding}), then one element per big-endian chunk of aigcData:
/// 15 bytes (15 8-bit digits, the sigmoid stage of every committed model) or 14 bytes (16 7-bit digits, the old
/// clamp stage). The proven image is the `width`×`height` grid; the rendered image repeats each grid cell
/// `render`×`render` times (nearest upsample, the model's last layer moved out of the circuit). A pixel is
/// `q * 255 / 128` for 8-bit digits and `q * 255 / 127` for 7-bit ones (integer division; the top digit is full
/// intensity).
struct ModelEncoding {
    /// @notice Latent values, i.e. prompt bytes (1 to 16: the packed prompt is one public element).
    uint32 inputLen;
    /// @notice Output digits, `channels * height * width`; aigcData has `ceil(digitBits * outputLen / 8)` bytes.
    uint32 outputLen;
    /// @notice Fixed-point scale of the latent: x = q / 2^inputScale (informational on-chain).
    uint8 inputScale;
    /// @notice Fixed-point scale of the output: y = q / 2^outputScale (informational; the circuit proves each
    /// digit in [0, 128] for 8-bit digits, [0, 127] for 7-bit ones, and the top digit renders as full intensity).
    uint8 outputScale;
    /// @notice Width of the proven grid in cells.
    uint16 width;
    /// @notice Height of the proven grid in cells.
    uint16 height;
    /// @notice 1 (grayscale) or 3 (RGB).
    uint8 channels;
    /// @notice Rendered pixels per grid cell along each axis (≥ 1): the image is `width·render` × `height·render`.
    uint8 render;
    /// @notice Bits per output digit: 7 (the clamp stage: digits in [0, 127]) or 8 (the sigmoid stage: digits in
    /// [0, 128], one lookup each).
    uint8 digitBits;
}
