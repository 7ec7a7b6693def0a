// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {RevertingActor, GasBurningActor, ReentrantActorBase} from "../../contracts/test/Actors.sol";
import {IPullPayments} from "../../contracts/payments/interfaces/IPullPayments.sol";

/// @notice What the two market handlers share: the cast (plain accounts and reverting, gas-burning and re-entrant
/// contracts, plus the vendor), the ghost books of ETH observed going in and out of the market and through its
/// pull-payment ledger ({IPullPayments}), and the withdrawal actions. Each handler adds its market's own actions
/// and books, and calls {_enlist} once its market is deployed.
abstract contract MarketHandlerBase is TestBase {
    address public constant OWNER = address(0x0A11);
    address public constant VENDOR = address(0xBEEF);
    address public constant SINK = address(0x5111);

    /// @dev The market, seen as its pull-payment ledger.
    IPullPayments private _ledger;
    ReentrantActorBase public reentrant;
    address[] public actors;
    address[] public accounts; // every account that may ever hold a refundable or earnings balance

    uint256[] public ids; // every request made
    mapping(bytes32 op => uint256) public successes;
    uint256 public pricedOffCurve; // requests that paid anything but the ghost spot price

    uint256 public ghostIn; // ETH sent into the market by successful calls
    uint256 public ghostOut; // ETH observed leaving it
    uint256 public ghostDeferred; // excess/refunds that could not be pushed, observed from the receiver's side
    uint256 public ghostRefundWithdrawn;
    uint256 public ghostEarningsWithdrawn;

    constructor() {
        vm.warp(1_700_000_000);
    }

    // ------------------------------------------------------------------------------------------ entry points

    /// @notice An account pulls its refunds, to itself, to a plain address or to any account (hostile ones
    /// included).
    function withdrawRefund(uint256 accountSeed, uint256 toSeed) external {
        _withdraw(accountSeed, toSeed, false);
    }

    /// @notice A payout pulls its earnings, to itself, to a plain address or to any account.
    function withdrawEarnings(uint256 accountSeed, uint256 toSeed) external {
        _withdraw(accountSeed, toSeed, true);
    }

    // ------------------------------------------------------------------------------------------------ views

    function requestIds() external view returns (uint256[] memory) {
        return ids;
    }

    function allAccounts() external view returns (address[] memory) {
        return accounts;
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /// @dev Names the market and its re-entrant actor, and casts the actors: two plain accounts, a reverting, a
    /// gas-burning and the re-entrant contract; the accounts are the actors and the vendor.
    function _enlist(IPullPayments market_, ReentrantActorBase reentrant_) internal {
        _ledger = market_;
        reentrant = reentrant_;
        actors.push(address(0xA11CE));
        actors.push(address(0xB0B));
        actors.push(address(new RevertingActor()));
        actors.push(address(new GasBurningActor()));
        actors.push(address(reentrant_));
        for (uint256 i = 0; i < actors.length; ++i) {
            accounts.push(actors[i]);
        }
        accounts.push(VENDOR);
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev Gives `payer` `value` more ETH to pay with; returns its balance then.
    function _fund(address payer, uint256 value) internal returns (uint256 balance) {
        vm.deal(payer, payer.balance + value);
        return payer.balance;
    }

    /// @dev Books request `id`, for which `payer` (holding `before` after {_fund}) sent `value` and was charged
    /// `price`: the excess came back to it or was deferred to its refundable balance.
    function _booked(uint256 id, address payer, uint256 before, uint256 value, uint256 price) internal {
        ids.push(id);
        reentrant.setTarget(id);
        uint256 pushed = payer.balance - (before - value);
        ghostIn += value;
        ghostOut += pushed;
        ghostDeferred += (value - price) - pushed;
    }

    /// @dev Books a refund of `price` to `customer` (who held `before`): sent, or deferred.
    function _bookedRefund(address customer, uint256 before, uint256 price) internal {
        uint256 pushed = customer.balance - before;
        ghostOut += pushed;
        ghostDeferred += price - pushed;
    }

    /// @dev Withdraws an account's earnings or refunds to {_recipient} and books what left the market.
    function _withdraw(uint256 accountSeed, uint256 toSeed, bool earnings) private {
        address account = accounts[accountSeed % accounts.length];
        address to = _recipient(account, toSeed);
        uint256 amount = earnings ? _ledger.earningsOf(account) : _ledger.refundableOf(account);
        function(address payable) external withdraw = earnings ? _ledger.withdrawEarnings : _ledger.withdrawRefund;
        uint256 before = address(_ledger).balance;
        vm.prank(account);
        // Bounded gas: a gas burner burns only its own.
        try withdraw{gas: 1_000_000}(payable(to)) {
            ++successes[earnings ? bytes32("withdrawEarnings") : bytes32("withdrawRefund")];
            if (earnings) ghostEarningsWithdrawn += amount;
            else ghostRefundWithdrawn += amount;
            ghostOut += before - address(_ledger).balance;
        } catch {}
    }

    /// @dev A withdrawal's recipient: the account itself, the plain {SINK} or any account (maybe a hostile one).
    function _recipient(address account, uint256 seed) private view returns (address) {
        if (seed % 3 == 0) return account;
        if (seed % 3 == 1) return SINK;
        return accounts[(seed / 3) % accounts.length];
    }
}
