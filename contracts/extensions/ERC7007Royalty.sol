// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ERC7007} from "../ERC7007.sol";
import {IERC7007Royalty} from "../interfaces/IERC7007Royalty.sol";

/// @title ERC-7007 royalty extension (ERC-2981), paid to the model's vendor
/// @notice One rate for every token, set by the vendor and capped at {MAX_ROYALTY_BPS}; the receiver is always the
/// vendor ({_royaltyReceiver}), so nobody else can redirect it.
/// @dev The derived contract names the vendor ({_royaltyReceiver}) and decides who may set the rate
/// ({_checkVendor}); it sets the first rate with {_setRoyalty} in its constructor.
abstract contract ERC7007Royalty is ERC7007, IERC7007Royalty {
    /// @inheritdoc IERC7007Royalty
    uint96 public constant MAX_ROYALTY_BPS = 1_000;

    /// @dev Basis-point denominator.
    uint256 private constant _BPS = 10_000;

    uint96 private _royaltyBps;

    /// @inheritdoc ERC7007
    function supportsInterface(bytes4 interfaceId) public view virtual override(ERC7007, IERC165) returns (bool) {
        return interfaceId == type(IERC2981).interfaceId || interfaceId == type(IERC7007Royalty).interfaceId
            || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC2981
    /// @dev The same rate for every token, existing or not; rounds down.
    function royaltyInfo(uint256, uint256 salePrice) public view virtual returns (address receiver, uint256 amount) {
        return (_royaltyReceiver(), Math.mulDiv(salePrice, _royaltyBps, _BPS));
    }

    /// @inheritdoc IERC7007Royalty
    function royaltyBps() public view virtual returns (uint96) {
        return _royaltyBps;
    }

    /// @inheritdoc IERC7007Royalty
    function setRoyalty(uint96 bps) public virtual {
        _checkVendor();
        _setRoyalty(_royaltyReceiver(), bps);
    }

    /// @dev Sets the rate; `receiver` is the vendor, for the event (a constructor cannot read it from immutables).
    function _setRoyalty(address receiver, uint96 bps) internal virtual {
        if (bps > MAX_ROYALTY_BPS) revert ERC7007RoyaltyTooHigh(bps, MAX_ROYALTY_BPS);
        _royaltyBps = bps;
        emit RoyaltyUpdated(receiver, bps);
    }

    /// @dev Who royalties are paid to: the model's vendor.
    function _royaltyReceiver() internal view virtual returns (address);

    /// @dev Reverts unless the caller is the vendor.
    function _checkVendor() internal view virtual;
}
