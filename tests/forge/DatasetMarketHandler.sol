// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {MarketHandlerBase} from "./MarketHandlerBase.sol";
import {StubVerifier} from "../../contracts/test/StubVerifier.sol";
import {DatasetReentrantActor} from "../../contracts/test/Actors.sol";
import {DatasetMarket} from "../../contracts/datamarket/DatasetMarket.sol";
import {IDatasetMarket} from "../../contracts/datamarket/interfaces/IDatasetMarket.sol";
import {CurveType} from "../../contracts/pricing/CurveType.sol";
import {PricingCurve} from "../../contracts/pricing/PricingCurve.sol";

/// @notice Drives the dataset market with random sequences: requests (right and wrong payments, stale prices, bad
/// thresholds, row counts and deadlines), chunked fulfilments (valid stub proofs, another template's proof, counts
/// below the threshold, a chunk of another test set, proofs bound to another request, chunks swapped, a chunk
/// missing, non-vendors), refunds, time, withdrawals and vendor administration (curves, payouts moved to hostile
/// contracts), by plain accounts and by reverting, gas-burning and re-entrant contracts; withdrawals and the books
/// they share with the model marketplace's handler are {MarketHandlerBase}'s. Ghost books track what happened from
/// the outside for the invariants.
contract DatasetMarketHandler is MarketHandlerBase {
    DatasetMarket public immutable market;
    uint8 internal constant SCALE = 12;

    mapping(uint256 requestId => uint256) public settlements;
    mapping(uint256 datasetId => uint256) public ghostSpot;
    mapping(uint256 requestId => uint256) internal _testSet; // the seed of the request's chunk hashes
    uint256 public belowThresholdSold; // receipts whose count is below the request's threshold
    uint256 public replayedSold; // receipts paid for with a proof bound to another request
    uint256 public badChunksSold; // receipts paid for with chunks swapped, missing or of another test set
    uint256 public chunkedSold; // receipts of more than one chunk (the campaign must reach them)

    constructor() {
        market = new DatasetMarket(OWNER);
        _enlist(market, new DatasetReentrantActor(market));
        vm.startPrank(OWNER);
        market.registerTemplate(address(new StubVerifier(1)), 24, 2, 4, 3, 3, SCALE); // 2 chunks of 24 rows
        market.registerTemplate(address(new StubVerifier(2)), 54, 1, 13, 4, 3, SCALE); // 1 chunk of 54 rows
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
        uint32 rows = uint32(kSeed % 17 == 0 ? _capacity(datasetId) + 1 : bound(kSeed >> 16, 1, _capacity(datasetId)));
        uint32 k = uint32(kSeed % 13 == 0 ? rows + 1 : bound(kSeed, 1, rows));
        uint64 deadline = uint64(block.timestamp + (timeSeed % 11 == 0 ? bound(timeSeed, 0, 9 days) : 1 hours));
        _request(actor, datasetId, 1 + (kSeed >> 8) % 3, rows, k, deadline, value, maxPrice);
    }

    function _request(
        address actor,
        uint256 datasetId,
        uint256 testSet,
        uint32 rows,
        uint32 k,
        uint64 deadline,
        uint256 value,
        uint256 maxPrice
    ) private {
        uint256 before = _fund(actor, value);
        vm.prank(actor);
        try market.request{value: value}(
            datasetId, _commitment(testSet, _chunks(datasetId, rows)), rows, k, deadline, maxPrice
        ) returns (
            uint256 id
        ) {
            _testSet[id] = testSet;
            uint256 price = market.getRequest(id).price;
            if (price != ghostSpot[datasetId]) ++pricedOffCurve;
            // The curve moves at request time, whatever happens to the request later.
            IDatasetMarket.Dataset memory d = market.getDataset(datasetId);
            ghostSpot[datasetId] = PricingCurve.next(d.curveType, uint128(price), d.delta);
            _booked(id, actor, before, value, price);
        } catch {}
    }

    /// @notice The vendor (or a stranger) fulfils a request with valid chunk proofs, another template's proofs, a
    /// count below the threshold, a chunk of another test set, proofs bound to another request, two chunks
    /// swapped or the last chunk missing.
    function fulfil(uint256 idSeed, uint256 modeSeed, uint256 correctSeed) external {
        if (ids.length == 0) return;
        uint256 id = ids[idSeed % ids.length];
        IDatasetMarket.Request memory req = market.getRequest(id);
        uint256 chunks = market.requestChunks(id);
        uint256 boundTo = modeSeed % 13 == 0 ? ids[(idSeed + 1) % ids.length] : id; // sometimes another request's
        uint256 tag = modeSeed % 5 == 0 ? 3 - req.datasetId : req.datasetId; // sometimes the other template's
        uint256 correct = bound(correctSeed, 0, req.rows);
        (bytes[] memory proofs, uint256[][] memory instances) = _proofs(id, req, chunks, boundTo, correct, tag);
        bool badChunks;
        if (modeSeed % 7 == 0) {
            instances[0][0] += 1; // chunk 0 of another test set
            proofs[0] = abi.encode(tag, instances[0]);
            badChunks = true;
        } else if (modeSeed % 17 == 0 && chunks > 1) {
            (proofs[0], proofs[1], instances[0], instances[1]) = (proofs[1], proofs[0], instances[1], instances[0]);
            badChunks = true;
        } else if (modeSeed % 19 == 0) {
            assembly ("memory-safe") {
                mstore(proofs, sub(mload(proofs), 1)) // the last chunk missing
                mstore(instances, sub(mload(instances), 1))
            }
            badChunks = true;
        }
        vm.prank(modeSeed % 11 == 0 ? actors[0] : VENDOR);
        try market.fulfil(id, proofs, instances) {
            ++settlements[id];
            if (correct < req.minCorrect) ++belowThresholdSold;
            if (boundTo != id) ++replayedSold;
            if (badChunks) ++badChunksSold;
            if (chunks > 1) ++chunkedSold;
        } catch {}
    }

    /// @dev Stub proofs of request `id`'s chunks in the tree layout, bound to `boundTo`, with `correct` rows
    /// spread over the chunks (each at most its rows).
    function _proofs(
        uint256 id,
        IDatasetMarket.Request memory req,
        uint256 chunks,
        uint256 boundTo,
        uint256 correct,
        uint256 tag
    ) private view returns (bytes[] memory proofs, uint256[][] memory instances) {
        proofs = new bytes[](chunks);
        instances = new uint256[][](chunks);
        uint256 chunkRows = req.datasetId == 1 ? 24 : 54;
        for (uint256 i = 0; i < chunks; ++i) {
            uint256 rows = i + 1 < chunks ? chunkRows : req.rows - i * chunkRows;
            uint256 right = correct < rows ? correct : rows;
            correct -= right;
            instances[i] = _instances(_testSet[id], i, rows, right, market.requestBinding(boundTo, i));
            proofs[i] = abi.encode(tag, instances[i]);
        }
    }

    /// @dev One chunk's instances: its hashes, a model, its count and rows, the binding's 16-bit limbs.
    function _instances(uint256 testSet, uint256 chunk, uint256 rows, uint256 right, uint256 bind)
        private
        view
        returns (uint256[] memory instances)
    {
        instances = new uint256[](market.TREE_INSTANCES());
        (instances[0], instances[1]) = _chunkHashes(testSet, chunk);
        (instances[2], instances[3], instances[4], instances[5]) = (1, 42, right << SCALE, rows << 4);
        for (uint256 i = 0; i < market.BINDING_LIMBS(); ++i) {
            instances[6 + i] = ((bind >> (16 * i)) & 0xffff) << 4;
        }
    }

    function _chunkHashes(uint256 testSet, uint256 chunk) private pure returns (uint256 x, uint256 y) {
        return
            (uint256(keccak256(abi.encode("x", testSet, chunk))), uint256(keccak256(abi.encode("y", testSet, chunk))));
    }

    /// @dev The request's commitment over its chunk hashes, as docs/datamarket.md defines it.
    function _commitment(uint256 testSet, uint256 chunks) private pure returns (bytes32) {
        uint256[] memory hashes = new uint256[](2 * chunks);
        for (uint256 i = 0; i < chunks; ++i) {
            (hashes[2 * i], hashes[2 * i + 1]) = _chunkHashes(testSet, i);
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _capacity(uint256 datasetId) private pure returns (uint256) {
        return datasetId == 1 ? 48 : 54;
    }

    function _chunks(uint256 datasetId, uint256 rows) private pure returns (uint256) {
        uint256 chunkRows = datasetId == 1 ? 24 : 54;
        return (rows + chunkRows - 1) / chunkRows;
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
