// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {CurveType} from "../../pricing/CurveType.sol";
import {IListingTerms} from "../../payments/interfaces/IListingTerms.sol";
import {IPullPayments} from "../../payments/interfaces/IPullPayments.sol";
import {IRequestEscrow} from "../../payments/interfaces/IRequestEscrow.sol";
import {ISkimmable} from "../../payments/interfaces/ISkimmable.sol";

/// @title Dataset market: pay for a model trained on a private dataset only if it meets your accuracy
/// @notice The owner registers circuit *templates*: one ezkl verifier per tree shape (rows per chunk, chunks,
/// features, depth, classes). A vendor lists a private dataset under a template with its own bonding curve and a
/// payout address. A customer requests a model: they cut their test set into chunks of the template's rows (the
/// last one padded, labels salted), commit to all of it with one hash over the chunks' Poseidon hashes (as the
/// circuit computes them), name its real rows and the number the model must get right, and pay the dataset's
/// current price into escrow, which moves the price one step up the dataset's curve. The vendor trains a tree and
/// fulfils with one proof per chunk, each bound to that one request and its chunk index ({requestBinding}); the
/// contract verifies them all in one transaction, recomputes the commitment from their hash instances, sums their
/// counts into one receipt binding the model commitment and credits the vendor. Unfulfilled requests are refunded after their deadline (the price step stays taken). All earnings are
/// pull payments ({IPullPayments}).
/// @dev Accounting invariant, kept by every function: `address(this).balance == totalEscrowed() +
/// totalRefundable() + totalEarnings() + surplus()`, where `surplus()` is ETH forced in without a call.
/// The proof shows what the committed tree does on the test set, not how it was trained; see docs/datamarket.md.
interface IDatasetMarket is IRequestEscrow, IListingTerms, IPullPayments, ISkimmable {
    /// @notice A circuit shape and the verifier of its proofs.
    struct Template {
        /// @notice The generated Halo2 verifier; zero if the template does not exist.
        address verifier;
        /// @notice Rows per chunk (N): one proof covers one chunk of N rows (the last chunk padded).
        uint32 chunkRows;
        /// @notice Chunks per test set: the capacity is `chunks * chunkRows` rows, proven by up to `chunks` proofs.
        uint8 chunks;
        /// @notice Features per row (F).
        uint32 features;
        /// @notice Depth of the complete tree (d).
        uint8 depth;
        /// @notice Classes a leaf may predict (labels 0..classes-1).
        uint8 classes;
        /// @notice The count instance is `correct << outputScale`.
        uint8 outputScale;
    }

    /// @notice A listed dataset.
    struct Dataset {
        /// @notice The account that listed it: admin of its curve and payout, and the only fulfiller.
        address vendor;
        /// @notice The template its models are proven with.
        uint64 templateId;
        /// @notice The curve the price follows: one step per request, taken when the request is made.
        CurveType curveType;
        /// @notice Credited with each fulfilled request's price.
        address payout;
        /// @notice Fulfilled requests so far.
        uint64 sales;
        /// @notice The price (wei) of the next request.
        uint128 spotPrice;
        /// @notice The curve's parameter: wei per step (linear) or a 1e18 fixed-point multiplier (exponential).
        uint128 delta;
        /// @notice The vendor's commitment to the data and its feature schema (off-chain meaning, e.g. a hash).
        bytes32 dataCommitment;
    }

    /// @notice A request for a model.
    struct Request {
        /// @notice Who asked and paid.
        address customer;
        /// @notice Last second (inclusive) at which it may be fulfilled; refundable after it.
        uint64 deadline;
        /// @notice Where the request stands.
        RequestStatus status;
        /// @notice The dataset asked for.
        uint64 datasetId;
        /// @notice Correct rows the model must reach (k), at most {rows}.
        uint32 minCorrect;
        /// @notice Real rows of the committed test set (n, at most the template's capacity): ceil(n / chunkRows)
        /// chunks, the last one padded.
        uint32 rows;
        /// @notice The price fixed at request time and held in escrow.
        uint128 price;
        /// @notice `keccak256(abi.encodePacked(xHash_0, yHash_0, ..., xHash_k-1, yHash_k-1))` over the chunks in
        /// order: each chunk's Poseidon hash of its features and of its labels, row mask and label salt, as the
        /// circuit's first two instances.
        bytes32 testSetCommitment;
    }

