// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @notice How one model's prompt and aigcData bytes map onto its ezkl circuit's public instances, and how its
/// output renders as an image. Mirrors `proofs.encoding.Encoding` (the Python source of truth, see
/// docs/encoding.md) plus the image geometry.
/// @dev `prompt` is `inputLen` bytes, one int8 (two's complement) per latent value; `aigcData` is
/// `2 * outputLen` bytes, one big-endian int16 (two's complement) per output value, laid out C×H×W
/// (channel-major, rows top to bottom). The public instances are all prompt values, then all output values,
/// each as a BN254 field element (q ≥ 0 → q, q < 0 → r − |q|). A pixel is
/// `clamp(q, 0, 2^outputScale) * 255 / 2^outputScale` (integer division).
struct ModelEncoding {
    /// @notice Latent values, i.e. prompt bytes.
    uint32 inputLen;
    /// @notice Output values, `channels * height * width`; aigcData has twice as many bytes.
    uint32 outputLen;
    /// @notice Fixed-point scale of the latent: x = q / 2^inputScale (informational on-chain).
    uint8 inputScale;
    /// @notice Fixed-point scale of the output: y = q / 2^outputScale; full intensity is q = 2^outputScale.
    uint8 outputScale;
    /// @notice Image width in pixels.
    uint16 width;
    /// @notice Image height in pixels.
    uint16 height;
    /// @notice 1 (grayscale) or 3 (RGB).
    uint8 channels;
}
