// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {CurveType} from "../pricing/CurveType.sol";
import {PricingCurve} from "../pricing/PricingCurve.sol";
import {IListingTerms} from "./interfaces/IListingTerms.sol";

/// @title ListingTerms
/// @notice The checks of a listing's terms both markets make, written once: a nonzero payout and a curve that
/// {PricingCurve} accepts. See {IListingTerms}.
/// @dev An abstract mixin, as {RequestEscrow}: a market keeps its own listing records, keyed its own way, and calls
/// these checks when a vendor lists and when it changes the payout or the curve.
abstract contract ListingTerms is IListingTerms {
    /// @dev Reverts with {InvalidPayout} if `payout` is zero.
    function _checkPayout(address payout) internal pure {
        if (payout == address(0)) revert InvalidPayout();
    }

    /// @dev Reverts with {InvalidCurve} unless `(spotPrice, delta)` is a valid curve of `curveType`.
    function _checkCurve(CurveType curveType, uint128 spotPrice, uint128 delta) internal pure {
        if (!PricingCurve.isValid(curveType, spotPrice, delta)) revert InvalidCurve(curveType, spotPrice, delta);
    }
}