    /// @notice What a fulfilled request leaves on chain.
    struct Receipt {
        /// @notice The dataset the model was sold from.
        uint64 datasetId;
        /// @notice The block the proof was verified in.
        uint64 blockNumber;
        /// @notice Correct rows the proofs show, summed over the chunks.
        uint32 correct;
        /// @notice Real rows of the test set the count is out of.
        uint32 rows;
        /// @notice The customer who paid.
        address customer;
        /// @notice Poseidon commitment to the tree's parameters (salted): the delivered tree must open it.
        uint256 modelCommitment;
        /// @notice The test set the count is about: the request's {Request-testSetCommitment}.
        bytes32 testSetCommitment;
    }

    // ---------------------------------------------------------------------------------------------- events

    /// @notice The owner registered template `templateId` with `verifier` for the shape.
    event TemplateRegistered(
        uint256 indexed templateId,
        address indexed verifier,
        uint32 chunkRows,
        uint8 chunks,
        uint32 features,
        uint8 depth,
        uint8 classes,
        uint8 outputScale
    );

    /// @notice `vendor` listed dataset `datasetId` under `templateId` with a curve and a payout.
    event DatasetListed(
        uint256 indexed datasetId,
        address indexed vendor,
        uint256 indexed templateId,
        bytes32 dataCommitment,
        address payout,
        CurveType curveType,
        uint128 spotPrice,
        uint128 delta
    );

    /// @notice The vendor of `datasetId` set its curve.
    event CurveUpdated(uint256 indexed datasetId, CurveType curveType, uint128 spotPrice, uint128 delta);

    /// @notice The vendor of `datasetId` set its payout address.
    event PayoutUpdated(uint256 indexed datasetId, address payout);

    /// @notice `customer` requested a model from `datasetId` reaching `minCorrect` of the `rows` rows of the
    /// committed test set, escrowing `price` until `deadline`; the dataset's spot price moved to `nextSpotPrice`.
    event ModelRequested(
        uint256 indexed requestId,
        uint256 indexed datasetId,
        address indexed customer,
        bytes32 testSetCommitment,
        uint32 rows,
        uint32 minCorrect,
        uint256 price,
        uint64 deadline,
        uint128 nextSpotPrice
    );

    /// @notice `requestId` was fulfilled with `chunks` proofs: the tree `modelCommitment` gets `correct` rows
    /// right; `payout` was credited `price`.
    event ReceiptIssued(
        uint256 indexed requestId,
        uint256 indexed datasetId,
        address indexed customer,
        uint256 modelCommitment,
        uint32 correct,
        uint256 chunks,
        address payout,
        uint256 price
    );

    /// @notice `requestId` expired unfulfilled and its `amount` went back to `customer` (sent, or credited).
    /// @dev Declared per market, not in {IRequestEscrow}: the model marketplace names its second argument
    /// `requester`, and clients decode events by argument name.
    event Refunded(uint256 indexed requestId, address indexed customer, uint256 amount);

    // ---------------------------------------------------------------------------------------------- errors

    /// @notice `verifier` has no code.
    error InvalidVerifier(address verifier);

    /// @notice A template needs rows per chunk, 1 to {MAX_CHUNKS} chunks, features, a depth and at least two classes.
    error InvalidShape(uint32 chunkRows, uint8 chunks, uint32 features, uint8 depth, uint8 classes);

    /// @notice Template `templateId` does not exist.
    error TemplateNotFound(uint256 templateId);

    /// @notice Dataset `datasetId` does not exist.
    error DatasetNotFound(uint256 datasetId);

    /// @notice `account` is not the vendor of `datasetId`.
    error NotVendor(uint256 datasetId, address account);

    /// @notice The test-set commitment is zero: no set of chunk hashes can match it.
    error InvalidCommitment(bytes32 commitment);

    /// @notice `minCorrect` is zero or above the request's `rows`: no proof could meet it.
    error InvalidThreshold(uint32 minCorrect, uint32 rows);

    /// @notice `rows` is zero or above the template's capacity `capacity` (chunks x rows per chunk).
    error InvalidRowCount(uint32 rows, uint256 capacity);

    /// @notice `deadline` is beyond {MAX_FULFILMENT_WINDOW}: it must be `latest` or earlier.
    error DeadlineTooLate(uint64 deadline, uint256 latest);

