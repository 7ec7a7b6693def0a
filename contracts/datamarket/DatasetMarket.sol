// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {IHalo2Verifier} from "../interfaces/IHalo2Verifier.sol";
import {PricingCurve} from "../marketplace/libraries/PricingCurve.sol";
import {CurveType} from "../marketplace/types/CurveType.sol";
import {Skimmable} from "../payments/Skimmable.sol";
import {IRequestEscrow} from "../payments/interfaces/IRequestEscrow.sol";
import {IDatasetMarket} from "./interfaces/IDatasetMarket.sol";

/// @title DatasetMarket
/// @notice Escrowed sales of decision trees trained on private datasets, paid only against a proof that the tree
/// meets the customer's accuracy on the customer's test set. See {IDatasetMarket} and docs/datamarket.md.
/// @dev The money rules are the model marketplace's, and so is the ledger that keeps them ({PullPayments}, inherited through {Skimmable}): every
/// function that moves ETH is `nonReentrant` and finishes its state changes first; ETH handed back on the market's
/// own initiative (excess payment, refunds) is pushed with {PUSH_GAS_LIMIT} gas and credited to the receiver if
/// that fails; everything else is pulled by its owner to a recipient of its choice. Prices come from the same
/// curve libraries ({PricingCurve}).
contract DatasetMarket is IDatasetMarket, Skimmable {
    /// @inheritdoc IDatasetMarket
    uint32 public constant MIN_FULFILMENT_WINDOW = 5 minutes;

    /// @inheritdoc IDatasetMarket
    uint32 public constant MAX_FULFILMENT_WINDOW = 7 days;

    /// @dev The BN254 scalar field: every public instance of a Halo2 proof is below it.
    uint256 private constant _FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @inheritdoc IDatasetMarket
    uint256 public constant BINDING_LIMBS = 8;

    /// @inheritdoc IDatasetMarket
    uint256 public constant TREE_INSTANCES = _BIND + BINDING_LIMBS;

    /// @dev Instance layout of every tree proof (proofs/trees/prove.py). Instance 2, the Poseidon hash of the
    /// binding limbs (a hashed input), is not checked: the limbs themselves are public outputs, checked one by one.
    uint256 private constant _X_HASH = 0;
    uint256 private constant _Y_HASH = 1;
    uint256 private constant _MODEL = 3;
    uint256 private constant _COUNT = 4;
    uint256 private constant _ROWS = 5;
    uint256 private constant _BIND = 6;

    /// @dev The rows and binding outputs are at the circuit's input scale: the schema's 1/16 grid.
    uint256 private constant _INPUT_SCALE = 4;
    uint256 private constant _LIMB_BITS = 16;
    uint256 private constant _LIMB_MASK = (1 << _LIMB_BITS) - 1;
    uint256 private constant _BINDING_MASK = (1 << (_LIMB_BITS * BINDING_LIMBS)) - 1;

    uint256 private _templateCount;
    uint256 private _datasetCount;
    uint256 private _requestCount;

    uint256 private _totalEscrowed;

    mapping(uint256 templateId => Template) private _templates;
    mapping(uint256 datasetId => Dataset) private _datasets;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 requestId => Receipt) private _receipts;

    /// @param initialOwner Registers templates and skims surplus (two-step transferable).
    constructor(address initialOwner) Ownable(initialOwner) {}

    // --------------------------------------------------------------------------------------------------- owner

    /// @inheritdoc IDatasetMarket
    function registerTemplate(
        address verifier,
        uint32 rows,
        uint32 features,
        uint8 depth,
        uint8 classes,
        uint8 outputScale
    ) external onlyOwner returns (uint256 templateId) {
        if (verifier.code.length == 0) revert InvalidVerifier(verifier);
        if (rows == 0 || features == 0 || depth == 0 || classes < 2) {
            revert InvalidShape(rows, features, depth, classes);
        }
        templateId = ++_templateCount;
        _templates[templateId] = Template({
            verifier: verifier, rows: rows, features: features, depth: depth, classes: classes, outputScale: outputScale
        });
        emit TemplateRegistered(templateId, verifier, rows, features, depth, classes, outputScale);
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
        if (payout == address(0)) revert InvalidPayout();
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
        if (payout == address(0)) revert InvalidPayout();
        dataset.payout = payout;
        emit PayoutUpdated(datasetId, payout);
    }

    /// @inheritdoc IDatasetMarket
    function fulfil(uint256 requestId, bytes calldata proof, uint256[] calldata instances) external nonReentrant {
        Request storage req = _requests[requestId];
        if (req.status != RequestStatus.Pending) revert RequestNotPending(requestId, req.status);
        uint256 datasetId = req.datasetId;
        Dataset storage dataset = _vendorDataset(datasetId);
        if (block.timestamp > req.deadline) revert RequestExpired(requestId, req.deadline);
        Template storage template = _templates[dataset.templateId];
        uint32 correct = _checkInstances(requestId, req, template, instances);
        _checkBinding(requestId, datasetId, instances);
        // The verifier is a generated contract registered by the owner: a static call that can change nothing.
        try IHalo2Verifier(template.verifier).verifyProof(proof, instances) returns (bool valid) {
            if (!valid) revert InvalidProof(requestId);
        } catch {
            revert InvalidProof(requestId);
        }

        req.status = RequestStatus.Fulfilled;
        _receipts[requestId] = Receipt({
            datasetId: uint64(datasetId),
            blockNumber: uint64(block.number),
            correct: correct,
            rows: req.rows,
            customer: req.customer,
            modelCommitment: instances[_MODEL],
            testSetHash: req.testSetHash
        });
        uint256 price = req.price;
        address payout = dataset.payout;
        _totalEscrowed -= price;
        _creditEarnings(payout, price);
        ++dataset.sales;
        emit ReceiptIssued(requestId, datasetId, req.customer, instances[_MODEL], correct, payout, price);
    }

    // ----------------------------------------------------------------------------------------------- customers

    /// @inheritdoc IDatasetMarket
    function request(
        uint256 datasetId,
        uint256 testSetHash,
        uint256 labelHash,
        uint32 rows,
        uint32 minCorrect,
        uint64 deadline,
        uint256 maxPrice
    ) external payable nonReentrant returns (uint256 requestId) {
        Dataset storage dataset = _datasets[datasetId];
        if (dataset.vendor == address(0)) revert DatasetNotFound(datasetId);
        _checkHash(testSetHash);
        _checkHash(labelHash);
        uint32 capacity = _templates[dataset.templateId].rows;
        if (rows == 0 || rows > capacity) revert InvalidRowCount(rows, capacity);
        if (minCorrect == 0 || minCorrect > rows) revert InvalidThreshold(minCorrect, rows);
        _checkDeadline(deadline);
        uint128 price = dataset.spotPrice;
        if (price > maxPrice) revert PriceAboveMax(price, maxPrice);
        if (msg.value < price) revert InsufficientPayment(msg.value, price);

        requestId = ++_requestCount;
        _requests[requestId] = Request({
            customer: msg.sender,
            deadline: deadline,
            status: RequestStatus.Pending,
            datasetId: uint64(datasetId),
            minCorrect: minCorrect,
            rows: rows,
            price: price,
            testSetHash: testSetHash,
            labelHash: labelHash
        });
        _totalEscrowed += price;
        // The curve moves at request time: k concurrent requests pay what k sequential ones would. A refund
        // keeps the step (as in the model marketplace).
        uint128 nextSpotPrice = PricingCurve.next(dataset.curveType, price, dataset.delta);
        dataset.spotPrice = nextSpotPrice;
        emit ModelRequested(
            requestId, datasetId, msg.sender, testSetHash, labelHash, rows, minCorrect, price, deadline, nextSpotPrice
        );
        uint256 excess = msg.value - price; // cannot underflow: checked msg.value >= price
        if (excess != 0) _pushOrCredit(msg.sender, excess);
    }

    /// @inheritdoc IDatasetMarket
    function refund(uint256 requestId) external nonReentrant {
        Request storage req = _requests[requestId];
        if (req.status != RequestStatus.Pending) revert RequestNotPending(requestId, req.status);
        if (block.timestamp <= req.deadline) revert RequestNotExpired(requestId, req.deadline);
        req.status = RequestStatus.Refunded;
        uint256 amount = req.price;
        address customer = req.customer;
        _totalEscrowed -= amount;
        emit Refunded(requestId, customer, amount);
        if (amount != 0) _pushOrCredit(customer, amount);
    }

    // --------------------------------------------------------------------------------------------------- views

    /// @inheritdoc IDatasetMarket
    function requestBinding(uint256 requestId) public view returns (uint256) {
        uint256 datasetId = _requests[requestId].datasetId;
        return datasetId == 0 ? 0 : _binding(datasetId, requestId);
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
    function getReceipt(uint256 requestId) external view returns (Receipt memory) {
        return _receipts[requestId];
    }

    /// @inheritdoc IDatasetMarket
    function counts() external view returns (uint256 templates, uint256 datasets, uint256 requests) {
        return (_templateCount, _datasetCount, _requestCount);
    }

    /// @inheritdoc IRequestEscrow
    function totalEscrowed() external view returns (uint256) {
        return _totalEscrowed;
    }

    // ------------------------------------------------------------------------------------------------ internal

    /// @dev Escrowed requests and the ledger's credits: the invariant's terms but the surplus.
    function _owed() internal view override returns (uint256) {
        return _totalEscrowed + _totalCredited();
    }

    // ------------------------------------------------------------------------------------------------ private

    /// @dev The dataset, if the caller is its vendor.
    function _vendorDataset(uint256 datasetId) private view returns (Dataset storage dataset) {
        dataset = _datasets[datasetId];
        if (dataset.vendor == address(0)) revert DatasetNotFound(datasetId);
        if (dataset.vendor != msg.sender) revert NotVendor(datasetId, msg.sender);
    }

    /// @dev {fulfil}'s instance checks; returns the proven count of correct rows.
    function _checkInstances(
        uint256 requestId,
        Request storage req,
        Template storage template,
        uint256[] calldata instances
    ) private view returns (uint32 correct) {
        if (instances.length != TREE_INSTANCES) {
            revert InvalidInstanceCount(instances.length);
        }
        if (instances[_X_HASH] != req.testSetHash) {
            revert TestSetMismatch(requestId, req.testSetHash, instances[_X_HASH]);
        }
        if (instances[_Y_HASH] != req.labelHash) revert LabelsMismatch(requestId, req.labelHash, instances[_Y_HASH]);
        uint256 count = instances[_COUNT];
        uint32 rows = req.rows;
        if (instances[_ROWS] != uint256(rows) << _INPUT_SCALE) revert RowsMismatch(requestId, rows, instances[_ROWS]);
        uint256 right = count >> template.outputScale;
        if (right << template.outputScale != count || right > rows) revert InvalidCount(requestId, count, rows);
        correct = uint32(right); // <= rows, a uint32
        if (correct < req.minCorrect) revert CountBelowThreshold(requestId, correct, req.minCorrect);
    }

    /// @dev The proof's binding limbs are {requestBinding}'s: a proof made for another request, dataset, market or
    /// chain cannot be replayed here (the verifier rejects a proof whose limbs were rewritten: they are outputs).
    function _checkBinding(uint256 requestId, uint256 datasetId, uint256[] calldata instances) private view {
        uint256 binding = _binding(datasetId, requestId);
        for (uint256 i = 0; i < BINDING_LIMBS; ++i) {
            uint256 expected = ((binding >> (_LIMB_BITS * i)) & _LIMB_MASK) << _INPUT_SCALE;
            if (instances[_BIND + i] != expected) revert BindingMismatch(requestId, i, expected, instances[_BIND + i]);
        }
    }

    /// @dev The low 128 bits of keccak256(chain id, this market, dataset, request). Replaying a given proof
    /// elsewhere needs a request whose binding equals that proof's: a 128-bit second preimage.
    function _binding(uint256 datasetId, uint256 requestId) private view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), datasetId, requestId))) & _BINDING_MASK;
    }

    function _checkDeadline(uint64 deadline) private view {
        uint256 earliest = block.timestamp + MIN_FULFILMENT_WINDOW;
        if (deadline < earliest) revert DeadlineTooSoon(deadline, earliest);
        uint256 latest = block.timestamp + MAX_FULFILMENT_WINDOW;
        if (deadline > latest) revert DeadlineTooLate(deadline, latest);
    }

    function _checkHash(uint256 hash) private pure {
        if (hash == 0 || hash >= _FIELD_MODULUS) revert InvalidHash(hash);
    }

    function _checkCurve(CurveType curveType, uint128 spotPrice, uint128 delta) private pure {
        if (!PricingCurve.isValid(curveType, spotPrice, delta)) revert InvalidCurve(curveType, spotPrice, delta);
    }
}
