// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC5313} from "@openzeppelin/contracts/interfaces/IERC5313.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IERC7007} from "../interfaces/IERC7007.sol";
import {ListingTerms} from "../payments/ListingTerms.sol";
import {CurveType} from "../pricing/CurveType.sol";
import {IMarketplaceCollection} from "./interfaces/IMarketplaceCollection.sol";
import {IModelMarketplace} from "./interfaces/IModelMarketplace.sol";

/// @title ModelListings
/// @notice The model marketplace's listings: who may list which collection, and what its vendor sets afterwards
/// (curve, payout, fulfilment window, provers, pause). See {IModelMarketplace} and docs/marketplace.md.
/// @dev The vendor half of {ModelMarketplace}, which adds requests, fulfilment and fees on top and reads a listing
/// through {_listing}, {_listed} and {_checkProver}. Listings are unique per vendor (by collection, and per vendor
/// by verifier and by model hash), so no account can occupy what another vendor needs; see docs/security.md.
/// Listing calls the collection, so {list} is `nonReentrant` and writes nothing before its checks are done.
abstract contract ModelListings is IModelMarketplace, ListingTerms, ReentrancyGuard {
    using ERC165Checker for address;

    /// @inheritdoc IModelMarketplace
    uint32 public constant MIN_FULFILMENT_WINDOW = 5 minutes;

    /// @inheritdoc IModelMarketplace
    uint32 public constant MAX_FULFILMENT_WINDOW = 1 days;

    mapping(address collection => Listing) private _listings;
    mapping(address vendor => mapping(address verifier => address collection)) private _collectionOfVerifier;
    mapping(address vendor => mapping(bytes32 modelHash => address collection)) private _collectionOfModel;
    mapping(address collection => mapping(address account => bool)) private _provers;

    /// @dev Reverts unless `collection` is listed and the caller is its vendor.
    modifier onlyVendor(address collection) {
        _checkVendor(collection);
        _;
    }

    // ------------------------------------------------------------------------------------------------- vendors

    /// @inheritdoc IModelMarketplace
    function list(address collection, address payout, CurveType curveType, uint128 spotPrice, uint128 delta)
        external
        nonReentrant
    {
        if (_listings[collection].vendor != address(0)) revert CollectionAlreadyListed(collection);
        if (!collection.supportsInterface(type(IERC7007).interfaceId)) revert NotAnERC7007Collection(collection);
        _checkCollectionOwner(collection);
        address minter = IMarketplaceCollection(collection).minter();
        if (minter != address(this)) revert MarketplaceIsNotMinter(collection, minter);
        address verifier = IMarketplaceCollection(collection).verifier();
        if (verifier == address(0)) revert NotAnERC7007Collection(collection);
        address listedWithVerifier = _collectionOfVerifier[msg.sender][verifier];
        if (listedWithVerifier != address(0)) revert VerifierAlreadyListed(msg.sender, verifier, listedWithVerifier);
        bytes32 modelHash = IMarketplaceCollection(collection).modelHash();
        address listedWithModel = _collectionOfModel[msg.sender][modelHash];
        if (listedWithModel != address(0)) revert ModelAlreadyListed(msg.sender, modelHash, listedWithModel);
        _checkPayout(payout);
        _checkCurve(curveType, spotPrice, delta);

        _listings[collection] = Listing({
            vendor: msg.sender,
            paused: false,
            curveType: curveType,
            fulfilmentWindow: MIN_FULFILMENT_WINDOW,
            payout: payout,
            generations: 0,
            spotPrice: spotPrice,
            delta: delta
        });
        _collectionOfVerifier[msg.sender][verifier] = collection;
        _collectionOfModel[msg.sender][modelHash] = collection;
        emit Listed(collection, msg.sender, verifier, modelHash, payout, curveType, spotPrice, delta);
    }

    /// @inheritdoc IModelMarketplace
    function setCurve(address collection, CurveType curveType, uint128 spotPrice, uint128 delta)
        external
        onlyVendor(collection)
    {
        _checkCurve(curveType, spotPrice, delta);
        Listing storage listing = _listings[collection];
        listing.curveType = curveType;
        listing.spotPrice = spotPrice;
        listing.delta = delta;
        emit CurveUpdated(collection, curveType, spotPrice, delta);
    }

    /// @inheritdoc IModelMarketplace
    function setFulfilmentWindow(address collection, uint32 window) external onlyVendor(collection) {
        if (window < MIN_FULFILMENT_WINDOW || window > MAX_FULFILMENT_WINDOW) {
            revert InvalidFulfilmentWindow(window, MIN_FULFILMENT_WINDOW, MAX_FULFILMENT_WINDOW);
        }
        _listings[collection].fulfilmentWindow = window;
        emit FulfilmentWindowUpdated(collection, window);
    }

    /// @inheritdoc IModelMarketplace
    function setPayout(address collection, address payout) external onlyVendor(collection) {
        _checkPayout(payout);
        _listings[collection].payout = payout;
        emit PayoutUpdated(collection, payout);
    }

    /// @inheritdoc IModelMarketplace
    function setProver(address collection, address prover, bool allowed) external onlyVendor(collection) {
        _provers[collection][prover] = allowed;
        emit ProverUpdated(collection, prover, allowed);
    }

    /// @inheritdoc IModelMarketplace
    function pause(address collection) external onlyVendor(collection) {
        _listings[collection].paused = true;
        emit ListingPaused(collection);
    }

    /// @inheritdoc IModelMarketplace
    function unpause(address collection) external onlyVendor(collection) {
        _listings[collection].paused = false;
        emit ListingUnpaused(collection);
    }

    // --------------------------------------------------------------------------------------------------- views

    /// @inheritdoc IModelMarketplace
    function getListing(address collection) external view returns (Listing memory) {
        return _listings[collection];
    }

    /// @inheritdoc IModelMarketplace
    function collectionOfVerifier(address vendor, address verifier) external view returns (address) {
        return _collectionOfVerifier[vendor][verifier];
    }

    /// @inheritdoc IModelMarketplace
    function collectionOfModel(address vendor, bytes32 modelHash) external view returns (address) {
        return _collectionOfModel[vendor][modelHash];
    }

    /// @inheritdoc IModelMarketplace
    function isProver(address collection, address account) external view returns (bool) {
        return _provers[collection][account];
    }

    // ------------------------------------------------------------------------------------------------ internal

    /// @dev `collection`'s listing, all zero if it is not listed.
    function _listing(address collection) internal view returns (Listing storage) {
        return _listings[collection];
    }

    /// @dev `collection`'s listing; reverts with {ListingNotFound} if it is not listed.
    function _listed(address collection) internal view returns (Listing storage listing) {
        listing = _listings[collection];
        if (listing.vendor == address(0)) revert ListingNotFound(collection);
    }

    /// @dev Reverts with {NotProver} unless the caller is a prover of `collection`.
    function _checkProver(address collection) internal view {
        if (!_provers[collection][msg.sender]) revert NotProver(collection, msg.sender);
    }

    // ------------------------------------------------------------------------------------------------ private

    /// @dev Reverts with {ListingNotFound} unless `collection` is listed, and with {NotVendor} unless the caller
    /// is its vendor.
    function _checkVendor(address collection) private view {
        address vendor = _listings[collection].vendor;
        if (vendor == address(0)) revert ListingNotFound(collection);
        if (vendor != msg.sender) revert NotVendor(collection, msg.sender);
    }

    /// @dev Reverts with {NotCollectionOwner} unless `collection` reports the caller as its owner. A collection
    /// without an owner reads as owner zero and cannot be listed: the marketplace could not tell its vendor from a
    /// squatter. `msg.sender` is never zero, so an owner of zero never matches.
    function _checkCollectionOwner(address collection) private view {
        address collectionOwner = _reportedOwner(collection);
        if (collectionOwner != msg.sender) revert NotCollectionOwner(collection, msg.sender, collectionOwner);
    }

    /// @dev `collection`'s answer to `owner()` (ERC-173, OpenZeppelin {IERC5313}), or zero if it reverts or answers
    /// anything but one address.
    function _reportedOwner(address collection) private view returns (address) {
        (bool success, bytes memory data) = collection.staticcall(abi.encodeCall(IERC5313.owner, ()));
        if (!success || data.length != 32) return address(0);
        uint256 word = abi.decode(data, (uint256));
        return word > type(uint160).max ? address(0) : address(uint160(word));
    }
}
