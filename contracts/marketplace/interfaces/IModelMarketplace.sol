// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IListingTerms} from "../../payments/interfaces/IListingTerms.sol";
import {IPullPayments} from "../../payments/interfaces/IPullPayments.sol";
import {IRequestEscrow} from "../../payments/interfaces/IRequestEscrow.sol";
import {ISkimmable} from "../../payments/interfaces/ISkimmable.sol";
import {CurveType} from "../../pricing/CurveType.sol";

/// @title Model marketplace: escrowed pay-per-generation with bonding-curve prices
/// @notice Vendors list a model as its ERC-7007 collection with a pricing curve and a payout address. A user who
/// holds an unexpired Claimable claim on a prompt in that collection requests a generation and pays the current
/// price into escrow, and the price moves one step along the curve. One of the vendor's provers fulfils it with
/// the model's output and a proof: in that one transaction the collection verifies the proof and mints the NFT to
/// the requester (the claimant) and the vendor is credited. Unfulfilled requests are refunded after their
/// deadline. All earnings are pull payments ({IPullPayments}).
/// @dev Accounting invariant, kept by every function: `address(this).balance == totalEscrowed() +
/// totalRefundable() + totalEarnings() + protocolFees() + surplus()`, where `surplus()` is ETH forced in without a
/// call (selfdestruct, block rewards), zero otherwise. See docs/marketplace.md.
interface IModelMarketplace is IRequestEscrow, IListingTerms, IPullPayments, ISkimmable {
    /// @notice A listed model.
    struct Listing {
        /// @notice The account that listed the collection; admin of the listing and its curve.
        address vendor;
        /// @notice Whether new requests are refused. Pausing never blocks fulfilments, refunds or withdrawals.
        bool paused;
        /// @notice The curve the spot price follows: one step per request.
        CurveType curveType;
        /// @notice Seconds a request leaves the vendor's provers at least: `deadline >= now + fulfilmentWindow`.
        uint32 fulfilmentWindow;
        /// @notice Credited with the vendor's share of each fulfilled generation.
        address payout;
        /// @notice Fulfilled generations so far.
        uint64 generations;
        /// @notice The price (wei, protocol fee included) of the next request.
        uint128 spotPrice;
        /// @notice The curve's parameter: wei per step (linear) or a 1e18 fixed-point multiplier (exponential).
        uint128 delta;
    }

    /// @notice A generation request.
    struct Request {
        /// @notice Who asked and paid; the prompt's claimant, so the NFT can only go to them.
        address requester;
        /// @notice Last second (inclusive) at which the request may be fulfilled; refundable after it.
        uint64 deadline;
        /// @notice Where the request stands.
        RequestStatus status;
        /// @notice The listed collection (model) asked for.
        address collection;
        /// @notice The price fixed at request time and held in escrow, protocol fee included.
        uint128 price;
        /// @notice The protocol's share of `price`, fixed at request time.
        uint128 fee;
        /// @notice keccak256 of the prompt; the prompt itself is in the {Requested} event.
        bytes32 promptHash;
    }

    // ---------------------------------------------------------------------------------------------- events

    /// @notice `vendor` listed `collection` (bound to `verifier` and `modelHash`) with a curve and a payout.
    event Listed(
        address indexed collection,
        address indexed vendor,
        address indexed verifier,
        bytes32 modelHash,
        address payout,
        CurveType curveType,
        uint128 spotPrice,
        uint128 delta
    );

    /// @notice The vendor of `collection` set its curve.
    event CurveUpdated(address indexed collection, CurveType curveType, uint128 spotPrice, uint128 delta);

    /// @notice The vendor of `collection` set its fulfilment window: request deadlines are `window` seconds away
    /// at least.
    event FulfilmentWindowUpdated(address indexed collection, uint32 window);

    /// @notice The vendor of `collection` set its payout address.
    event PayoutUpdated(address indexed collection, address payout);

    /// @notice The vendor of `collection` allowed (`allowed`) or disallowed `prover` to fulfil its requests.
    event ProverUpdated(address indexed collection, address indexed prover, bool allowed);

    /// @notice The vendor of `collection` paused its listing: new requests are refused.
    event ListingPaused(address indexed collection);

    /// @notice The vendor of `collection` unpaused its listing.
    event ListingUnpaused(address indexed collection);

