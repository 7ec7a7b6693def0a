// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";

import {IERC7007TraitPrompt} from "../interfaces/IERC7007TraitPrompt.sol";
import {RequestEscrow} from "../payments/RequestEscrow.sol";
import {ModelListings} from "./ModelListings.sol";
import {IModelMarketplace} from "./interfaces/IModelMarketplace.sol";
import {IMarketplaceCollection} from "./interfaces/IMarketplaceCollection.sol";
import {PricingCurve} from "../pricing/PricingCurve.sol";

/// @title ModelMarketplace
/// @notice Escrowed pay-per-generation for zk-proven models listed as ERC-7007 collections, priced by bonding
/// curves; the vendor is paid only on proven delivery. See {IModelMarketplace} and docs/marketplace.md.
/// @dev Money moves by the three rules of {PullPayments}, the ledger it inherits (through {RequestEscrow} and {Skimmable}). (1) Every function that moves
/// ETH or calls a collection is `nonReentrant` and finishes its state changes before the external call. (2) ETH
/// the marketplace has to hand back on its own initiative (a request's excess payment, a refund that anyone may
/// trigger) is pushed with at most {PUSH_GAS_LIMIT} gas and no return data copied; if that fails it is credited
/// to the receiver's refundable balance, so a reverting or gas-burning receiver blocks no one but itself.
/// (3) Everything else is pulled by its owner, who picks the recipient. Pausing a listing only refuses new requests.
/// The listings themselves, and what their vendors set, are {ModelListings}'.
contract ModelMarketplace is ModelListings, RequestEscrow {
    using ERC165Checker for address;

    /// @inheritdoc IModelMarketplace
    uint16 public constant MAX_PROTOCOL_FEE_BPS = 1_000; // 10%

    /// @dev Basis-point denominator.
    uint256 private constant _BPS = 10_000;

    uint16 private _protocolFeeBps;
    uint256 private _requestCount;

    uint256 private _protocolFees;

    mapping(uint256 requestId => Request) private _requests;
    mapping(address collection => mapping(bytes32 promptHash => uint256 requestId)) private _pendingRequests;

    /// @param initialOwner Sets the protocol fee and withdraws it (two-step transferable).
    /// @param feeBps Initial protocol fee in basis points, at most {MAX_PROTOCOL_FEE_BPS}.
    constructor(address initialOwner, uint16 feeBps) Ownable(initialOwner) {
        _setProtocolFee(feeBps);
    }

    // --------------------------------------------------------------------------------------------------- users

    /// @inheritdoc IModelMarketplace
    function requestGeneration(address collection, bytes calldata prompt, uint256 maxPrice, uint64 deadline)
        external
        payable
        nonReentrant
        returns (uint256 requestId)
    {
        uint128 price = _checkRequest(collection, prompt, maxPrice, deadline);
        requestId = _openRequest(collection, prompt, deadline, price);
        uint256 excess = msg.value - price; // cannot underflow: _checkRequest checked msg.value >= price
        if (excess != 0) _pushOrCredit(msg.sender, excess);
    }

    /// @inheritdoc IModelMarketplace
    function fulfil(
        uint256 requestId,
        bytes calldata prompt,
        bytes calldata aigcData,
        string calldata uri,
        bytes calldata proof
    ) external nonReentrant returns (uint256 tokenId) {
        Request storage request = _requests[requestId];
        address collection = request.collection;
        // Checks and effects: settle the escrow and advance the curve before calling the collection.
        _settleFulfilment(requestId, request, keccak256(prompt));
        // Interaction: the collection verifies the proof and mints to the prompt's claimant, i.e. the requester.
        tokenId = IMarketplaceCollection(collection).mint(prompt, aigcData, uri, proof);
        _checkMinted(requestId, request, collection, tokenId);
    }

    /// @inheritdoc IModelMarketplace
    function fulfilBatch(
        uint256[] calldata requestIds,
        bytes calldata prompts,
        bytes calldata aigcDatas,
        bytes calldata proof
    ) external nonReentrant returns (uint256 mintMask) {
        uint256 slots = requestIds.length;
        // One bit of `mintMask` per slot: a longer batch could settle a slot it never checks.
        if (slots > 256) revert BatchTooLarge(slots, 256);
        address collection = address(0); // the batch's collection: that of its first live request
        uint256 promptLength = 0;
        // Checks and effects for every live request, then one interaction, then the per-request mint checks.
        for (uint256 i; i < slots; ++i) {
            Request storage request = _requests[requestIds[i]];
            // A filler slot (id 0: no request) or a request past its deadline is proven but not minted.
            if (requestIds[i] == 0 || block.timestamp > request.deadline) continue;
            if (collection == address(0)) {
                collection = request.collection;
                promptLength = IMarketplaceCollection(collection).encoding().inputLen;
                if (prompts.length != slots * promptLength) {
                    revert BatchLengthMismatch(collection, slots, prompts.length);
                }
            } else if (request.collection != collection) {
                revert BatchCollectionMismatch(requestIds[i], collection, request.collection);
            }
            _settleFulfilment(requestIds[i], request, keccak256(prompts[i * promptLength:(i + 1) * promptLength]));
            mintMask |= 1 << i;
        }
        if (mintMask == 0) revert EmptyBatch();
        // The batch's data contract is of no use here: each minted token is checked by its owner below.
        // slither-disable-next-line unused-return
        IMarketplaceCollection(collection).mintBatch(prompts, aigcDatas, proof, mintMask);
        for (uint256 i; i < slots; ++i) {
            if ((mintMask >> i) & 1 == 0) continue;
            Request storage request = _requests[requestIds[i]];
            _checkMinted(requestIds[i], request, collection, uint256(request.promptHash));
        }
    }

    /// @inheritdoc IModelMarketplace
    function refund(uint256 requestId) external nonReentrant {
        Request storage request = _requests[requestId];
        _checkRefundable(requestId, request.status, request.deadline);

        request.status = RequestStatus.Refunded;
        _clearPending(request.collection, request.promptHash, requestId);
        uint256 amount = request.price;
        address requester = request.requester;
        _release(amount);
        emit Refunded(requestId, requester, amount);

        if (amount != 0) _pushOrCredit(requester, amount);
    }

    // --------------------------------------------------------------------------------------------------- owner

    /// @inheritdoc IModelMarketplace
    function setProtocolFee(uint16 feeBps) external onlyOwner {
        _setProtocolFee(feeBps);
    }

    /// @inheritdoc IModelMarketplace
    function withdrawProtocolFees(address payable to) external onlyOwner nonReentrant {
        if (to == address(0)) revert InvalidRecipient();
        uint256 amount = _protocolFees;
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _protocolFees = 0;
        emit ProtocolFeesWithdrawn(to, amount);
        _send(to, amount);
    }

    // --------------------------------------------------------------------------------------------------- views

    /// @inheritdoc IModelMarketplace
    function protocolFeeBps() external view returns (uint16) {
        return _protocolFeeBps;
    }

    /// @inheritdoc IModelMarketplace
    function quote(address collection) external view returns (uint256 price, uint256 fee) {
        price = _listed(collection).spotPrice;
        fee = (price * _protocolFeeBps) / _BPS;
    }

    /// @inheritdoc IModelMarketplace
    function getRequest(uint256 requestId) external view returns (Request memory) {
        return _requests[requestId];
    }

    /// @inheritdoc IModelMarketplace
    function pendingRequestOf(address collection, bytes calldata prompt) external view returns (uint256) {
        return _pendingRequests[collection][keccak256(prompt)];
    }

    /// @inheritdoc IModelMarketplace
    function requestCount() external view returns (uint256) {
        return _requestCount;
    }

    /// @inheritdoc IModelMarketplace
    function protocolFees() external view returns (uint256) {
        return _protocolFees;
    }

    // ------------------------------------------------------------------------------------------------ internal

    /// @dev The protocol fees: with the escrow and the ledger's credits, the invariant's terms but the surplus.
    function _owedBeyondEscrow() internal view override returns (uint256) {
        return _protocolFees;
    }

    // ------------------------------------------------------------------------------------------------ private

    /// @dev {requestGeneration}'s checks; returns the price (the listing's spot price).
    function _checkRequest(address collection, bytes calldata prompt, uint256 maxPrice, uint64 deadline)
        private
        view
        returns (uint128 price)
    {
        Listing storage listing = _listed(collection);
        if (listing.paused) revert ListingIsPaused(collection);
        uint256 promptLength = IMarketplaceCollection(collection).encoding().inputLen;
        if (prompt.length != promptLength) revert InvalidPromptLength(collection, prompt.length, promptLength);
        // A trait-prompt collection refuses a prompt outside its trait space (ERC7007PromptTraitOutOfRange).
        if (collection.supportsERC165InterfaceUnchecked(type(IERC7007TraitPrompt).interfaceId)) {
            IERC7007TraitPrompt(collection).checkPrompt(prompt);
        }
        (address claimant, uint256 expiry) = IMarketplaceCollection(collection).claimOf(prompt);
        if (claimant != msg.sender) revert NotClaimant(claimant, msg.sender);
        // The window is at least MIN_FULFILMENT_WINDOW > 0, so this also rejects deadlines in the past.
        uint256 earliest = block.timestamp + listing.fulfilmentWindow;
        if (deadline < earliest) revert DeadlineTooSoon(deadline, earliest);
        if (deadline >= expiry) revert DeadlineNotBeforeClaimExpiry(deadline, expiry);
        // A pending request past its deadline (refundable, never fulfillable) does not block a new one.
        uint256 pending = _pendingRequests[collection][keccak256(prompt)];
        if (pending != 0 && block.timestamp <= _requests[pending].deadline) {
            revert PromptAlreadyRequested(collection, pending);
        }
        price = listing.spotPrice;
        _checkPayment(price, maxPrice);
    }

    /// @dev {requestGeneration}'s effects: records the request, escrows its price, moves the spot price one step
    /// along the curve (a later refund does not move it back) and emits {Requested}.
    function _openRequest(address collection, bytes calldata prompt, uint64 deadline, uint128 price)
        private
        returns (uint256 requestId)
    {
        // Rounds down (in favour of the vendor); fee <= price because _protocolFeeBps <= _BPS.
        uint128 fee = uint128((uint256(price) * _protocolFeeBps) / _BPS);
        bytes32 promptHash = keccak256(prompt);
        requestId = ++_requestCount;
        _requests[requestId] = Request({
            requester: msg.sender,
            deadline: deadline,
            status: RequestStatus.Pending,
            collection: collection,
            price: price,
            fee: fee,
            promptHash: promptHash
        });
        _pendingRequests[collection][promptHash] = requestId;
        _hold(price);
        Listing storage listing = _listing(collection);
        uint128 nextSpotPrice = PricingCurve.next(listing.curveType, price, listing.delta);
        listing.spotPrice = nextSpotPrice;
        emit Requested(requestId, collection, msg.sender, prompt, price, fee, deadline, nextSpotPrice);
    }

    /// @dev {fulfil}'s checks and effects: the request is pending, the caller is a prover of its collection, the
    /// deadline has not passed and `promptHash` is the request's. Marks it fulfilled, moves its price from
    /// escrow to the payout's earnings and the protocol fees, counts the generation and emits {Fulfilled}. The
    /// curve moved when the request was made.
    function _settleFulfilment(uint256 requestId, Request storage request, bytes32 promptHash) private {
        _checkPending(requestId, request.status);
        address collection = request.collection;
        _checkProver(collection);
        _checkNotExpired(requestId, request.deadline);
        if (promptHash != request.promptHash) revert PromptMismatch(requestId);

        request.status = RequestStatus.Fulfilled;
        _clearPending(collection, promptHash, requestId);
        uint256 price = request.price;
        uint256 fee = request.fee;
        uint256 vendorAmount = price - fee; // fee <= price by construction
        Listing storage listing = _listing(collection);
        address payout = listing.payout;
        _release(price);
        _creditEarnings(payout, vendorAmount);
        _protocolFees += fee;
        ++listing.generations;
        emit Fulfilled(requestId, collection, msg.sender, uint256(promptHash), payout, vendorAmount, fee);
    }

    /// @dev Forgets `requestId` as the prompt's pending request, unless a newer request replaced it (possible
    /// once `requestId`'s deadline passed).
    function _clearPending(address collection, bytes32 promptHash, uint256 requestId) private {
        if (_pendingRequests[collection][promptHash] == requestId) delete _pendingRequests[collection][promptHash];
    }

    /// @dev Reverts with {MintMismatch} unless the collection minted the request's token to the requester.
    function _checkMinted(uint256 requestId, Request storage request, address collection, uint256 tokenId)
        private
        view
    {
        address tokenOwner = IMarketplaceCollection(collection).ownerOf(tokenId);
        if (tokenId != uint256(request.promptHash) || tokenOwner != request.requester) {
            revert MintMismatch(requestId, tokenId, tokenOwner);
        }
    }

    function _setProtocolFee(uint16 feeBps) private {
        if (feeBps > MAX_PROTOCOL_FEE_BPS) revert ProtocolFeeTooHigh(feeBps, MAX_PROTOCOL_FEE_BPS);
        emit ProtocolFeeUpdated(_protocolFeeBps, feeBps);
        _protocolFeeBps = feeBps;
    }
}
