// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";

/// @title ERC-2981 royalties for a model's collection, paid to the model's vendor
/// @notice Every token of the collection carries one royalty rate, in basis points of the sale price, paid to the
/// collection's vendor (its ERC-5313 `owner()`). The vendor sets the rate when it deploys and lists the collection
/// and may change it later, never above {MAX_ROYALTY_BPS}.
/// @dev ERC-2981 royalties are a request to marketplaces, not enforced on transfer.
interface IERC7007Royalty is IERC2981 {
    /// @notice The royalty rate `bps` is above the cap `max` (basis points).
    error ERC7007RoyaltyTooHigh(uint256 bps, uint256 max);

    /// @notice The royalty rate is now `bps` basis points of every sale, paid to `receiver`.
    event RoyaltyUpdated(address indexed receiver, uint256 bps);

    /// @notice The highest royalty rate a vendor may set, in basis points (1,000 = 10%).
    function MAX_ROYALTY_BPS() external view returns (uint96);

    /// @notice The royalty rate, in basis points of the sale price.
    function royaltyBps() external view returns (uint96);

    /// @notice Sets the royalty rate to `bps` basis points; only the vendor may. Emits {RoyaltyUpdated}.
    /// @dev Reverts with {ERC7007RoyaltyTooHigh} above {MAX_ROYALTY_BPS} and with
    /// {IERC7007Mintable-ERC7007UnauthorizedVendor} for any caller but the vendor.
    /// @param bps The new rate in basis points.
    function setRoyalty(uint96 bps) external;
}
