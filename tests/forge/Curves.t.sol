// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {LinearCurve} from "../../contracts/pricing/LinearCurve.sol";
import {ExponentialCurve} from "../../contracts/pricing/ExponentialCurve.sol";
import {PricingCurve} from "../../contracts/pricing/PricingCurve.sol";
import {CurveType} from "../../contracts/pricing/CurveType.sol";

/// @notice Fuzzes the bonding curves: monotonic, never reverting (saturating instead of overflowing), strictly
/// rising where the docs say so, and exact in realistic ranges.
contract CurvesTest is TestBase {
    uint128 private constant MAX = PricingCurve.MAX_PRICE;
    uint256 private constant WAD = 1e18;

    // ---------------------------------------------------------------------------------------------- linear

    function testFuzz_linearNext_isExactOrSaturated(uint128 spot, uint128 delta) public pure {
        uint256 expected = uint256(spot) + delta;
        uint128 got = LinearCurve.next(spot, delta, MAX);
        assertEq(got, expected > MAX ? MAX : expected, "linear step");
        assertTrue(got >= spot, "linear never decreases");
    }

    function testFuzz_linearNext_isMonotonicInSpotAndDelta(uint128 a, uint128 b, uint128 d1, uint128 d2) public pure {
        (uint128 lo, uint128 hi) = a <= b ? (a, b) : (b, a);
        (uint128 dlo, uint128 dhi) = d1 <= d2 ? (d1, d2) : (d2, d1);
        assertLe(LinearCurve.next(lo, dlo, MAX), LinearCurve.next(hi, dlo, MAX), "monotonic in spot");
        assertLe(LinearCurve.next(lo, dlo, MAX), LinearCurve.next(lo, dhi, MAX), "monotonic in delta");
    }

    /// Realistic range: up to 1,000 ETH start, 1 ETH per step, 300 generations: exact, no saturation.
    function testFuzz_linearSteps_matchClosedForm_inRealisticRange(uint128 spot, uint128 delta, uint16 n) public pure {
        spot = uint128(bound(spot, 0, 1_000 ether));
        delta = uint128(bound(delta, 0, 1 ether));
        n = uint16(bound(n, 0, 300));
        uint128 price = spot;
        for (uint256 i = 0; i < n; ++i) {
            uint128 nextPrice = PricingCurve.next(CurveType.Linear, price, delta);
            assertTrue(nextPrice >= price, "linear sequence never decreases");
            price = nextPrice;
        }
        assertEq(price, uint256(spot) + uint256(n) * delta, "n steps == spot + n * delta");
    }

    // ----------------------------------------------------------------------------------------- exponential

    function testFuzz_exponentialNext_neverRevertsAndRoundsUp(uint128 spot, uint128 delta) public pure {
        uint128 got = ExponentialCurve.next(spot, delta, MAX);
        uint256 product = uint256(spot) * delta;
        uint256 ceil = product / WAD + (product % WAD == 0 ? 0 : 1);
        assertEq(got, ceil > MAX ? MAX : ceil, "ceil(spot * delta / WAD), saturated");
    }

    function testFuzz_exponentialNext_strictlyRisesForValidDeltaAboveOne(uint128 spot, uint128 delta) public pure {
        spot = uint128(bound(spot, 1, MAX));
        delta = uint128(bound(delta, WAD + 1, ExponentialCurve.MAX_DELTA));
        uint128 got = ExponentialCurve.next(spot, delta, MAX);
        if (got != MAX) assertTrue(got > spot, "strictly increasing below the cap");
        assertTrue(got >= spot, "never decreases");
        assertLe(got, 2 * uint256(spot), "at most doubles (MAX_DELTA = 2)");
    }

    function testFuzz_exponentialNext_isFlatForDeltaOne(uint128 spot) public pure {
        assertEq(ExponentialCurve.next(spot, uint128(WAD), MAX), spot, "delta == WAD is a flat price");
    }

    function testFuzz_exponentialNext_isMonotonicInSpotAndDelta(uint128 a, uint128 b, uint128 d1, uint128 d2)
        public
        pure
    {
        (uint128 lo, uint128 hi) = a <= b ? (a, b) : (b, a);
        d1 = uint128(bound(d1, WAD, ExponentialCurve.MAX_DELTA));
        d2 = uint128(bound(d2, WAD, ExponentialCurve.MAX_DELTA));
        (uint128 dlo, uint128 dhi) = d1 <= d2 ? (d1, d2) : (d2, d1);
        assertLe(ExponentialCurve.next(lo, dlo, MAX), ExponentialCurve.next(hi, dlo, MAX), "monotonic in spot");
        assertLe(ExponentialCurve.next(lo, dlo, MAX), ExponentialCurve.next(lo, dhi, MAX), "monotonic in delta");
    }

    /// Realistic range: from 1 gwei to 1,000 ETH start, multiplier up to 2x, 300 generations: the sequence never
    /// decreases, never reverts, and saturates at MAX_PRICE instead of overflowing.
    function testFuzz_exponentialSteps_neverDecreaseNorRevert(uint128 spot, uint128 delta, uint16 n) public pure {
        spot = uint128(bound(spot, ExponentialCurve.MIN_SPOT_PRICE, 1_000 ether));
        delta = uint128(bound(delta, WAD, ExponentialCurve.MAX_DELTA));
        n = uint16(bound(n, 0, 300));
        uint128 price = spot;
        for (uint256 i = 0; i < n; ++i) {
            uint128 nextPrice = PricingCurve.next(CurveType.Exponential, price, delta);
            assertTrue(nextPrice >= price, "exponential sequence never decreases");
            if (delta > WAD && price < MAX) assertTrue(nextPrice > price, "strictly rises below the cap");
            price = nextPrice;
        }
    }

    /// The rounding is bounded: one step is within 1 wei above the exact rational result.
    function testFuzz_exponentialNext_roundingErrorBelowOneWei(uint128 spot, uint128 delta) public pure {
        spot = uint128(bound(spot, 0, type(uint96).max));
        delta = uint128(bound(delta, WAD, ExponentialCurve.MAX_DELTA));
        uint256 exactTimesWad = uint256(spot) * delta;
        uint256 gotTimesWad = uint256(ExponentialCurve.next(spot, delta, MAX)) * WAD;
        assertTrue(gotTimesWad >= exactTimesWad, "rounds up");
        assertTrue(gotTimesWad - exactTimesWad < WAD, "by less than 1 wei");
    }

    // -------------------------------------------------------------------------------------------- validity

    function testFuzz_isValid_acceptsExactlyTheDocumentedExponentialRange(uint128 spot, uint128 delta) public pure {
        bool expected = delta >= WAD && delta <= ExponentialCurve.MAX_DELTA && spot >= ExponentialCurve.MIN_SPOT_PRICE;
        assertTrue(PricingCurve.isValid(CurveType.Exponential, spot, delta) == expected, "exponential validity");
        assertTrue(PricingCurve.isValid(CurveType.Linear, spot, delta), "every linear curve is valid");
    }
}
