// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {CurveType} from "./CurveType.sol";
import {LinearCurve} from "./LinearCurve.sol";
import {ExponentialCurve} from "./ExponentialCurve.sol";

/// @title PricingCurve
/// @notice Dispatches a listing's {CurveType} to its curve library. Curves are internal libraries rather than
/// external contracts: pricing makes no external call, needs no allow-list and cannot be swapped for a
/// malicious implementation.
library PricingCurve {
    /// @notice Prices saturate here instead of overflowing: the largest spot price any curve reaches.
    uint128 internal constant MAX_PRICE = type(uint128).max;

    /// @notice Whether `(spotPrice, delta)` is valid for `curveType` (see each curve library).
    function isValid(CurveType curveType, uint128 spotPrice, uint128 delta) internal pure returns (bool) {
        if (curveType == CurveType.Exponential) return ExponentialCurve.isValid(spotPrice, delta);
        return true; // Linear: every spot price and delta is valid
    }

    /// @notice The spot price after one more fulfilled generation on `curveType`.
    function next(CurveType curveType, uint128 spotPrice, uint128 delta) internal pure returns (uint128) {
        if (curveType == CurveType.Exponential) return ExponentialCurve.next(spotPrice, delta, MAX_PRICE);
        return LinearCurve.next(spotPrice, delta, MAX_PRICE);
    }
}
