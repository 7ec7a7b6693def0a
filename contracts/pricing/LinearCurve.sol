// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title LinearCurve
/// @notice Linear bonding curve: every fulfilled generation raises the spot price by a constant `delta` (wei).
/// @dev Modelled on sudoswap's LinearCurve with the price of the next generation being the current spot price
/// (the price is quoted before the generation, not after). Integer math only, nothing to round: the spot price
/// after `n` generations is exactly `min(spot + n * delta, maxPrice)`. Any `delta` is valid, `0`
/// included (a flat price); any spot price is valid, `0` included (free first generations).
library LinearCurve {
    /// @notice The spot price after one more fulfilled generation: `spotPrice + delta`, at most `maxPrice`.
    /// @dev Monotonic non-decreasing in `spotPrice` and in `delta`; never overflows (the sum of two uint128
    /// values fits in uint256).
    function next(uint128 spotPrice, uint128 delta, uint128 maxPrice) internal pure returns (uint128) {
        uint256 raised = uint256(spotPrice) + delta;
        return raised > maxPrice ? maxPrice : uint128(raised);
    }
}
