// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {MarketHandlerBase} from "./MarketHandlerBase.sol";
import {IPullPayments} from "../../contracts/payments/interfaces/IPullPayments.sol";

/// @notice What the two markets' invariant suites share: forge fuzzes only the handler, and the pull-payment
/// ledger ({IPullPayments}) is checked against the books {MarketHandlerBase} keeps from outside.
abstract contract MarketInvariantsBase is TestBase {
    /// forge: fuzz only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(_handler());
    }

    /// The handler the suite drives its market with.
    function _handler() internal view virtual returns (MarketHandlerBase);

    /// `market` holds what came in minus what went out; each ledger total is the sum of the accounts' balances;
    /// the refunds credited are what the handler saw deferred less what was withdrawn; no re-entry got through.
    function _checkLedger(IPullPayments market) internal view {
        MarketHandlerBase handler = _handler();
        assertEq(address(market).balance, handler.ghostIn() - handler.ghostOut(), "balance == ETH in - ETH out");
        assertEq(
            market.totalRefundable(),
            handler.ghostDeferred() - handler.ghostRefundWithdrawn(),
            "refundable == deferred - withdrawn"
        );
        address[] memory accounts = handler.allAccounts();
        uint256 refundable;
        uint256 earnings;
        for (uint256 i = 0; i < accounts.length; ++i) {
            refundable += market.refundableOf(accounts[i]);
            earnings += market.earningsOf(accounts[i]);
        }
        assertEq(refundable, market.totalRefundable(), "sum of refundableOf == totalRefundable");
        assertEq(earnings, market.totalEarnings(), "sum of earningsOf == totalEarnings");
        assertTrue(!handler.reentrant().reentered(), "no re-entry succeeded");
    }
}
