// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IRequestEscrow} from "../../contracts/payments/interfaces/IRequestEscrow.sol";
import {ListingSquatter} from "./ListingSquatter.sol";
import {StubVerifier} from "../../contracts/test/StubVerifier.sol";
import {ReentrantActor} from "../../contracts/test/Actors.sol";
import {ModelMarketplace} from "../../contracts/marketplace/ModelMarketplace.sol";
import {IModelMarketplace} from "../../contracts/marketplace/interfaces/IModelMarketplace.sol";
import {CurveType} from "../../contracts/pricing/CurveType.sol";
import {PricingCurve} from "../../contracts/pricing/PricingCurve.sol";
import {ERC7007Collection} from "../../contracts/ERC7007Collection.sol";

/// @notice Drives the marketplace with random but meaningful sequences: claims, requests (right and wrong
/// payments, stale prices, bad deadlines), fulfilments (valid proofs, another model's proof, tampered output,
/// non-provers, wrong prompts), refunds, time, withdrawals and vendor/owner administration, by plain accounts and
/// by reverting, gas-burning and re-entrant contracts; and a squatter who lists its own collections naming the
/// vendor's verifiers and model hashes (present and future) before the vendor does ({ListingSquatter}: the
/// vendor's models and that race). It keeps ghost books from the outside (ETH that actually moved, proofs it
/// actually submitted, the price each request should have paid, the window each request was given) for the
/// invariants to compare with the marketplace's own state. The cast, the withdrawals and the books both market
/// handlers keep are {MarketHandlerBase}'s.
contract MarketplaceHandler is ListingSquatter {
    uint256 internal constant PROMPTS = 64;

    ModelMarketplace public immutable market;
    ERC7007Collection[2] public collections;

    address public constant PROVER = address(0x9900);
    address public constant STRANGER = address(0x5555);

    struct Claimed {
        address actor;
        uint256 promptSeed;
        uint256 model;
    }

    Claimed[] public claims;
    mapping(uint256 requestId => bytes) public promptOf;
    mapping(uint256 requestId => bool) public ghostFulfilled;
    mapping(uint256 requestId => bool) public ghostRefunded;
    uint256 public settledTwice;

    uint256 public ghostFeesWithdrawn;

    /// @dev The curve position each listing should be at: the spot price after every request so far.
    mapping(address collection => uint256) public ghostSpot;
    mapping(uint256 requestId => uint256) public ghostEarliestDeadline; // request time + the window then in force
    uint256 public renounced; // renounceOwnership calls that did not revert

    constructor() {
        market = new ModelMarketplace(OWNER, 250);
        _enlist(market, new ReentrantActor(market));

        for (uint256 m = 0; m < 2; ++m) {
            verifiers[m] = new StubVerifier(m + 1);
            collections[m] = _collection("Stub model", "STUB", address(verifiers[m]), modelHashOf(m), VENDOR);
        }
        vm.startPrank(VENDOR);
        market.list(address(collections[0]), VENDOR, CurveType.Linear, 0.001 ether, 0.0005 ether);
        market.list(address(collections[1]), VENDOR, CurveType.Exponential, 1 gwei, 1.5e18);
        market.setProver(address(collections[0]), PROVER, true);
        market.setProver(address(collections[1]), PROVER, true);
        vm.stopPrank();
        ghostSpot[address(collections[0])] = 0.001 ether;
        ghostSpot[address(collections[1])] = 1 gwei;
        vendorCollections.push(collections[0]);
        vendorCollections.push(collections[1]);
        vendorModels = 2;
        _deployFutureVerifiers();
    }

    // ------------------------------------------------------------------------------------------ entry points

    /// @notice Commit, wait, reveal: `actor` claims a prompt (may fail: already claimed or minted).
    function claim(uint256 actorSeed, uint256 promptSeed, uint256 modelSeed) external {
        address actor = _actor(actorSeed);
        ERC7007Collection collection = collections[modelSeed % 2];
        bytes memory prompt = _prompt(promptSeed);
        bytes32 salt = keccak256(abi.encode(actorSeed, block.timestamp));
        collection.commit(collection.makeCommitment(prompt, actor, salt));
        vm.warp(block.timestamp + collection.MIN_COMMITMENT_AGE());
        vm.prank(actor); // only the claimant may reveal
        try collection.claim(prompt, actor, salt) {
            ++successes["claim"];
            claims.push(Claimed(actor, promptSeed, modelSeed % 2));
        } catch {}
        // Most claims are followed by a request right away (the request itself may still be rejected).
        if (salt[0] < 0xC0) {
            this.request(actorSeed, promptSeed, modelSeed, uint256(salt), uint256(salt) >> 64, uint256(salt) >> 128);
        }
    }

    /// @notice `actor` requests a generation, sometimes under-paying, with a stale `maxPrice` or a bad deadline;
    /// usually as the holder of a recent claim, sometimes as anyone for anything.
    function request(
        uint256 actorSeed,
        uint256 promptSeed,
        uint256 modelSeed,
        uint256 extraSeed,
        uint256 deadlineSeed,
        uint256 maxSeed
    ) external {
        if (claims.length != 0 && actorSeed % 10 != 0) {
            // Take a recent claim off the list: the usual case is its holder requesting it once.
            uint256 k = claims.length - 1 - (actorSeed % (claims.length < 4 ? claims.length : 4));
            Claimed memory c = claims[k];
            claims[k] = claims[claims.length - 1];
            claims.pop();
            (actorSeed, promptSeed, modelSeed) = (_indexOf(c.actor), c.promptSeed, c.model);
        }
        address actor = _actor(actorSeed);
        address collection = address(collections[modelSeed % 2]);
        bytes memory prompt = _prompt(promptSeed);
        (uint256 price,) = market.quote(collection);
        uint256 value = extraSeed % 8 == 0 ? price / 2 : price + bound(extraSeed, 0, 0.01 ether);
        uint256 maxPrice = maxSeed % 9 == 0 && price > 0 ? price - 1 : price + bound(maxSeed, 0, 1 ether);
        // Mostly within the claim; sometimes inside the fulfilment window (too early) or beyond the claim's expiry.
        uint64 deadline = uint64(
            block.timestamp
                + (deadlineSeed % 11 == 0 ? bound(deadlineSeed, 0, 8 days) : bound(deadlineSeed, 1 hours, 1 days))
        );
        // Sometimes a prompt of the wrong length (never claimable, never requestable).
        if (deadlineSeed % 13 == 0) prompt = abi.encodePacked(prompt, uint8(deadlineSeed));

        _request(actor, collection, prompt, price, value, maxPrice, deadline);
    }

    function _request(
        address actor,
        address collection,
        bytes memory prompt,
        uint256 price,
        uint256 value,
        uint256 maxPrice,
        uint64 deadline
    ) private {
        uint256 before = _fund(actor, value);
        IModelMarketplace.Listing memory listing = market.getListing(collection);
        vm.prank(actor);
        try market.requestGeneration{value: value}(collection, prompt, maxPrice, deadline) returns (uint256 id) {
            ++successes["request"];
            uint128 paid = market.getRequest(id).price;
            if (paid != ghostSpot[collection]) ++pricedOffCurve;
            ghostSpot[collection] = PricingCurve.next(listing.curveType, paid, listing.delta);
            ghostEarliestDeadline[id] = block.timestamp + listing.fulfilmentWindow;
            promptOf[id] = prompt;
            _booked(id, actor, before, value, price);
        } catch {}
    }

    /// @notice Fulfils a request, usually correctly; sometimes with another model's proof, a proof for other
    /// output, a garbage proof, a wrong prompt or by a non-prover.
    function fulfil(uint256 requestSeed, uint256 kind, uint256 callerSeed) external {
        if (ids.length == 0) return;
        uint256 id = _pickRequest(requestSeed);
        IModelMarketplace.Request memory r = market.getRequest(id);
        ERC7007Collection collection = ERC7007Collection(r.collection);
        uint256 tag = address(collection) == address(collections[0]) ? 1 : 2;
        bytes memory prompt = promptOf[id];
        bytes memory aigc = abi.encodePacked(bytes4(keccak256(prompt)));
        bytes memory proof = abi.encode(tag, collection.publicInstances(prompt, aigc));
        kind = kind % 16; // 0-11: a correct fulfilment; 12-15: a wrong one
        if (kind == 12) proof = abi.encode(3 - tag, collection.publicInstances(prompt, aigc)); // other model
        if (kind == 13) aigc = abi.encodePacked(bytes4(keccak256(abi.encode(prompt)))); // proof for other output
        if (kind == 14) proof = abi.encodePacked(keccak256(proof)); // garbage
        if (kind == 15) prompt = _prompt(uint256(keccak256(prompt))); // prompt of another request
        address caller = callerSeed % 7 == 0 ? STRANGER : PROVER;

        vm.prank(caller);
        try market.fulfil(id, prompt, aigc, "", proof) {
            ++successes["fulfil"];
            if (ghostFulfilled[id] || ghostRefunded[id]) ++settledTwice;
            ghostFulfilled[id] = true;
        } catch {}
    }

    /// @notice Anyone refunds a request, maybe after letting time pass.
    function refund(uint256 requestSeed, uint256 warpSeed) external {
        if (ids.length == 0) return;
        uint256 id = _pickRequest(requestSeed);
        if (warpSeed % 2 == 0) vm.warp(block.timestamp + bound(warpSeed, 0, 1 days));
        IModelMarketplace.Request memory r = market.getRequest(id);
        uint256 before = r.requester.balance;
        vm.prank(STRANGER);
        try market.refund(id) {
            ++successes["refund"];
            if (ghostFulfilled[id] || ghostRefunded[id]) ++settledTwice;
            ghostRefunded[id] = true;
            _bookedRefund(r.requester, before, r.price);
        } catch {}
    }

    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 0, 1 days));
    }

    function withdrawProtocolFees() external {
        uint256 amount = market.protocolFees();
        uint256 before = address(market).balance;
        vm.prank(OWNER);
        try market.withdrawProtocolFees(payable(SINK)) {
            ++successes["withdrawFees"];
            ghostFeesWithdrawn += amount;
            ghostOut += before - address(market).balance;
        } catch {}
    }

    /// @notice The vendor or owner reconfigures: pause/unpause, curves, payouts (to any actor, reverting and
    /// gas-burning ones included), provers, fulfilment windows (sometimes out of bounds), the protocol fee
    /// (sometimes above its cap); the owner sometimes tries to renounce.
    function administer(uint256 what, uint256 modelSeed, uint256 valueSeed) external {
        address collection = address(collections[modelSeed % 2]);
        what = what % 8;
        if (what == 5) {
            vm.prank(OWNER);
            try market.setProtocolFee(uint16(bound(valueSeed, 0, 1_200))) {} catch {}
            return;
        }
        if (what == 6) {
            vm.prank(VENDOR);
            try market.setFulfilmentWindow(collection, uint32(bound(valueSeed, 0, 3 hours))) {} catch {}
            return;
        }
        if (what == 7) {
            vm.prank(OWNER);
            try market.renounceOwnership() {
                ++renounced;
            } catch {}
            return;
        }
        vm.prank(VENDOR);
        if (what == 0 && valueSeed % 3 == 0) {
            market.pause(collection);
        } else if (what <= 1) {
            market.unpause(collection);
        } else if (what == 2) {
            market.setPayout(collection, accounts[valueSeed % accounts.length]);
        } else if (what == 3) {
            market.setProver(collection, PROVER, valueSeed % 4 != 0);
        } else if (modelSeed % 2 == 0) {
            uint128 spot = uint128(bound(valueSeed, 0, 1 ether));
            market.setCurve(collection, CurveType.Linear, spot, 0.0001 ether);
            ghostSpot[collection] = spot;
        } else {
            uint128 spot = uint128(bound(valueSeed, 1 gwei, 1 ether));
            market.setCurve(collection, CurveType.Exponential, spot, 1.1e18);
            ghostSpot[collection] = spot;
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /// @dev Usually a pending request (the first at or after a random index), sometimes any request.
    function _pickRequest(uint256 seed) private view returns (uint256) {
        uint256 start = seed % ids.length;
        if (seed % 5 != 0) {
            for (uint256 i = 0; i < ids.length; ++i) {
                uint256 id = ids[(start + i) % ids.length];
                if (market.getRequest(id).status == IRequestEscrow.RequestStatus.Pending) return id;
            }
        }
        return ids[start];
    }

    function _indexOf(address actor) private view returns (uint256 i) {
        while (actors[i] != actor) ++i;
    }

    function _marketplace() internal view override returns (ModelMarketplace) {
        return market;
    }

    function _prompt(uint256 seed) private pure returns (bytes memory) {
        return abi.encodePacked(uint16(seed % PROMPTS));
    }
}
