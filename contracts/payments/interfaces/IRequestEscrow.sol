// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title Request escrow: a request's price is held until it is fulfilled or its deadline passes
/// @notice What both markets share about a paid request: the payer names the most it will pay and pays at least
/// the current price, which the market holds in escrow; the request can be fulfilled until its deadline
/// (inclusive) and refunded only after it.
interface IRequestEscrow {
    /// @notice Lifecycle of a request. `Pending` ends in exactly one of `Fulfilled` or `Refunded`.
    enum RequestStatus {
        None,
        Pending,
        Fulfilled,
        Refunded
    }

    /// @notice `requestId` is `status`, not pending: it cannot be fulfilled or refunded.
    error RequestNotPending(uint256 requestId, RequestStatus status);

    /// @notice `deadline` leaves less than the market's fulfilment window: it must be `earliest` or later.
    error DeadlineTooSoon(uint64 deadline, uint256 earliest);

    /// @notice The current `price` exceeds the payer's `maxPrice`.
    error PriceAboveMax(uint256 price, uint256 maxPrice);

    /// @notice `paid` wei is less than the price `price`.
    error InsufficientPayment(uint256 paid, uint256 price);

    /// @notice `requestId`'s deadline `deadline` has passed: it can only be refunded.
    error RequestExpired(uint256 requestId, uint64 deadline);

    /// @notice `requestId`'s deadline `deadline` has not passed yet: it cannot be refunded.
    error RequestNotExpired(uint256 requestId, uint64 deadline);

    /// @notice ETH held for pending requests.
    function totalEscrowed() external view returns (uint256);
}
