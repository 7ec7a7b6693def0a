// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {StubVerifier} from "../../contracts/test/StubVerifier.sol";
import {ModelMarketplace} from "../../contracts/marketplace/ModelMarketplace.sol";
import {PricingCurve} from "../../contracts/pricing/PricingCurve.sol";
import {CurveType} from "../../contracts/pricing/CurveType.sol";
import {ERC7007Collection} from "../../contracts/ERC7007Collection.sol";
import {StubModel} from "./utils/StubModel.sol";

/// @notice Batching cannot bypass the curve: k requests made before any fulfilment pay exactly what k requests
/// made one after another (each fulfilled before the next) pay, on every curve, and a refund never rewinds it.
contract MarketplacePricingTest is TestBase {
    address internal constant VENDOR = address(0xBEEF);
    address internal constant PROVER = address(0x9900);
    address internal constant USER = address(0xA11CE);
    uint256 internal constant MAX_REQUESTS = 24;

    ModelMarketplace internal market;
    ERC7007Collection internal concurrent;
    ERC7007Collection internal sequential;

    function setUp() public {
        vm.warp(1_700_000_000);
        market = new ModelMarketplace(address(this), 250);
        concurrent = _listed(1);
        sequential = _listed(2);
    }

    function testFuzz_concurrentRequests_payWhatSequentialOnesWould(
        bool exponential,
        uint128 spot,
        uint128 delta,
        uint256 k
    ) public {
        k = bound(k, 1, MAX_REQUESTS);
        CurveType curve = exponential ? CurveType.Exponential : CurveType.Linear;
        if (exponential) {
            spot = uint128(bound(spot, 1 gwei, 1_000 ether));
            delta = uint128(bound(delta, 1e18, 2e18));
        } else {
            spot = uint128(bound(spot, 0, 1_000 ether));
            delta = uint128(bound(delta, 0, 1_000 ether));
        }
        vm.startPrank(VENDOR);
        market.setCurve(address(concurrent), curve, spot, delta);
        market.setCurve(address(sequential), curve, spot, delta);
        vm.stopPrank();

        // Concurrent: every prompt claimed first, then all k requested before any fulfilment.
        for (uint256 i = 0; i < k; ++i) {
            _claim(concurrent, i);
        }
        uint256[] memory concurrentIds = new uint256[](k);
        uint256[] memory concurrentPrices = new uint256[](k);
        for (uint256 i = 0; i < k; ++i) {
            (concurrentIds[i], concurrentPrices[i]) = _request(concurrent, i);
        }
        // Sequential: claim, request, fulfil, one after another.
        uint128 expected = spot;
        for (uint256 i = 0; i < k; ++i) {
            _claim(sequential, i);
            (uint256 id, uint256 price) = _request(sequential, i);
            _fulfil(sequential, id, i);
            assertEq(concurrentPrices[i], price, "request i pays the same, concurrent or sequential");
            assertEq(price, expected, "request i pays the curve's i-th price");
            expected = PricingCurve.next(curve, expected, delta);
        }
        assertEq(market.getListing(address(concurrent)).spotPrice, expected, "concurrent listing: k steps on");
        assertEq(market.getListing(address(sequential)).spotPrice, expected, "sequential listing: k steps on");

        _refundAllKeepsTheCurve(concurrentIds, concurrentPrices, expected);
    }

    /// Refunding every concurrent request gives all the ETH back and leaves the curve where it is.
    function _refundAllKeepsTheCurve(uint256[] memory ids, uint256[] memory prices, uint128 spot) private {
        vm.warp(block.timestamp + 2 hours);
        uint256 before = USER.balance;
        uint256 total;
        for (uint256 i = 0; i < ids.length; ++i) {
            market.refund(ids[i]);
            total += prices[i];
        }
        assertEq(USER.balance - before, total, "refunds return every price in full");
        assertEq(market.getListing(address(concurrent)).spotPrice, spot, "a refund does not rewind the curve");
    }

    function _listed(uint256 tag) private returns (ERC7007Collection collection) {
        collection = new ERC7007Collection(
            "Stub",
            "STUB",
            address(new StubVerifier(tag)),
            bytes32(tag),
            StubModel.encoding(),
            address(market),
            VENDOR,
            StubModel.card(0)
        );
        vm.startPrank(VENDOR);
        market.list(address(collection), VENDOR, CurveType.Linear, 0, 0);
        market.setProver(address(collection), PROVER, true);
        vm.stopPrank();
    }

    function _prompt(uint256 i) private pure returns (bytes memory) {
        return abi.encodePacked(uint16(i));
    }

    function _claim(ERC7007Collection collection, uint256 i) private {
        collection.commit(collection.makeCommitment(_prompt(i), USER, bytes32(i)));
        vm.warp(block.timestamp + collection.MIN_COMMITMENT_AGE());
        vm.prank(USER);
        collection.claim(_prompt(i), USER, bytes32(i));
    }

    function _request(ERC7007Collection collection, uint256 i) private returns (uint256 id, uint256 price) {
        (price,) = market.quote(address(collection));
        vm.deal(USER, USER.balance + price);
        vm.prank(USER);
        id = market.requestGeneration{value: price}(
            address(collection), _prompt(i), price, uint64(block.timestamp + 1 hours)
        );
        assertEq(market.getRequest(id).price, price, "the request pays the quote");
    }

    function _fulfil(ERC7007Collection collection, uint256 id, uint256 i) private {
        bytes memory aigc = abi.encodePacked(bytes4(keccak256(_prompt(i))));
        uint256 tag = StubVerifier(collection.verifier()).modelTag();
        bytes memory proof = abi.encode(tag, collection.publicInstances(_prompt(i), aigc));
        vm.prank(PROVER);
        market.fulfil(id, _prompt(i), aigc, "", proof);
    }
}
