// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {CurveType} from "../../pricing/CurveType.sol";

/// @title Listing terms: what a vendor's listing is sold on, a payout address and a bonding curve
/// @notice What both markets share about a listing: the vendor names the account its earnings are credited to and
/// the curve its price follows ({CurveType}: a spot price and a delta), when listing and later through `setPayout`
/// and `setCurve`. A zero payout or an invalid curve is refused the same way in both.
/// @dev The listing's events (`CurveUpdated`, `PayoutUpdated`) and its `NotVendor` error stay in each market's
/// interface: they name the listing by its key, a collection's address in the model marketplace and a dataset's id in
/// the dataset market, so their signatures (and selectors) are each market's own.
interface IListingTerms {
    /// @notice The payout address is zero.
    error InvalidPayout();

    /// @notice `(spotPrice, delta)` is not a valid curve of `curveType`.
    error InvalidCurve(CurveType curveType, uint128 spotPrice, uint128 delta);
}