    /// @notice `requestId` needs `expected` chunk proofs (ceil(rows / chunkRows)); `proofs` proofs and
    /// `instanceSets` instance lists were given.
    error InvalidChunkCount(uint256 requestId, uint256 expected, uint256 proofs, uint256 instanceSets);

    /// @notice A tree proof has {TREE_INSTANCES} public instances; chunk `chunk`'s has `count`.
    error InvalidInstanceCount(uint256 requestId, uint256 chunk, uint256 count);

    /// @notice The proofs' chunk hashes commit to `proven`, the request committed to `expected`: a chunk of
    /// another test set, or the chunks of another one.
    error TestSetMismatch(uint256 requestId, bytes32 expected, bytes32 proven);

    /// @notice Chunk `chunk`'s count instance `instance` is not a whole number of rows between 0 and its `rows`.
    error InvalidCount(uint256 requestId, uint256 chunk, uint256 instance, uint256 rows);

    /// @notice Chunk `chunk`'s rows instance `instance` is not a whole number of rows up to the template's chunk.
    error InvalidChunkRows(uint256 requestId, uint256 chunk, uint256 instance);

    /// @notice The proofs count `proven` real rows in all, the request committed to `rows`.
    error RowsMismatch(uint256 requestId, uint32 rows, uint256 proven);

    /// @notice The proof at position `chunk` is bound to another request, dataset, market or chain: its binding
    /// limb `limb` is `proven`, {requestBinding}`(requestId, chunk)` gives `expected`.
    error BindingMismatch(uint256 requestId, uint256 chunk, uint256 limb, uint256 expected, uint256 proven);

    /// @notice The proof at position `position` is this request's proof for chunk `chunk`: the chunks are out of
    /// order.
    error ChunkOutOfOrder(uint256 requestId, uint256 position, uint256 chunk);

    /// @notice Chunk `chunk` proves the tree `proven`, chunk 0 the tree `expected`: every chunk must be one tree.
    error ModelMismatch(uint256 requestId, uint256 chunk, uint256 expected, uint256 proven);

    /// @notice The proofs show `correct` rows in all, below the request's `minCorrect`.
    error CountBelowThreshold(uint256 requestId, uint32 correct, uint32 minCorrect);

    /// @notice The template's verifier did not accept chunk `chunk`'s proof: it answered anything but `true`,
    /// reverted, or ran out of gas.
    error InvalidProof(uint256 requestId, uint256 chunk);

    // ---------------------------------------------------------------------------------------------- owner

    /// @notice Registers a template: proofs of trees of this shape, one per chunk of `chunkRows` test rows, up to
    /// `chunks` chunks per test set, are checked by `verifier`. Only the owner. Templates are never changed or
    /// removed, so a listing's verifier cannot move under it. Emits {TemplateRegistered}.
    /// @return templateId The new template's id (from 1).
    function registerTemplate(
        address verifier,
        uint32 chunkRows,
        uint8 chunks,
        uint32 features,
        uint8 depth,
        uint8 classes,
        uint8 outputScale
    ) external returns (uint256 templateId);

    // ---------------------------------------------------------------------------------------------- vendors

    /// @notice Lists a dataset under `templateId` with the caller as vendor: requests pay `spotPrice`, which
    /// moves along `curveType` with `delta` at every request (start it low: a new dataset has no
    /// record). Earnings are credited to `payout`. Emits {DatasetListed}.
    /// @return datasetId The new dataset's id (from 1).
    function listDataset(
        uint256 templateId,
        bytes32 dataCommitment,
        address payout,
        CurveType curveType,
        uint128 spotPrice,
        uint128 delta
    ) external returns (uint256 datasetId);

    /// @notice Sets `datasetId`'s curve. Only its vendor; affects later requests. Emits {CurveUpdated}.
    function setCurve(uint256 datasetId, CurveType curveType, uint128 spotPrice, uint128 delta) external;

    /// @notice Sets the account credited with `datasetId`'s earnings. Only its vendor. Emits {PayoutUpdated}.
    function setPayout(uint256 datasetId, address payout) external;

