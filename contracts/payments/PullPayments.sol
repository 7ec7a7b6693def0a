// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {EthTransfer} from "../libraries/EthTransfer.sol";
import {IPullPayments} from "./interfaces/IPullPayments.sol";

/// @title PullPayments
/// @notice The pull-payment ledger both markets inherit: per-account refundable and earnings balances, their
/// totals, the withdrawals, and the two ways a market sends ETH. See {IPullPayments}.
/// @dev Money moves by three rules, which every inheriting market keeps. (1) Every function that moves ETH is
/// `nonReentrant` (this contract brings the guard) and finishes its state changes before the transfer. (2) ETH a
/// market hands back on its own initiative goes through {_pushOrCredit}: pushed with at most {PUSH_GAS_LIMIT} gas
/// and no return data copied, credited to the receiver's refundable balance if that fails, so a reverting or
/// gas-burning receiver blocks no one but itself. (3) Everything else is pulled by its owner to a recipient of
/// its choice through {_send}, which reverts if the transfer fails. Balances change only here: {_creditEarnings}
/// and {_pushOrCredit} add to them, the withdrawals empty them, and each keeps its total equal to the sum.
abstract contract PullPayments is IPullPayments, ReentrancyGuard {
    /// @inheritdoc IPullPayments
    uint256 public constant PUSH_GAS_LIMIT = 30_000;

    uint256 private _totalRefundable;
    uint256 private _totalEarnings;

    mapping(address account => uint256) private _refundable;
    mapping(address account => uint256) private _earnings;

    /// @inheritdoc IPullPayments
    function withdrawRefund(address payable to) external nonReentrant {
        uint256 amount = _debitAll(_refundable, to);
        _totalRefundable -= amount;
        emit RefundWithdrawn(msg.sender, to, amount);
        _send(to, amount);
    }

    /// @inheritdoc IPullPayments
    function withdrawEarnings(address payable to) external nonReentrant {
        uint256 amount = _debitAll(_earnings, to);
        _totalEarnings -= amount;
        emit EarningsWithdrawn(msg.sender, to, amount);
        _send(to, amount);
    }

    /// @inheritdoc IPullPayments
    function refundableOf(address account) external view returns (uint256) {
        return _refundable[account];
    }

    /// @inheritdoc IPullPayments
    function earningsOf(address account) external view returns (uint256) {
        return _earnings[account];
    }

    /// @inheritdoc IPullPayments
    function totalRefundable() external view returns (uint256) {
        return _totalRefundable;
    }

    /// @inheritdoc IPullPayments
    function totalEarnings() external view returns (uint256) {
        return _totalEarnings;
    }

    /// @dev What the ledger owes: `totalRefundable() + totalEarnings()`, a term of the market's `surplus()`.
    function _totalCredited() internal view returns (uint256) {
        return _totalRefundable + _totalEarnings;
    }

    /// @dev Credits `amount` to `account`'s earnings. The caller moves it out of its own books (escrow) first.
    function _creditEarnings(address account, uint256 amount) internal {
        _earnings[account] += amount;
        _totalEarnings += amount;
    }

    /// @dev Sends `amount` to `to` with at most {PUSH_GAS_LIMIT} gas, copying no return data (a receiver cannot
    /// return-bomb); on failure credits it to `to`'s refundable balance and emits {PaymentDeferred}. Callers are
    /// `nonReentrant` and have finished their own state changes.
    function _pushOrCredit(address to, uint256 amount) internal {
        if (!EthTransfer.tryPush(to, amount, PUSH_GAS_LIMIT)) {
            _refundable[to] += amount;
            _totalRefundable += amount;
            emit PaymentDeferred(to, amount);
        }
    }

    /// @dev Sends `amount` to `to` with all remaining gas (the caller picked `to`), copying no return data;
    /// reverts with {TransferFailed} on failure, which restores the caller's balance.
    function _send(address to, uint256 amount) internal {
        if (!EthTransfer.trySend(to, amount)) revert TransferFailed(to, amount);
    }

    /// @dev A withdrawal's checks and first effect: `to` is not zero ({InvalidRecipient}) and the caller's entry in
    /// `balances` is not ({NothingToWithdraw}); empties that entry and returns what it held.
    function _debitAll(mapping(address account => uint256) storage balances, address to)
        private
        returns (uint256 amount)
    {
        if (to == address(0)) revert InvalidRecipient();
        amount = balances[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        balances[msg.sender] = 0;
    }
}
