// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {MarketHandlerBase} from "./MarketHandlerBase.sol";
import {StubVerifier} from "../../contracts/test/StubVerifier.sol";
import {ModelMarketplace} from "../../contracts/marketplace/ModelMarketplace.sol";
import {CurveType} from "../../contracts/pricing/CurveType.sol";
import {ERC7007Collection} from "../../contracts/ERC7007Collection.sol";
import {StubModel} from "./utils/StubModel.sol";

/// @notice The listing race of the marketplace's campaign: the vendor's models (stub verifiers and public model
/// hashes, two listed at the start and {FUTURE_MODELS} listed during the run) against a squatter who lists
/// collections of its own naming the vendor's verifiers and model hashes, present and future, before the vendor
/// does, and tries to list the vendor's collections as its own. It keeps the books
/// {MarketplaceInvariantsTest-_checkNoSquatting} reads: every collection the vendor listed, every squat, and the vendor's
/// own listings that failed. {MarketplaceHandler} deploys the marketplace and the first two models.
abstract contract ListingSquatter is MarketHandlerBase {
    address public constant SQUATTER = address(0x5017);
    uint256 internal constant FUTURE_MODELS = 4;

    StubVerifier[2] public verifiers;
    /// @dev The vendor's models: the two it listed at the start, then those it lists during the run.
    ERC7007Collection[] public vendorCollections;
    /// @dev Verifiers the vendor will list later, deployed up front so the squatter can name them first.
    StubVerifier[FUTURE_MODELS] public futureVerifiers;
    uint256 public vendorModels;
    uint256 public vendorLockedOut; // vendor listings of its own, fresh model that failed
    ERC7007Collection[] public squats;

    /// @notice The model hash of the vendor's model `m` (public, as committed models' hashes are).
    function modelHashOf(uint256 m) public pure returns (bytes32) {
        return keccak256(abi.encode("model", m));
    }

    /// @notice The verifier of the vendor's model `m` (the first two are listed at the start).
    function verifierOf(uint256 m) public view returns (address) {
        return m < 2 ? address(verifiers[m]) : address(futureVerifiers[m - 2]);
    }

    // ------------------------------------------------------------------------------------------ entry points

    /// @notice The squatter deploys a collection of its own (owner: itself, minter: the marketplace) naming one of
    /// the vendor's verifiers or its own, and one of the vendor's model hashes, listed or yet to be listed, and
    /// lists it; then tries to list one of the vendor's collections as its own.
    function squat(uint256 modelSeed, uint256 verifierSeed) external {
        uint256 m = bound(modelSeed, 0, 2 + FUTURE_MODELS - 1);
        address verifier = verifierSeed % 3 == 0 ? address(verifiers[verifierSeed % 2]) : verifierOf(m);
        ERC7007Collection collection = _collection("Squat", "SQ", verifier, modelHashOf(m), SQUATTER);
        ModelMarketplace market = _marketplace();
        vm.startPrank(SQUATTER);
        try market.list(address(collection), SQUATTER, CurveType.Linear, 1, 0) {
            ++successes["squat"];
            squats.push(collection);
        } catch {}
        try market.list(
            address(vendorCollections[verifierSeed % vendorCollections.length]), SQUATTER, CurveType.Linear, 1, 0
        ) {
            ++successes["squatVendorCollection"];
        } catch {}
        vm.stopPrank();
    }

    /// @notice The vendor deploys and lists its next model (whatever the squatter listed before): it must work.
    function listNextModel() external {
        if (vendorModels == 2 + FUTURE_MODELS) return;
        uint256 m = vendorModels++;
        ERC7007Collection collection = _collection("Vendor model", "VM", verifierOf(m), modelHashOf(m), VENDOR);
        vm.prank(VENDOR);
        try _marketplace().list(address(collection), VENDOR, CurveType.Linear, 0.001 ether, 0) {
            ++successes["listNextModel"];
        } catch {
            ++vendorLockedOut;
        }
        vendorCollections.push(collection);
    }

    // ------------------------------------------------------------------------------------------------ views

    function vendorCollectionCount() external view returns (uint256) {
        return vendorCollections.length;
    }

    function squatCount() external view returns (uint256) {
        return squats.length;
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /// @dev The marketplace the race is run on.
    function _marketplace() internal view virtual returns (ModelMarketplace);

    /// @dev A stub model's collection owned by `owner`, minted by the marketplace only.
    function _collection(string memory name, string memory symbol, address verifier, bytes32 modelHash, address owner)
        internal
        returns (ERC7007Collection)
    {
        return new ERC7007Collection(
            name, symbol, verifier, modelHash, StubModel.encoding(), address(_marketplace()), owner, StubModel.card(500)
        );
    }

    /// @dev Deploys the verifiers of the vendor's models to come, once its first two are listed.
    function _deployFutureVerifiers() internal {
        for (uint256 i = 0; i < FUTURE_MODELS; ++i) {
            futureVerifiers[i] = new StubVerifier(10 + i);
        }
    }
}
