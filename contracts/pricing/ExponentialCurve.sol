// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title ExponentialCurve
/// @notice Exponential bonding curve: every fulfilled generation multiplies the spot price by `delta / 1e18`.
/// @dev Modelled on sudoswap's ExponentialCurve (`delta` is a 1e18 fixed-point multiplier). Rounding: each step
/// computes `ceil(spotPrice * delta / 1e18)`, rounding **up** (in favour of the vendor, as sudoswap rounds buys
/// in favour of the pool). Rounding up has one more property we rely on: for any `delta > 1e18` the price
/// strictly increases at every step (until it saturates), so a cheap listing can never stall at a price
/// where the multiplication rounds back to the same value. The curve is defined by this step, iterated (what
/// fulfilments do), not by the closed form `spot * (delta/1e18)^n`, which it exceeds by the accumulated
/// rounding (less than 1 wei per step, then multiplied along by later steps).
library ExponentialCurve {
    /// @notice The fixed-point unit of `delta`: `delta == WAD` is a flat price.
    uint256 internal constant WAD = 1e18;

    /// @notice Largest accepted multiplier: at most doubling per generation.
    uint256 internal constant MAX_DELTA = 2e18;

    /// @notice Smallest accepted spot price (1 gwei), as in sudoswap: below it the per-step rounding
    /// dominates the curve's shape.
    uint256 internal constant MIN_SPOT_PRICE = 1 gwei;

    /// @notice Whether `(spotPrice, delta)` is a valid exponential curve:
    /// `WAD <= delta <= MAX_DELTA` and `spotPrice >= MIN_SPOT_PRICE`.
    function isValid(uint128 spotPrice, uint128 delta) internal pure returns (bool) {
        return delta >= WAD && delta <= MAX_DELTA && spotPrice >= MIN_SPOT_PRICE;
    }

    /// @notice The spot price after one more fulfilled generation: `ceil(spotPrice * delta / WAD)`, at most
    /// `maxPrice`.
    /// @dev Never overflows: `spotPrice * delta < 2^256 - 2^129`, and adding `WAD - 1` keeps it below 2^256.
    /// Monotonic non-decreasing in `spotPrice` and in `delta`; strictly increasing in the step when
    /// `delta > WAD`, `spotPrice > 0` and the result is below `maxPrice`.
    function next(uint128 spotPrice, uint128 delta, uint128 maxPrice) internal pure returns (uint128) {
        uint256 raised = (uint256(spotPrice) * delta + (WAD - 1)) / WAD;
        return raised > maxPrice ? maxPrice : uint128(raised);
    }
}