    /// @notice Fulfils `requestId` with one proof per chunk, in chunk order ({requestChunks} of them), each for the
    /// dataset's template with public `instances[i]` = `[xHash_i, yHash_i, poseidon(binding), modelCommitment,
    /// correct_i << outputScale, rows_i << 4, limb_0 << 4, ..., limb_7 << 4]`, the limbs being
    /// {requestBinding}`(requestId, i)` in 16-bit pieces, least significant first. Only the dataset's vendor, before
    /// the deadline (inclusive), once. Checks every chunk's binding, one model commitment for all, whole counts and
    /// rows, `keccak256` of the chunk hashes against the request's commitment, the rows' sum against the request,
    /// `minCorrect <= sum of correct_i`, then every proof; stores one {Receipt} and credits the payout with the
    /// price (the curve moved at request time). Emits {ReceiptIssued}.
    function fulfil(uint256 requestId, bytes[] calldata proofs, uint256[][] calldata instances) external;

    // ---------------------------------------------------------------------------------------------- customers

    /// @notice Requests a model from `datasetId` that gets at least `minCorrect` of the `rows` real rows of the
    /// committed test set right, paying the current price into escrow; the excess over it is sent back (credited
    /// if that fails). The dataset's spot price moves one step along its curve now, so concurrent requests pay
    /// what sequential ones would; a refund does not move it back.
    /// @dev `testSetCommitment` is `keccak256(abi.encodePacked(xHash_0, yHash_0, ..., xHash_k-1, yHash_k-1))` over
    /// the k = ceil(rows / chunkRows) chunks, each hash the Poseidon hash ezkl computes for the template's `hashed`
    /// inputs (nonzero). `1 <= minCorrect <= rows <= capacity`; `block.timestamp + MIN_FULFILMENT_WINDOW <=
    /// deadline <= block.timestamp + MAX_FULFILMENT_WINDOW`. Emits {ModelRequested}.
    /// @return requestId The new request's id (from 1).
    function request(
        uint256 datasetId,
        bytes32 testSetCommitment,
        uint32 rows,
        uint32 minCorrect,
        uint64 deadline,
        uint256 maxPrice
    ) external payable returns (uint256 requestId);

    /// @notice Refunds the unfulfilled `requestId` after its deadline; anyone may call it. The price goes back to
    /// the customer (sent with bounded gas, credited to {refundableOf} if that fails). Emits {Refunded}.
    function refund(uint256 requestId) external;

    // ---------------------------------------------------------------------------------------------- views

    /// @notice The shortest time a request leaves the vendor (seconds).
    function MIN_FULFILMENT_WINDOW() external view returns (uint32);

    /// @notice The longest time a request may leave the vendor (seconds).
    function MAX_FULFILMENT_WINDOW() external view returns (uint32);

    /// @notice Public instances of every tree proof: 6 and the {BINDING_LIMBS} binding limbs.
    function TREE_INSTANCES() external view returns (uint256);

    /// @notice The request binding enters a proof as this many 16-bit limbs (128 bits).
    function BINDING_LIMBS() external view returns (uint256);

    /// @notice The most chunks a template may have (bounds the proofs one {fulfil} verifies).
    function MAX_CHUNKS() external view returns (uint8);

    /// @notice The value chunk `chunk`'s proof for `requestId` must carry: the low 128 bits of
    /// `keccak256(abi.encode(chainid, market, datasetId, requestId, chunk))`. A proof carries it as a public output
    /// of the circuit, so it verifies for this chunk of this request of this dataset on this market and chain only;
    /// zero if the request does not exist.
    function requestBinding(uint256 requestId, uint256 chunk) external view returns (uint256);

    /// @notice The chunk proofs {fulfil} takes for `requestId`: ceil(rows / chunkRows); zero if it does not exist.
    function requestChunks(uint256 requestId) external view returns (uint256);

    /// @notice Template `templateId` (all zero if it does not exist).
    function getTemplate(uint256 templateId) external view returns (Template memory);

    /// @notice Dataset `datasetId` (all zero if it does not exist).
    function getDataset(uint256 datasetId) external view returns (Dataset memory);

    /// @notice Request `requestId` (all zero if it does not exist).
    function getRequest(uint256 requestId) external view returns (Request memory);

    /// @notice The receipt of fulfilled request `requestId` (all zero otherwise).
    function getReceipt(uint256 requestId) external view returns (Receipt memory);

    /// @notice Templates, datasets and requests created so far; ids run from 1.
    function counts() external view returns (uint256 templates, uint256 datasets, uint256 requests);
}
