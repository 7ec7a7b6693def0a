// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IRequestEscrow} from "../../contracts/payments/interfaces/IRequestEscrow.sol";
import {MarketInvariantsBase} from "./MarketInvariantsBase.sol";
import {MarketHandlerBase} from "./MarketHandlerBase.sol";
import {DatasetMarketHandler} from "./DatasetMarketHandler.sol";
import {DatasetMarket} from "../../contracts/datamarket/DatasetMarket.sol";
import {IDatasetMarket} from "../../contracts/datamarket/interfaces/IDatasetMarket.sol";

/// @notice Escrow conservation and request lifecycle invariants of {DatasetMarket} under random sequences of
/// {DatasetMarketHandler} calls (foundry.toml: 1,000 runs x depth 100; the quick profile fewer), with reverting,
/// gas-burning and re-entrant customers and payouts.
contract DatasetMarketInvariantsTest is MarketInvariantsBase {
    DatasetMarketHandler internal handler;
    DatasetMarket internal market;

    function setUp() public {
        handler = new DatasetMarketHandler();
        market = handler.market();
    }

    function _handler() internal view override returns (MarketHandlerBase) {
        return handler;
    }

    /// One campaign checking every property after every call.
    function invariant_escrowConservedAndRequestsSettleOnce() public view {
        // The books: balance == escrowed + refundable + earnings, and ETH in minus ETH out is the balance; each
        // ledger bucket is the sum of its parts and matches the handler's books; no re-entry.
        uint256 owed = market.totalEscrowed() + market.totalRefundable() + market.totalEarnings();
        assertEq(address(market).balance, owed, "balance == escrowed + refundable + earnings");
        assertEq(market.surplus(), 0, "no surplus without forced ETH");
        _checkLedger(market);

        // Requests: escrow is the sum of pending prices; each settles at most once; receipts only for fulfilled
        // requests, never below the threshold; prices follow each dataset's curve.
        uint256[] memory ids = handler.requestIds();
        uint256 escrowed;
        for (uint256 i = 0; i < ids.length; ++i) {
            IDatasetMarket.Request memory req = market.getRequest(ids[i]);
            if (req.status == IRequestEscrow.RequestStatus.Pending) escrowed += req.price;
            assertLe(handler.settlements(ids[i]), 1, "a request settles at most once");
            IDatasetMarket.Receipt memory receipt = market.getReceipt(ids[i]);
            bool fulfilled = req.status == IRequestEscrow.RequestStatus.Fulfilled;
            assertTrue(fulfilled == (receipt.blockNumber != 0), "a receipt iff fulfilled");
            if (fulfilled) assertLe(req.minCorrect, receipt.correct, "receipt count >= threshold");
        }
        assertEq(escrowed, market.totalEscrowed(), "escrow == sum of pending prices");
        assertEq(handler.belowThresholdSold(), 0, "no sale below the threshold");
        assertEq(handler.replayedSold(), 0, "no sale with a proof bound to another request");
        assertEq(handler.badChunksSold(), 0, "no sale with chunks swapped, missing or of another test set");
        assertEq(handler.pricedOffCurve(), 0, "every request paid the dataset's spot price");
        for (uint256 d = 1; d <= 2; ++d) {
            assertEq(market.getDataset(d).spotPrice, handler.ghostSpot(d), "spot == curve position");
        }
    }

    /// The handler's paths are reachable: a request, a valid two-chunk fulfilment and a refund all succeed.
    function test_handlerFulfilsAndRefunds() public {
        handler.request(0, 0, (40 << 16) | 1, 1, 1); // alice, dataset 1, 40 rows (2 chunks: 24 + 16), threshold 1
        assertEq(market.requestChunks(1), 2, "two chunks");
        handler.fulfil(0, 1, 39); // the vendor, valid proofs with 24 + 15 correct
        assertEq(handler.settlements(1), 1, "fulfilled");
        assertEq(market.getReceipt(1).correct, 39, "receipt sums the chunks");
        assertEq(handler.chunkedSold(), 1, "a chunked sale");
        handler.request(1, 1, 1, 1, 1);
        handler.warp(2 days);
        handler.refund(1, 0);
        assertEq(handler.settlements(2), 1, "refunded");
        assertTrue(market.getRequest(2).status == IRequestEscrow.RequestStatus.Refunded, "status");
    }
}