    /// @notice `requester` requested a generation on `collection` for `prompt`, paying `price` (of which `fee`
    /// goes to the protocol) into escrow until `deadline`; the listing's spot price moved to `nextSpotPrice`.
    event Requested(
        uint256 indexed requestId,
        address indexed collection,
        address indexed requester,
        bytes prompt,
        uint256 price,
        uint256 fee,
        uint64 deadline,
        uint128 nextSpotPrice
    );

    /// @notice `prover` fulfilled `requestId`: token `tokenId` was minted to the requester, `payout` was
    /// credited `vendorAmount` and the protocol `fee`.
    event Fulfilled(
        uint256 indexed requestId,
        address indexed collection,
        address indexed prover,
        uint256 tokenId,
        address payout,
        uint256 vendorAmount,
        uint256 fee
    );

    /// @notice `requestId` expired unfulfilled and its `amount` went back to `requester` (sent, or credited
    /// when sending failed; see {PaymentDeferred}).
    /// @dev Declared per market, not in {IRequestEscrow}: the dataset market names its second argument `customer`,
    /// and clients decode events by argument name.
    event Refunded(uint256 indexed requestId, address indexed requester, uint256 amount);

    /// @notice The owner set the protocol fee from `oldFeeBps` to `newFeeBps` (basis points).
    event ProtocolFeeUpdated(uint16 oldFeeBps, uint16 newFeeBps);

    /// @notice The owner withdrew `amount` of protocol fees to `to`.
    event ProtocolFeesWithdrawn(address indexed to, uint256 amount);

    // ---------------------------------------------------------------------------------------------- errors

    /// @notice `collection` is already listed.
    error CollectionAlreadyListed(address collection);

    /// @notice `vendor` already listed `collection` with `verifier`: one collection per verifier and vendor.
    error VerifierAlreadyListed(address vendor, address verifier, address collection);

    /// @notice `vendor` already listed the model `modelHash` as `collection`: one collection per model and vendor.
    error ModelAlreadyListed(address vendor, bytes32 modelHash, address collection);

    /// @notice `account` may not list `collection`: the collection reports `owner` as its owner (zero if it
    /// reports none, and then nobody may).
    error NotCollectionOwner(address collection, address account, address owner);

    /// @notice `collection` has no code or does not report ERC-7007 (`0x702c55a6`) through ERC-165.
    error NotAnERC7007Collection(address collection);

    /// @notice `collection`'s minter is `minter`, not this marketplace: it could be minted around the escrow.
    error MarketplaceIsNotMinter(address collection, address minter);

    /// @notice `collection` is not listed.
    error ListingNotFound(address collection);

    /// @notice `account` is not the vendor of `collection`.
    error NotVendor(address collection, address account);

    /// @notice `collection`'s listing is paused: it takes no new requests.
    error ListingIsPaused(address collection);

    /// @notice `window` is outside `[minWindow, maxWindow]`.
    error InvalidFulfilmentWindow(uint32 window, uint32 minWindow, uint32 maxWindow);

    /// @notice `account` does not hold the claim on the prompt; `claimant` does.
    error NotClaimant(address claimant, address account);

    /// @notice `prompt` is `length` bytes, but `collection`'s model takes `expected`: it could never be proven.
    error InvalidPromptLength(address collection, uint256 length, uint256 expected);

    /// @notice `deadline` is not before the claim's `expiry`: the mint could fail for an expired claim.
    error DeadlineNotBeforeClaimExpiry(uint64 deadline, uint256 expiry);

    /// @notice The prompt already has the pending request `requestId` on this collection, before its deadline.
    error PromptAlreadyRequested(address collection, uint256 requestId);

    /// @notice `account` is not a prover of `collection`.
    error NotProver(address collection, address account);

    /// @notice The prompt does not hash to `requestId`'s prompt hash.
    error PromptMismatch(uint256 requestId);

    /// @notice A batch's prompts are `promptsLength` bytes: not `slots` prompts of `collection`'s input length.
    error BatchLengthMismatch(address collection, uint256 slots, uint256 promptsLength);

    /// @notice `requestId` is on `other`, not on the batch's `collection`: a batch mints on one collection.
    error BatchCollectionMismatch(uint256 requestId, address collection, address other);

