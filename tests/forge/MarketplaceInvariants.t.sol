// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IRequestEscrow} from "../../contracts/payments/interfaces/IRequestEscrow.sol";
import {MarketInvariantsBase} from "./MarketInvariantsBase.sol";
import {MarketHandlerBase} from "./MarketHandlerBase.sol";
import {MarketplaceHandler} from "./MarketplaceHandler.sol";
import {ModelMarketplace} from "../../contracts/marketplace/ModelMarketplace.sol";
import {IModelMarketplace} from "../../contracts/marketplace/interfaces/IModelMarketplace.sol";
import {ERC7007Collection} from "../../contracts/ERC7007Collection.sol";

/// @notice Escrow conservation and request lifecycle invariants of {ModelMarketplace}, under random sequences
/// of {MarketplaceHandler} calls (foundry.toml: 1,000 runs x depth 100; the quick profile 64 x 20) that include
/// reverting, gas-burning and re-entrant requesters and payouts. Minting goes through the real {ERC7007Collection} (claims, minter check,
/// mint-to-claimant) with a stub verifier: see contracts/test/StubVerifier.sol.
contract MarketplaceInvariantsTest is MarketInvariantsBase {
    MarketplaceHandler internal handler;
    ModelMarketplace internal market;

    function setUp() public {
        handler = new MarketplaceHandler();
        market = handler.market();
    }

    function _handler() internal view override returns (MarketHandlerBase) {
        return handler;
    }

    /// One campaign (1,000 runs x 100 calls) checking every property after every call; one function rather
    /// than several so forge runs one campaign instead of several (each invariant function gets its own).
    function invariant_escrowConservedAndRequestsSettleOnce() public view {
        _checkBalanceEqualsLiabilities();
        _checkBucketsMatchGhostBooks();
        _checkRequestsSettleOnceAndTokensGoToRequesters();
        _checkPricesFollowTheCurvePerRequest();
        _checkDeadlinesLeaveTheFulfilmentWindow();
        _checkNoSquatting();
        assertTrue(market.owner() == handler.OWNER() && handler.renounced() == 0, "ownership is never renounced");
    }

    /// Each listing's spot price is its curve advanced once per request since the vendor last set it, and every
    /// request paid the price its position on the curve gave: k concurrent requests pay what k sequential would,
    /// and a refund never rewinds the curve.
    function _checkPricesFollowTheCurvePerRequest() internal view {
        assertEq(handler.pricedOffCurve(), 0, "every request paid its curve position's price");
        for (uint256 m = 0; m < 2; ++m) {
            address collection = address(handler.collections(m));
            assertEq(market.getListing(collection).spotPrice, handler.ghostSpot(collection), "spot == curve position");
        }
    }

    /// Every request's deadline left the provers at least the listing's fulfilment window at the time, and every
    /// window is within its bounds.
    function _checkDeadlinesLeaveTheFulfilmentWindow() internal view {
        uint256[] memory ids = handler.requestIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            assertLe(handler.ghostEarliestDeadline(ids[i]), market.getRequest(ids[i]).deadline, "deadline >= window");
        }
        for (uint256 m = 0; m < 2; ++m) {
            uint256 window = market.getListing(address(handler.collections(m))).fulfilmentWindow;
            assertLe(market.MIN_FULFILMENT_WINDOW(), window, "window >= MIN_FULFILMENT_WINDOW");
            assertLe(window, market.MAX_FULFILMENT_WINDOW(), "window <= MAX_FULFILMENT_WINDOW");
        }
    }

    /// Whatever the squatter listed first, the vendor listed each of its models, each of the vendor's lookups
    /// leads to the vendor's own collection, and no squatter collection is ever found under the vendor's name.
    function _checkNoSquatting() internal view {
        address vendor = handler.VENDOR();
        assertEq(handler.vendorLockedOut(), 0, "the vendor can always list its own model");
        for (uint256 m = 0; m < handler.vendorCollectionCount(); ++m) {
            address collection = address(handler.vendorCollections(m));
            assertTrue(market.getListing(collection).vendor == vendor, "vendor's collection listed by the vendor");
            assertTrue(market.collectionOfModel(vendor, handler.modelHashOf(m)) == collection, "model lookup");
            assertTrue(market.collectionOfVerifier(vendor, handler.verifierOf(m)) == collection, "verifier lookup");
        }
        for (uint256 i = 0; i < handler.squatCount(); ++i) {
            ERC7007Collection squat = handler.squats(i);
            assertTrue(market.getListing(address(squat)).vendor == handler.SQUATTER(), "a squat is its squatter's");
            assertTrue(market.collectionOfModel(vendor, squat.modelHash()) != address(squat), "never the vendor's");
            assertTrue(market.collectionOfVerifier(vendor, squat.verifier()) != address(squat), "never the vendor's");
        }
    }

    /// The marketplace holds exactly what it owes: escrow + refunds + earnings + fees, and that equals the ETH
    /// observed going in minus the ETH observed going out.
    function _checkBalanceEqualsLiabilities() internal view {
        uint256 owed =
            market.totalEscrowed() + market.totalRefundable() + market.totalEarnings() + market.protocolFees();
        assertEq(address(market).balance, owed, "balance == escrowed + refundable + earnings + fees");
        assertEq(market.surplus(), 0, "no surplus without forced ETH");
    }

    /// Each bucket matches the books kept from outside, and the per-account balances sum to the totals
    /// ({_checkLedger}: the pull-payment ledger, ETH in and out, no re-entry).
    function _checkBucketsMatchGhostBooks() internal view {
        uint256[] memory ids = handler.requestIds();
        uint256 escrowed;
        uint256 fees;
        uint256 earned;
        for (uint256 i = 0; i < ids.length; ++i) {
            IModelMarketplace.Request memory r = market.getRequest(ids[i]);
            if (r.status == IRequestEscrow.RequestStatus.Pending) escrowed += r.price;
            if (r.status == IRequestEscrow.RequestStatus.Fulfilled) {
                fees += r.fee;
                earned += r.price - r.fee;
            }
        }
        assertEq(market.totalEscrowed(), escrowed, "escrow == sum of pending prices");
        assertEq(market.protocolFees(), fees - handler.ghostFeesWithdrawn(), "fees == fulfilled fees - withdrawn");
        assertEq(market.totalEarnings(), earned - handler.ghostEarningsWithdrawn(), "earnings == earned - withdrawn");
        _checkLedger(market);
    }

    /// A request is settled at most once, as fulfilled xor refunded, exactly as the handler saw it happen; a
    /// fulfilled request's token belongs to its requester.
    function _checkRequestsSettleOnceAndTokensGoToRequesters() internal view {
        uint256[] memory ids = handler.requestIds();
        assertEq(ids.length, market.requestCount(), "every request is tracked");
        assertEq(handler.settledTwice(), 0, "no request settled twice");
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            IModelMarketplace.Request memory r = market.getRequest(id);
            bool fulfilled = r.status == IRequestEscrow.RequestStatus.Fulfilled;
            bool refunded = r.status == IRequestEscrow.RequestStatus.Refunded;
            assertTrue(fulfilled == handler.ghostFulfilled(id), "fulfilled iff a fulfil succeeded");
            assertTrue(refunded == handler.ghostRefunded(id), "refunded iff a refund succeeded");
            assertTrue(!(fulfilled && refunded), "fulfilled xor refunded");
            if (fulfilled) {
                assertTrue(
                    ERC7007Collection(r.collection).ownerOf(uint256(r.promptHash)) == r.requester,
                    "token minted to the requester"
                );
            }
        }
    }

    /// After every run: once all deadlines pass, every request ends fulfilled xor refunded, and every account
    /// (reverting and gas-burning ones included, withdrawing to a plain address) gets all its ETH out: nothing
    /// is stuck.
    function afterInvariant() public virtual {
        vm.warp(block.timestamp + 30 days);
        uint256[] memory ids = handler.requestIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            if (market.getRequest(ids[i]).status == IRequestEscrow.RequestStatus.Pending) market.refund(ids[i]);
            IRequestEscrow.RequestStatus status = market.getRequest(ids[i]).status;
            assertTrue(
                status == IRequestEscrow.RequestStatus.Fulfilled || status == IRequestEscrow.RequestStatus.Refunded,
                "every request ends fulfilled or refunded"
            );
        }
        assertEq(market.totalEscrowed(), 0, "nothing left in escrow");
        address sink = address(0xD1A1);
        address[] memory accounts = handler.allAccounts();
        for (uint256 i = 0; i < accounts.length; ++i) {
            vm.startPrank(accounts[i]);
            if (market.refundableOf(accounts[i]) != 0) market.withdrawRefund(payable(sink));
            if (market.earningsOf(accounts[i]) != 0) market.withdrawEarnings(payable(sink));
            vm.stopPrank();
        }
        if (market.protocolFees() != 0) {
            vm.prank(handler.OWNER());
            market.withdrawProtocolFees(payable(sink));
        }
        assertEq(address(market).balance, 0, "all ETH withdrawn");
        assertEq(market.totalRefundable() + market.totalEarnings() + market.protocolFees(), 0, "all books empty");
    }
}
