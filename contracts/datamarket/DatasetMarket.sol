// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {PricingCurve} from "../pricing/PricingCurve.sol";
import {CurveType} from "../pricing/CurveType.sol";
import {ListingTerms} from "../payments/ListingTerms.sol";
import {RequestEscrow} from "../payments/RequestEscrow.sol";
import {IDatasetMarket} from "./interfaces/IDatasetMarket.sol";
import {ChunkProofs} from "./libraries/ChunkProofs.sol";

/// @title DatasetMarket
/// @notice Escrowed sales of decision trees trained on private datasets, paid only against a proof that the tree
/// meets the customer's accuracy on the customer's test set. See {IDatasetMarket} and docs/datamarket.md.
/// @dev The money rules are the model marketplace's, and so is the ledger that keeps them ({PullPayments}, inherited through {RequestEscrow} and {Skimmable}): every
/// function that moves ETH is `nonReentrant` and finishes its state changes first; ETH handed back on the market's
/// own initiative (excess payment, refunds) is pushed with {PUSH_GAS_LIMIT} gas and credited to the receiver if
/// that fails; everything else is pulled by its owner to a recipient of its choice. Prices come from the same
/// curve libraries ({PricingCurve}), and a listing's payout and curve are checked as there ({ListingTerms}).
contract DatasetMarket is IDatasetMarket, RequestEscrow, ListingTerms {
    /// @inheritdoc IDatasetMarket
    uint32 public constant MIN_FULFILMENT_WINDOW = 5 minutes;

    /// @inheritdoc IDatasetMarket
    uint32 public constant MAX_FULFILMENT_WINDOW = 7 days;

    /// @inheritdoc IDatasetMarket
    uint256 public constant BINDING_LIMBS = ChunkProofs.BINDING_LIMBS;

    /// @inheritdoc IDatasetMarket
    uint256 public constant TREE_INSTANCES = ChunkProofs.INSTANCES;

    /// @inheritdoc IDatasetMarket
    uint8 public constant MAX_CHUNKS = 16;

    /// @dev What a fulfilment adds to its request: the rest of a {Receipt} (dataset, customer, rows, test set) is the
    /// request's and never changes after it, so it is not stored twice (two storage slots fewer per sale).
    struct Fulfilment {
        uint64 blockNumber;
        uint32 correct;
        uint256 modelCommitment;
    }

    uint256 private _templateCount;
    uint256 private _datasetCount;
    uint256 private _requestCount;

    mapping(uint256 templateId => Template) private _templates;
    mapping(uint256 datasetId => Dataset) private _datasets;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 requestId => Fulfilment) private _fulfilments;

    /// @param initialOwner Registers templates and skims surplus (two-step transferable).
    constructor(address initialOwner) Ownable(initialOwner) {}

    // --------------------------------------------------------------------------------------------------- owner

    /// @inheritdoc IDatasetMarket
    function registerTemplate(
        address verifier,
        uint32 chunkRows,
        uint8 chunks,
        uint32 features,
        uint8 depth,
        uint8 classes,
        uint8 outputScale
    ) external onlyOwner returns (uint256 templateId) {
        if (verifier.code.length == 0) revert InvalidVerifier(verifier);
        if (chunkRows == 0 || chunks == 0 || chunks > MAX_CHUNKS || features == 0 || depth == 0 || classes < 2) {
            revert InvalidShape(chunkRows, chunks, features, depth, classes);
        }
        templateId = ++_templateCount;
        _templates[templateId] = Template({
            verifier: verifier,
            chunkRows: chunkRows,
            chunks: chunks,
            features: features,
            depth: depth,
            classes: classes,
            outputScale: outputScale
        });
        emit TemplateRegistered(templateId, verifier, chunkRows, chunks, features, depth, classes, outputScale);
    }

    // ------------------------------------------------------------------------------------------------- vendors

    /// @inheritdoc IDatasetMarket
    function listDataset(
        uint256 templateId,
        bytes32 dataCommitment,
        address payout,
        CurveType curveType,
        uint128 spotPrice,
        uint128 delta
    ) external returns (uint256 datasetId) {
        if (_templates[templateId].verifier == address(0)) revert TemplateNotFound(templateId);
        _checkPayout(payout);
        _checkCurve(curveType, spotPrice, delta);
        datasetId = ++_datasetCount;
        _datasets[datasetId] = Dataset({
            vendor: msg.sender,
            templateId: uint64(templateId), // < _templateCount + 1, far below 2^64
            curveType: curveType,
            payout: payout,
            sales: 0,
            spotPrice: spotPrice,
            delta: delta,
            dataCommitment: dataCommitment
        });
        emit DatasetListed(datasetId, msg.sender, templateId, dataCommitment, payout, curveType, spotPrice, delta);
    }

    /// @inheritdoc IDatasetMarket
    function setCurve(uint256 datasetId, CurveType curveType, uint128 spotPrice, uint128 delta) external {
        Dataset storage dataset = _vendorDataset(datasetId);
        _checkCurve(curveType, spotPrice, delta);
        dataset.curveType = curveType;
        dataset.spotPrice = spotPrice;
        dataset.delta = delta;
        emit CurveUpdated(datasetId, curveType, spotPrice, delta);
    }

    /// @inheritdoc IDatasetMarket
    function setPayout(uint256 datasetId, address payout) external {
        Dataset storage dataset = _vendorDataset(datasetId);
        _checkPayout(payout);
        dataset.payout = payout;
        emit PayoutUpdated(datasetId, payout);
    }

    /// @inheritdoc IDatasetMarket
    function fulfil(uint256 requestId, bytes[] calldata proofs, uint256[][] calldata instances) external nonReentrant {
        Request storage req = _requests[requestId];
        _checkPending(requestId, req.status);
        uint256 datasetId = req.datasetId;
        Dataset storage dataset = _vendorDataset(datasetId);
        _checkNotExpired(requestId, req.deadline);
        Template storage template = _templates[dataset.templateId];
        uint256 chunks = ChunkProofs.chunksFor(req.rows, template.chunkRows);
        if (proofs.length != chunks || instances.length != chunks) {
            revert InvalidChunkCount(requestId, chunks, proofs.length, instances.length);
        }
        // Every cheap check on every chunk first, then the proofs: a bad chunk fails before any pairing is paid for.
        (uint32 correct, uint256 model) = ChunkProofs.check(requestId, datasetId, req, template, instances);
        ChunkProofs.verifyAll(requestId, template.verifier, proofs, instances);

        req.status = RequestStatus.Fulfilled;
        _fulfilments[requestId] =
            Fulfilment({blockNumber: uint64(block.number), correct: correct, modelCommitment: model});
        uint256 price = req.price;
        address payout = dataset.payout;
        _release(price);
        _creditEarnings(payout, price);
        ++dataset.sales;
        emit ReceiptIssued(requestId, datasetId, req.customer, model, correct, chunks, payout, price);
    }

    // ----------------------------------------------------------------------------------------------- customers

    /// @inheritdoc IDatasetMarket
    function request(
        uint256 datasetId,
        bytes32 testSetCommitment,
        uint32 rows,
        uint32 minCorrect,
        uint64 deadline,
        uint256 maxPrice
    ) external payable nonReentrant returns (uint256 requestId) {
        Dataset storage dataset = _datasets[datasetId];
        if (dataset.vendor == address(0)) revert DatasetNotFound(datasetId);
        if (testSetCommitment == bytes32(0)) revert InvalidCommitment(testSetCommitment);
        Template storage template = _templates[dataset.templateId];
        uint256 capacity = uint256(template.chunkRows) * template.chunks;
        if (rows == 0 || rows > capacity) revert InvalidRowCount(rows, capacity);
        if (minCorrect == 0 || minCorrect > rows) revert InvalidThreshold(minCorrect, rows);
        _checkDeadline(deadline);
        uint128 price = dataset.spotPrice;
        _checkPayment(price, maxPrice);

        requestId = ++_requestCount;
        _requests[requestId] = Request({
            customer: msg.sender,
            deadline: deadline,
            status: RequestStatus.Pending,
            datasetId: uint64(datasetId),
            minCorrect: minCorrect,
            rows: rows,
            price: price,
            testSetCommitment: testSetCommitment
        });
        _hold(price);
        // The curve moves at request time: k concurrent requests pay what k sequential ones would. A refund
        // keeps the step (as in the model marketplace).
        uint128 nextSpotPrice = PricingCurve.next(dataset.curveType, price, dataset.delta);
        dataset.spotPrice = nextSpotPrice;
        emit ModelRequested(
            requestId, datasetId, msg.sender, testSetCommitment, rows, minCorrect, price, deadline, nextSpotPrice
        );
        uint256 excess = msg.value - price; // cannot underflow: checked msg.value >= price
        if (excess != 0) _pushOrCredit(msg.sender, excess);
    }

    /// @inheritdoc IDatasetMarket
    function refund(uint256 requestId) external nonReentrant {
        Request storage req = _requests[requestId];
        _checkRefundable(requestId, req.status, req.deadline);
        req.status = RequestStatus.Refunded;
        uint256 amount = req.price;
        address customer = req.customer;
        _release(amount);
        emit Refunded(requestId, customer, amount);
        if (amount != 0) _pushOrCredit(customer, amount);
    }

    // --------------------------------------------------------------------------------------------------- views

    /// @inheritdoc IDatasetMarket
    function requestBinding(uint256 requestId, uint256 chunk) external view returns (uint256) {
        uint256 datasetId = _requests[requestId].datasetId;
        return datasetId == 0 ? 0 : ChunkProofs.binding(datasetId, requestId, chunk);
    }

    /// @inheritdoc IDatasetMarket
    function requestChunks(uint256 requestId) external view returns (uint256) {
        Request storage req = _requests[requestId];
        if (req.datasetId == 0) return 0;
        return ChunkProofs.chunksFor(req.rows, _templates[_datasets[req.datasetId].templateId].chunkRows);
    }

    /// @inheritdoc IDatasetMarket
    function getTemplate(uint256 templateId) external view returns (Template memory) {
        return _templates[templateId];
    }

    /// @inheritdoc IDatasetMarket
    function getDataset(uint256 datasetId) external view returns (Dataset memory) {
        return _datasets[datasetId];
    }

    /// @inheritdoc IDatasetMarket
    function getRequest(uint256 requestId) external view returns (Request memory) {
        return _requests[requestId];
    }

    /// @inheritdoc IDatasetMarket
    function getReceipt(uint256 requestId) external view returns (Receipt memory receipt) {
        Fulfilment storage fulfilment = _fulfilments[requestId];
        if (fulfilment.blockNumber == 0) return receipt; // all zero: not fulfilled
        Request storage req = _requests[requestId];
        return Receipt({
            datasetId: req.datasetId,
            blockNumber: fulfilment.blockNumber,
            correct: fulfilment.correct,
            rows: req.rows,
            customer: req.customer,
            modelCommitment: fulfilment.modelCommitment,
            testSetCommitment: req.testSetCommitment
        });
    }

    /// @inheritdoc IDatasetMarket
    function counts() external view returns (uint256 templates, uint256 datasets, uint256 requests) {
        return (_templateCount, _datasetCount, _requestCount);
    }

    // ------------------------------------------------------------------------------------------------ private

    /// @dev The dataset, if the caller is its vendor.
    function _vendorDataset(uint256 datasetId) private view returns (Dataset storage dataset) {
        dataset = _datasets[datasetId];
        if (dataset.vendor == address(0)) revert DatasetNotFound(datasetId);
        if (dataset.vendor != msg.sender) revert NotVendor(datasetId, msg.sender);
    }

    function _checkDeadline(uint64 deadline) private view {
        uint256 earliest = block.timestamp + MIN_FULFILMENT_WINDOW;
        if (deadline < earliest) revert DeadlineTooSoon(deadline, earliest);
        uint256 latest = block.timestamp + MAX_FULFILMENT_WINDOW;
        if (deadline > latest) revert DeadlineTooLate(deadline, latest);
    }
}
