// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {MarketHandlerBase} from "./MarketHandlerBase.sol";
import {StubVerifier} from "../../contracts/test/StubVerifier.sol";
import {DatasetReentrantActor} from "../../contracts/test/Actors.sol";
import {DatasetMarket} from "../../contracts/datamarket/DatasetMarket.sol";
import {IDatasetMarket} from "../../contracts/datamarket/interfaces/IDatasetMarket.sol";
import {CurveType} from "../../contracts/marketplace/types/CurveType.sol";
import {PricingCurve} from "../../contracts/marketplace/libraries/PricingCurve.sol";

/// @notice Drives the dataset market with random sequences: requests (right and wrong payments, stale prices, bad
/// thresholds, row counts and deadlines), fulfilments (valid stub proofs, another template's proof, counts below the
/// threshold, mismatched hashes, proofs bound to another request, non-vendors), refunds, time, withdrawals and vendor administration (curves, payouts moved to
/// hostile contracts), by plain accounts and by reverting, gas-burning and re-entrant contracts; withdrawals and
/// the books they share with the model marketplace's handler are {MarketHandlerBase}'s. Ghost books track what
/// happened from the outside for the invariants.
contract DatasetMarketHandler is MarketHandlerBase {
    DatasetMarket public immutable market;
    uint256 internal constant ROWS = 48;
    uint8 internal constant SCALE = 12;

    mapping(uint256 requestId => uint256) public settlements;
    mapping(uint256 datasetId => uint256) public ghostSpot;
    uint256 public belowThresholdSold; // receipts whose count is below the request's threshold
    uint256 public replayedSold; // receipts paid for with a proof bound to another request

    constructor() {
        market = new DatasetMarket(OWNER);
        _enlist(market, new DatasetReentrantActor(market));
        vm.startPrank(OWNER);
        market.registerTemplate(address(new StubVerifier(1)), uint32(ROWS), 4, 3, 3, SCALE);
        market.registerTemplate(address(new StubVerifier(2)), uint32(ROWS), 13, 4, 3, SCALE);
        vm.stopPrank();
        vm.startPrank(VENDOR);
        market.listDataset(1, bytes32("iris"), VENDOR, CurveType.Exponential, 1 gwei, 1.5e18);
        market.listDataset(2, bytes32("wine"), VENDOR, CurveType.Linear, 0.001 ether, 0.0005 ether);
        vm.stopPrank();
        ghostSpot[1] = 1 gwei;
        ghostSpot[2] = 0.001 ether;
    }

    // ------------------------------------------------------------------------------------------ entry points

    /// @notice `actor` requests a model, sometimes under-paying, with a stale `maxPrice`, a bad threshold or deadline.
    function request(uint256 actorSeed, uint256 datasetSeed, uint256 kSeed, uint256 valueSeed, uint256 timeSeed)
        external
    {
        address actor = _actor(actorSeed);
        uint256 datasetId = 1 + (datasetSeed % 2);
        uint256 price = market.getDataset(datasetId).spotPrice;
        uint256 value = valueSeed % 8 == 0 ? price / 2 : price + bound(valueSeed, 0, 0.01 ether);
        uint256 maxPrice = valueSeed % 9 == 0 && price > 0 ? price - 1 : price + bound(valueSeed >> 8, 0, 1 ether);
        uint32 rows = uint32(kSeed % 17 == 0 ? ROWS + 1 : bound(kSeed >> 16, 1, ROWS));
        uint32 k = uint32(kSeed % 13 == 0 ? rows + 1 : bound(kSeed, 1, rows));
        uint64 deadline = uint64(block.timestamp + (timeSeed % 11 == 0 ? bound(timeSeed, 0, 9 days) : 1 hours));
        _request(actor, datasetId, 1 + (kSeed >> 8) % 3, rows, k, deadline, value, maxPrice);
    }

    function _request(
        address actor,
        uint256 datasetId,
        uint256 testSetHash,
        uint32 rows,
        uint32 k,
        uint64 deadline,
        uint256 value,
        uint256 maxPrice
    ) private {
        uint256 before = _fund(actor, value);
        vm.prank(actor);
        try market.request{value: value}(datasetId, testSetHash, 7, rows, k, deadline, maxPrice) returns (uint256 id) {
            uint256 price = market.getRequest(id).price;
            if (price != ghostSpot[datasetId]) ++pricedOffCurve;
            // The curve moves at request time, whatever happens to the request later.
            IDatasetMarket.Dataset memory d = market.getDataset(datasetId);
            ghostSpot[datasetId] = PricingCurve.next(d.curveType, uint128(price), d.delta);
            _booked(id, actor, before, value, price);
        } catch {}
    }

    /// @notice The vendor (or a stranger) fulfils a request with a valid proof, another template's proof, a count
    /// below the threshold, a mismatched test set or a proof bound to another request.
    function fulfil(uint256 idSeed, uint256 modeSeed, uint256 correctSeed) external {
        if (ids.length == 0) return;
        uint256 id = ids[idSeed % ids.length];
        IDatasetMarket.Request memory req = market.getRequest(id);
        uint256 correct = bound(correctSeed, 0, req.rows);
        uint256 xHash = modeSeed % 7 == 0 ? req.testSetHash + 1 : req.testSetHash;
        uint256 boundTo = modeSeed % 13 == 0 ? ids[(idSeed + 1) % ids.length] : id; // sometimes another request's
        uint256[] memory instances = _instances(xHash, req, correct, correctSeed, market.requestBinding(boundTo));
        uint256 tag = modeSeed % 5 == 0 ? 3 - req.datasetId : req.datasetId; // sometimes the other template's
        address sender = modeSeed % 11 == 0 ? actors[0] : VENDOR;
        vm.prank(sender);
        try market.fulfil(id, abi.encode(tag, instances), instances) {
            ++settlements[id];
            if (correct < req.minCorrect) ++belowThresholdSold;
            if (boundTo != id) ++replayedSold;
        } catch {}
    }

    /// @dev A stub proof's instances in the tree layout: hashes, model, count, rows, the binding's 16-bit limbs.
    function _instances(uint256 xHash, IDatasetMarket.Request memory req, uint256 correct, uint256 model, uint256 bind)
        private
        view
        returns (uint256[] memory instances)
    {
        instances = new uint256[](market.TREE_INSTANCES());
        (instances[0], instances[1], instances[2], instances[3]) = (xHash, req.labelHash, 1, model);
        (instances[4], instances[5]) = (correct << SCALE, uint256(req.rows) << 4);
        for (uint256 i = 0; i < market.BINDING_LIMBS(); ++i) {
            instances[6 + i] = ((bind >> (16 * i)) & 0xffff) << 4;
        }
    }

    /// @notice Anyone refunds a request (often too early).
    function refund(uint256 idSeed, uint256 actorSeed) external {
        if (ids.length == 0) return;
        uint256 id = ids[idSeed % ids.length];
        IDatasetMarket.Request memory req = market.getRequest(id);
        uint256 before = req.customer.balance;
        vm.prank(_actor(actorSeed));
        try market.refund(id) {
            ++settlements[id];
            _bookedRefund(req.customer, before, req.price);
        } catch {}
    }

    /// @notice Time passes (up to two days).
    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    /// @notice The vendor moves a dataset's payout (sometimes to a hostile contract) or resets its curve.
    function administer(uint256 datasetSeed, uint256 actorSeed, uint128 spot, bool curve) external {
        uint256 datasetId = 1 + (datasetSeed % 2);
        vm.startPrank(VENDOR);
        if (curve) {
            spot = uint128(bound(spot, 1 gwei, 1 ether));
            market.setCurve(datasetId, CurveType.Linear, spot, 1 gwei);
            ghostSpot[datasetId] = spot;
        } else {
            market.setPayout(datasetId, accounts[actorSeed % accounts.length]);
        }
        vm.stopPrank();
    }
}
