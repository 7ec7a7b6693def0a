// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title Pull payments: what a market owes accounts, withdrawn by each account itself
/// @notice The ledger both markets keep. An account may hold two balances: *earnings* (credited to a payout
/// address for each fulfilled sale) and *refunds* (ETH the market had to hand back on its own initiative, an
/// excess payment or an expired request's price, but could not push to a receiver that reverted or needed more
/// than {PUSH_GAS_LIMIT} gas). Each account pulls its own balances, whole, to a recipient of its choice.
/// @dev `totalRefundable()` is the sum of every {refundableOf} and `totalEarnings()` the sum of every
/// {earningsOf}, at all times; both are terms of each market's accounting invariant (`balance == escrowed +
/// refundable + earnings + ... + surplus`).
interface IPullPayments {
    // ---------------------------------------------------------------------------------------------- events

    /// @notice Sending `amount` to `account` failed; it was credited to `account`'s refundable balance instead,
    /// to be pulled with {withdrawRefund}.
    event PaymentDeferred(address indexed account, uint256 amount);

    /// @notice `account` withdrew `amount` of refunds to `to`.
    event RefundWithdrawn(address indexed account, address indexed to, uint256 amount);

    /// @notice `account` withdrew `amount` of earnings to `to`.
    event EarningsWithdrawn(address indexed account, address indexed to, uint256 amount);

    // ---------------------------------------------------------------------------------------------- errors

    /// @notice `account` has nothing to withdraw.
    error NothingToWithdraw(address account);

    /// @notice The withdrawal recipient is the zero address.
    error InvalidRecipient();

    /// @notice Sending `amount` wei to `to` failed.
    error TransferFailed(address to, uint256 amount);

    // ---------------------------------------------------------------------------------------------- withdrawals

    /// @notice Sends the caller's whole refundable balance to `to`. Emits {RefundWithdrawn}.
    function withdrawRefund(address payable to) external;

    /// @notice Sends the caller's whole earnings balance (as a payout address) to `to`. Emits
    /// {EarningsWithdrawn}.
    function withdrawEarnings(address payable to) external;

    // ---------------------------------------------------------------------------------------------- views

    /// @notice Gas forwarded when the market pushes ETH it does not have to push (excess payment, refunds); a
    /// receiver needing more is credited instead.
    function PUSH_GAS_LIMIT() external view returns (uint256);

    /// @notice Refunds credited to `account` that it can pull with {withdrawRefund}.
    function refundableOf(address account) external view returns (uint256);

    /// @notice Earnings credited to `account` that it can pull with {withdrawEarnings}.
    function earningsOf(address account) external view returns (uint256);

    /// @notice Sum of all {refundableOf}.
    function totalRefundable() external view returns (uint256);

    /// @notice Sum of all {earningsOf}.
    function totalEarnings() external view returns (uint256);
}