    /// @notice A batch of `slots` requests is over the `max` slots one mint mask can select.
    error BatchTooLarge(uint256 slots, uint256 max);

    /// @notice No slot of the batch has a request that can still be fulfilled.
    error EmptyBatch();

    /// @notice The collection minted `tokenId`, owned by `owner`, instead of the requester's token.
    error MintMismatch(uint256 requestId, uint256 tokenId, address owner);

    /// @notice `feeBps` exceeds the hard cap `maxFeeBps`.
    error ProtocolFeeTooHigh(uint16 feeBps, uint16 maxFeeBps);

    // ---------------------------------------------------------------------------------------------- vendors

    /// @notice Lists `collection` with the caller as vendor: new requests pay `spotPrice`, which moves along
    /// `curveType` with `delta` at every request; earnings are credited to `payout`. The fulfilment window starts
    /// at {MIN_FULFILMENT_WINDOW} (see {setFulfilmentWindow}).
    /// @dev Requires an ERC-7007 collection whose `owner()` (ERC-173 / ERC-5313) is the caller and whose
    /// `minter()` is this marketplace, not listed before; whose verifier and model hash back no other listing
    /// of the same vendor; a nonzero payout and a valid curve. Uniqueness is per vendor, so nothing another
    /// account lists can block a vendor or be found under its name ({collectionOfModel}). Emits {Listed}.
    function list(address collection, address payout, CurveType curveType, uint128 spotPrice, uint128 delta) external;

    /// @notice Sets `collection`'s curve. Only its vendor. Affects only later requests (prices are fixed at
    /// request time). Emits {CurveUpdated}.
    function setCurve(address collection, CurveType curveType, uint128 spotPrice, uint128 delta) external;

    /// @notice Sets `collection`'s fulfilment window: new requests must leave its provers at least `window`
    /// seconds (`deadline >= block.timestamp + window`). Only its vendor; `window` within
    /// [{MIN_FULFILMENT_WINDOW}, {MAX_FULFILMENT_WINDOW}]. Affects only later requests. Emits
    /// {FulfilmentWindowUpdated}.
    function setFulfilmentWindow(address collection, uint32 window) external;

    /// @notice Sets the account credited with `collection`'s earnings from now on. Only its vendor. Emits
    /// {PayoutUpdated}.
    function setPayout(address collection, address payout) external;

    /// @notice Allows or disallows `prover` to fulfil `collection`'s requests. Only its vendor. Emits
    /// {ProverUpdated}.
    function setProver(address collection, address prover, bool allowed) external;

    /// @notice Refuses new requests on `collection`. Only its vendor. Pending requests can still be fulfilled
    /// or refunded. Emits {ListingPaused}.
    function pause(address collection) external;

    /// @notice Accepts new requests on `collection` again. Only its vendor. Emits {ListingUnpaused}.
    function unpause(address collection) external;

    // ---------------------------------------------------------------------------------------------- users

    /// @notice Requests a generation of `prompt` on `collection` at the current price, escrowing the payment, and
    /// moves the price one step along the curve (so concurrent requests pay what consecutive ones would).
    /// @dev `prompt` must be the model's input length ({InvalidPromptLength}) and, on a collection with trait
    /// prompts ({IERC7007TraitPrompt}), inside its trait space (the collection's
    /// {IERC7007TraitPrompt-ERC7007PromptTraitOutOfRange}, bubbled up). The caller must hold the
    /// collection's claim on `prompt` (so the NFT can only be minted to them), with
    /// `block.timestamp + fulfilmentWindow <= deadline < claim expiry`. Reverts with {PriceAboveMax} if the price
    /// moved above `maxPrice`, with {InsufficientPayment} if `msg.value` is below it. The excess over the price
    /// is sent back to the caller in the same transaction (credited to {refundableOf} if sending fails). Emits
    /// {Requested}.
    /// @return requestId The new request's id.
    function requestGeneration(address collection, bytes calldata prompt, uint256 maxPrice, uint64 deadline)
        external
        payable
        returns (uint256 requestId);

