// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @notice The bonding curves a listing can price its generations with.
/// @dev `Linear`: after each fulfilled generation the spot price grows by `delta` wei (see {LinearCurve}).
/// `Exponential`: after each fulfilled generation the spot price is multiplied by `delta / 1e18`, rounded up
/// (see {ExponentialCurve}). Both saturate at {PricingCurve-MAX_PRICE} instead of overflowing.
enum CurveType {
    Linear,
    Exponential
}
