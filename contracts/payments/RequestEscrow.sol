// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Skimmable} from "./Skimmable.sol";
import {IRequestEscrow} from "./interfaces/IRequestEscrow.sol";

/// @title RequestEscrow
/// @notice What both markets do with a paid request, written once: the payment checks, the escrow total, and the
/// status and deadline rules of fulfilment and refund. See {IRequestEscrow}.
/// @dev An abstract mixin, as Uniswap v4's `ProtocolFees`: a market keeps its own request records and calls these
/// checks and the hold/release of escrow at its one choke point for each. The accounting invariant's terms are
/// summed here ({_owed}); a market that owes more than its escrow and its ledger's credits adds it through the one
/// hook {_owedBeyondEscrow}.
abstract contract RequestEscrow is IRequestEscrow, Skimmable {
    uint256 private _totalEscrowed;

    /// @inheritdoc IRequestEscrow
    function totalEscrowed() external view returns (uint256) {
        return _totalEscrowed;
    }

    /// @dev A new request's payment: reverts with {PriceAboveMax} if `price` exceeds the payer's `maxPrice`, and
    /// with {InsufficientPayment} if `msg.value` is below it.
    function _checkPayment(uint256 price, uint256 maxPrice) internal view {
        if (price > maxPrice) revert PriceAboveMax(price, maxPrice);
        if (msg.value < price) revert InsufficientPayment(msg.value, price);
    }

    /// @dev Holds `price` in escrow for a request just opened.
    function _hold(uint256 price) internal {
        _totalEscrowed += price;
    }

    /// @dev Releases `amount` from escrow: its request was fulfilled (into earnings) or refunded.
    function _release(uint256 amount) internal {
        _totalEscrowed -= amount;
    }

    /// @dev Reverts with {RequestNotPending} unless `status` is `Pending`.
    function _checkPending(uint256 requestId, RequestStatus status) internal pure {
        if (status != RequestStatus.Pending) revert RequestNotPending(requestId, status);
    }

    /// @dev A fulfilment's deadline rule: reverts with {RequestExpired} once `deadline` has passed (it is inclusive).
    function _checkNotExpired(uint256 requestId, uint64 deadline) internal view {
        if (block.timestamp > deadline) revert RequestExpired(requestId, deadline);
    }

    /// @dev A refund's rules: the request is pending and its `deadline` has passed ({RequestNotPending},
    /// {RequestNotExpired}).
    function _checkRefundable(uint256 requestId, RequestStatus status, uint64 deadline) internal view {
        _checkPending(requestId, status);
        if (block.timestamp <= deadline) revert RequestNotExpired(requestId, deadline);
    }

    /// @dev Escrowed requests, the ledger's credits and what the market adds ({_owedBeyondEscrow}).
    function _owed() internal view override returns (uint256) {
        return _totalEscrowed + _totalCredited() + _owedBeyondEscrow();
    }

    /// @dev What the market owes beyond its escrow and its ledger's credits (e.g. protocol fees); zero by default.
    function _owedBeyondEscrow() internal view virtual returns (uint256) {
        return 0;
    }
}