    /// @notice Fulfils the requests of a batch with one batch proof: slot i of `prompts` and `aigcDatas` (each
    /// concatenated in slot order) answers `requestIds[i]`. The collection verifies the proof once and mints
    /// every fulfilled request's token to its requester ({IERC7007Batch-mintBatch}); each payout is credited as
    /// by {fulfil}.
    /// @dev Only a prover of the requests' collection; all requests on one collection ({BatchCollectionMismatch}).
    /// A slot whose request id is 0 (a filler the prover proved with the batch) or whose request is past its
    /// deadline is proven but not minted, and such a request stays refundable: an expired request does not block
    /// the others. Every other request must be pending with the slot's prompt, as in {fulfil}. Reverts with
    /// {EmptyBatch} if no slot is left to mint. Emits {Fulfilled} per fulfilled request.
    /// @return mintMask The slots minted: bit i for slot i.
    function fulfilBatch(
        uint256[] calldata requestIds,
        bytes calldata prompts,
        bytes calldata aigcDatas,
        bytes calldata proof
    ) external returns (uint256 mintMask);

    /// @notice Fulfils `requestId` with the model's output `aigcData` on `prompt` and its `proof`: the
    /// collection verifies the proof and mints the token to the requester, and the payout is credited with the
    /// price minus the protocol fee.
    /// @dev Only a prover of the request's collection, before the deadline (inclusive), once. Emits
    /// {Fulfilled}.
    /// @return tokenId The minted token, `uint256(keccak256(prompt))`.
    function fulfil(
        uint256 requestId,
        bytes calldata prompt,
        bytes calldata aigcData,
        string calldata uri,
        bytes calldata proof
    ) external returns (uint256 tokenId);

    /// @notice Refunds the unfulfilled `requestId` after its deadline; anyone may call it. The price goes back
    /// to the requester in full (sent with a bounded amount of gas, credited to {refundableOf} if that fails).
    /// The curve step the request took stays taken. Emits {Refunded}.
    function refund(uint256 requestId) external;

    // ---------------------------------------------------------------------------------------------- owner

    /// @notice Sets the protocol fee (basis points of each price), at most {MAX_PROTOCOL_FEE_BPS}. Only the
    /// owner. Applies to later requests. Emits {ProtocolFeeUpdated}.
    function setProtocolFee(uint16 feeBps) external;

    /// @notice Sends all accrued protocol fees to `to`. Only the owner. Emits {ProtocolFeesWithdrawn}.
    function withdrawProtocolFees(address payable to) external;

    // ---------------------------------------------------------------------------------------------- views

    /// @notice Hard cap on the protocol fee, in basis points.
    function MAX_PROTOCOL_FEE_BPS() external view returns (uint16);

    /// @notice The shortest fulfilment window a vendor can set, and the one a listing starts with (seconds).
    function MIN_FULFILMENT_WINDOW() external view returns (uint32);

    /// @notice The longest fulfilment window a vendor can set (seconds); well below a claim's lifetime.
    function MAX_FULFILMENT_WINDOW() external view returns (uint32);

    /// @notice The protocol fee in basis points applied to new requests.
    function protocolFeeBps() external view returns (uint16);

    /// @notice `collection`'s listing (all zero if not listed).
    function getListing(address collection) external view returns (Listing memory);

    /// @notice The collection `vendor` listed with `verifier`, or zero. Never another account's listing.
    function collectionOfVerifier(address vendor, address verifier) external view returns (address);

    /// @notice The collection `vendor` listed for the model `modelHash`, or zero. Never another account's
    /// listing: look a model up under the vendor you trust (e.g. the deployment manifest's account).
    function collectionOfModel(address vendor, bytes32 modelHash) external view returns (address);

    /// @notice The price and protocol fee a request on `collection` pays now.
    function quote(address collection) external view returns (uint256 price, uint256 fee);

    /// @notice Whether `account` may fulfil `collection`'s requests.
    function isProver(address collection, address account) external view returns (bool);

    /// @notice The request `requestId` (all zero if it does not exist).
    function getRequest(uint256 requestId) external view returns (Request memory);

    /// @notice The latest pending request for `prompt` on `collection`, or 0 (it may be past its deadline).
    function pendingRequestOf(address collection, bytes calldata prompt) external view returns (uint256);

    /// @notice Requests created so far; ids run from 1 to this number.
    function requestCount() external view returns (uint256);

    /// @notice Protocol fees accrued and not withdrawn.
    function protocolFees() external view returns (uint256);
}
