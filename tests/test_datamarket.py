"""DatasetMarket on anvil with a stub verifier: every money flow and every rejection, state snapshotted.

The stub accepts exactly `abi.encode(tag, instances)`, so a "proof" is bound to its template and instances like a
real one. tests/test_datamarket_proofs.py runs the same market with the real tree verifier and real ezkl proofs.
"""

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak

from proofs.encoding import FIELD_MODULUS

LINEAR, EXPONENTIAL = 0, 1
NONE, PENDING, FULFILLED, REFUNDED = 0, 1, 2, 3
ROWS, FEATURES, DEPTH, CLASSES, SCALE = 48, 4, 3, 3, 12
SPOT = 10**12  # a new dataset starts "egregiously low"
WAD = 10**18
X_HASH, Y_HASH, BIND_HASH, MODEL = 0x1234, 0x5678, 0xDEF0, 0x9ABC
TAG = 7
N = 46  # the request's real rows: two of the template's 48 are padding
LIMBS, LIMB_BITS, INPUT_SCALE = 8, 16, 4


def stub_proof(instances, tag=TAG) -> bytes:
    return encode(["uint256", "uint256[]"], [tag, instances])


def binding(chain_id: int, market: str, dataset_id: int, request_id: int) -> int:
    """The request binding as docs/datamarket.md defines it, computed here independently of the contract."""
    packed = encode(["uint256", "address", "uint256", "uint256"], [chain_id, market, dataset_id, request_id])
    return int.from_bytes(keccak(packed), "big") & (2 ** (LIMB_BITS * LIMBS) - 1)


def limbs(value: int) -> list[int]:
    return [((value >> (LIMB_BITS * i)) & 0xFFFF) << INPUT_SCALE for i in range(LIMBS)]


def instances(market, correct=45, x=X_HASH, y=Y_HASH, model=MODEL, rows=N, request_id=1, bind=None, scale=SCALE):
    bind = market.requestBinding(request_id) if bind is None else bind
    return [x, y, BIND_HASH, model, correct << scale, rows << INPUT_SCALE, *limbs(bind)]


@pytest.fixture
def market(project, deployer):
    return project.DatasetMarket.deploy(deployer, sender=deployer)


@pytest.fixture
def template_id(project, market, deployer):
    verifier = project.StubVerifier.deploy(TAG, sender=deployer)
    market.registerTemplate(verifier, ROWS, FEATURES, DEPTH, CLASSES, SCALE, sender=deployer)
    return 1


@pytest.fixture
def dataset_id(market, template_id, vendor):
    market.listDataset(template_id, b"\x11" * 32, vendor, EXPONENTIAL, SPOT, 2 * WAD, sender=vendor)
    return 1


@pytest.fixture
def deadline(chain):
    return chain.pending_timestamp + 3600


@pytest.fixture
def requested(market, dataset_id, user, deadline):
    market.request(dataset_id, X_HASH, Y_HASH, N, 40, deadline, SPOT, value=SPOT, sender=user)
    return 1


def snapshot(market, accounts, sender, ids=(1, 2)):
    """Everything a rejected call must leave unchanged: ETH of everyone but the sender (who pays gas), the books."""
    return {
        "eth": [a.balance for a in accounts if a != sender] + [market.balance],
        "totals": (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings()),
        "credits": [(market.refundableOf(a), market.earningsOf(a)) for a in accounts],
        "counts": tuple(market.counts()),
        "templates": [tuple(market.getTemplate(i)) for i in ids],
        "datasets": [tuple(market.getDataset(i)) for i in ids],
        "requests": [tuple(market.getRequest(i)) for i in ids],
        "receipts": [tuple(market.getReceipt(i)) for i in ids],
    }


def assert_books_balance(market):
    assert market.balance == market.totalEscrowed() + market.totalRefundable() + market.totalEarnings()
    assert market.surplus() == 0


# ------------------------------------------------------------------------------------------------ templates
def test_register_template_records_the_shape_if_called_by_the_owner(project, market, deployer):
    verifier = project.StubVerifier.deploy(TAG, sender=deployer)
    tx = market.registerTemplate(verifier, ROWS, FEATURES, DEPTH, CLASSES, SCALE, sender=deployer)
    [log] = tx.decode_logs(market.TemplateRegistered)
    assert (log.templateId, log.verifier, log.rows, log.outputScale) == (1, verifier.address, ROWS, SCALE)
    assert tuple(market.getTemplate(1)) == (verifier.address, ROWS, FEATURES, DEPTH, CLASSES, SCALE)


def test_register_template_reverts_if_caller_is_not_the_owner(project, market, deployer, stranger, accounts):
    verifier = project.StubVerifier.deploy(TAG, sender=deployer)
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.registerTemplate(verifier, ROWS, FEATURES, DEPTH, CLASSES, SCALE, sender=stranger)
    assert snapshot(market, accounts[:5], stranger) == before


def test_register_template_reverts_if_verifier_has_no_code(market, deployer, stranger, accounts):
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.InvalidVerifier, verifier=stranger.address):
        market.registerTemplate(stranger, ROWS, FEATURES, DEPTH, CLASSES, SCALE, sender=deployer)
    assert snapshot(market, accounts[:5], deployer) == before


@pytest.mark.parametrize("shape", [(0, 4, 3, 3), (48, 0, 3, 3), (48, 4, 0, 3), (48, 4, 3, 1)])
def test_register_template_reverts_if_the_shape_is_empty(project, market, deployer, accounts, shape):
    verifier = project.StubVerifier.deploy(TAG, sender=deployer)
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.InvalidShape, rows=shape[0], features=shape[1], depth=shape[2], classes=shape[3]):
        market.registerTemplate(verifier, *shape, SCALE, sender=deployer)
    assert snapshot(market, accounts[:5], deployer) == before


# ------------------------------------------------------------------------------------------------ listing
def test_list_dataset_records_the_vendor_and_its_curve(market, template_id, vendor):
    tx = market.listDataset(template_id, b"\x22" * 32, vendor, LINEAR, SPOT, 10**11, sender=vendor)
    [log] = tx.decode_logs(market.DatasetListed)
    assert (log.datasetId, log.vendor, log.templateId, log.spotPrice) == (1, vendor.address, template_id, SPOT)
    dataset = market.getDataset(1)
    assert (dataset.vendor, dataset.templateId, dataset.payout, dataset.sales) == (vendor, 1, vendor, 0)
    assert dataset.dataCommitment == b"\x22" * 32


def test_list_dataset_reverts_if_the_template_does_not_exist(market, template_id, vendor, accounts):
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.TemplateNotFound, templateId=2):
        market.listDataset(2, b"\x22" * 32, vendor, LINEAR, SPOT, 0, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_list_dataset_reverts_if_payout_is_zero(market, template_id, vendor, accounts):
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.InvalidPayout):
        market.listDataset(template_id, b"\x22" * 32, "0x" + "00" * 20, LINEAR, SPOT, 0, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_list_dataset_reverts_if_the_curve_is_invalid(market, template_id, vendor, accounts):
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.InvalidCurve, curveType=EXPONENTIAL, spotPrice=SPOT, delta=WAD - 1):
        market.listDataset(template_id, b"\x22" * 32, vendor, EXPONENTIAL, SPOT, WAD - 1, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_set_curve_reverts_if_caller_is_not_the_vendor(market, dataset_id, stranger, accounts):
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.NotVendor, datasetId=dataset_id, account=stranger.address):
        market.setCurve(dataset_id, LINEAR, 1, 1, sender=stranger)
    assert snapshot(market, accounts[:5], stranger) == before


def test_set_curve_and_payout_change_the_listing_if_called_by_the_vendor(market, dataset_id, vendor, stranger):
    market.setCurve(dataset_id, LINEAR, 5, 6, sender=vendor)
    market.setPayout(dataset_id, stranger, sender=vendor)
    dataset = market.getDataset(dataset_id)
    assert (dataset.curveType, dataset.spotPrice, dataset.delta, dataset.payout) == (LINEAR, 5, 6, stranger)


# ------------------------------------------------------------------------------------------------ requests
def test_request_escrows_the_price_and_returns_the_excess(market, dataset_id, user, deadline):
    before = user.balance
    tx = market.request(dataset_id, X_HASH, Y_HASH, N, 40, deadline, SPOT * 3, value=SPOT * 3, sender=user)
    [log] = tx.decode_logs(market.ModelRequested)
    assert (log.requestId, log.price, log.minCorrect, log.rows, log.testSetHash) == (1, SPOT, 40, N, X_HASH)
    assert log.nextSpotPrice == 2 * SPOT
    assert user.balance == before - SPOT - tx.total_fees_paid
    assert market.totalEscrowed() == SPOT
    request = market.getRequest(1)
    assert (request.customer, request.status, request.price, request.labelHash) == (user, PENDING, SPOT, Y_HASH)
    assert request.rows == N
    assert market.getDataset(dataset_id).spotPrice == 2 * SPOT
    assert_books_balance(market)


def test_request_accepts_any_row_count_up_to_the_template_capacity(market, dataset_id, user, deadline):
    for rows in (1, ROWS):
        market.request(dataset_id, X_HASH, Y_HASH, rows, 1, deadline, 10 * SPOT, value=10 * SPOT, sender=user)
    assert [market.getRequest(i).rows for i in (1, 2)] == [1, ROWS]


def test_request_prices_concurrent_requests_like_sequential_ones_if_none_is_fulfilled_yet(
    market, template_id, vendor, user, deadline
):
    market.listDataset(template_id, b"\x11" * 32, vendor, LINEAR, WAD, WAD, sender=vendor)
    paid = []
    for _ in range(3):
        tx = market.request(1, X_HASH, Y_HASH, N, 40, deadline, 10 * WAD, value=10 * WAD, sender=user)
        paid.append(next(iter(tx.decode_logs(market.ModelRequested))).price)
    assert paid == [WAD, 2 * WAD, 3 * WAD]
    assert market.getDataset(1).spotPrice == 4 * WAD
    assert market.totalEscrowed() == 6 * WAD
    assert_books_balance(market)


def test_request_binding_is_the_keccak_of_chain_market_dataset_and_request(market, requested, chain):
    assert market.requestBinding(requested) == binding(chain.chain_id, market.address, 1, requested)
    assert market.requestBinding(requested) != 0
    assert market.requestBinding(requested + 1) == 0


@pytest.mark.parametrize(
    ("dataset", "x", "y", "n", "k", "error", "args"),
    [
        (2, X_HASH, Y_HASH, N, 40, "DatasetNotFound", {"datasetId": 2}),
        (1, 0, Y_HASH, N, 40, "InvalidHash", {"hash": 0}),
        (1, X_HASH, FIELD_MODULUS, N, 40, "InvalidHash", {"hash": FIELD_MODULUS}),
        (1, X_HASH, Y_HASH, N, N + 1, "InvalidThreshold", {"minCorrect": N + 1, "rows": N}),
        (1, X_HASH, Y_HASH, N, 0, "InvalidThreshold", {"minCorrect": 0, "rows": N}),
        (1, X_HASH, Y_HASH, 0, 1, "InvalidRowCount", {"rows": 0, "capacity": ROWS}),
        (1, X_HASH, Y_HASH, ROWS + 1, 40, "InvalidRowCount", {"rows": ROWS + 1, "capacity": ROWS}),
    ],
)
def test_request_reverts_if_an_input_can_never_be_proven(
    market, dataset_id, user, deadline, accounts, dataset, x, y, n, k, error, args
):
    before = snapshot(market, accounts[:5], user)
    with ape.reverts(getattr(market, error), **args):
        market.request(dataset, x, y, n, k, deadline, SPOT, value=SPOT, sender=user)
    assert snapshot(market, accounts[:5], user) == before


def test_request_reverts_if_the_deadline_is_too_soon_or_too_late(market, dataset_id, user, chain, accounts):
    before = snapshot(market, accounts[:5], user)
    with ape.reverts(market.DeadlineTooSoon):
        market.request(dataset_id, X_HASH, Y_HASH, N, 40, chain.pending_timestamp + 10, SPOT, value=SPOT, sender=user)
    with ape.reverts(market.DeadlineTooLate):
        late = chain.pending_timestamp + 8 * 86400
        market.request(dataset_id, X_HASH, Y_HASH, N, 40, late, SPOT, value=SPOT, sender=user)
    assert snapshot(market, accounts[:5], user) == before


def test_request_reverts_if_the_price_is_above_max_or_underpaid(market, dataset_id, user, deadline, accounts):
    before = snapshot(market, accounts[:5], user)
    with ape.reverts(market.PriceAboveMax, price=SPOT, maxPrice=SPOT - 1):
        market.request(dataset_id, X_HASH, Y_HASH, N, 40, deadline, SPOT - 1, value=SPOT, sender=user)
    with ape.reverts(market.InsufficientPayment, paid=SPOT - 1, price=SPOT):
        market.request(dataset_id, X_HASH, Y_HASH, N, 40, deadline, SPOT, value=SPOT - 1, sender=user)
    assert snapshot(market, accounts[:5], user) == before


# ------------------------------------------------------------------------------------------------ fulfil
def test_fulfil_stores_the_receipt_and_pays_the_vendor_if_the_proof_meets_the_request(market, requested, vendor, user):
    inst = instances(market, correct=45)
    tx = market.fulfil(requested, stub_proof(inst), inst, sender=vendor)
    [log] = tx.decode_logs(market.ReceiptIssued)
    assert (log.requestId, log.customer, log.modelCommitment, log.correct) == (1, user.address, MODEL, 45)
    receipt = market.getReceipt(requested)
    assert (receipt.datasetId, receipt.customer, receipt.correct, receipt.testSetHash) == (1, user, 45, X_HASH)
    assert receipt.rows == N
    assert (receipt.modelCommitment, receipt.blockNumber) == (MODEL, tx.block_number)
    assert market.getRequest(requested).status == FULFILLED
    assert (market.earningsOf(vendor), market.totalEscrowed()) == (SPOT, 0)
    dataset = market.getDataset(1)
    assert (dataset.sales, dataset.spotPrice) == (1, 2 * SPOT)
    assert_books_balance(market)


def test_withdraw_earnings_sends_the_vendor_its_credit(market, requested, vendor, stranger):
    inst = instances(market)
    market.fulfil(requested, stub_proof(inst), inst, sender=vendor)
    before = stranger.balance
    market.withdrawEarnings(stranger, sender=vendor)
    assert stranger.balance == before + SPOT
    assert (market.earningsOf(vendor), market.totalEarnings(), market.balance) == (0, 0, 0)


def _off_grid_count(inst):
    inst[4] += 1
    return inst


@pytest.mark.parametrize(
    ("make", "error", "args"),
    [
        (lambda m: instances(m, x=X_HASH + 1), "TestSetMismatch", {"expected": X_HASH, "proven": X_HASH + 1}),
        (lambda m: instances(m, y=Y_HASH + 1), "LabelsMismatch", {"expected": Y_HASH, "proven": Y_HASH + 1}),
        (lambda m: instances(m, correct=39), "CountBelowThreshold", {"correct": 39, "minCorrect": 40}),
        (lambda m: instances(m, correct=N + 1), "InvalidCount", {"instance": (N + 1) << SCALE, "rows": N}),
        (lambda m: _off_grid_count(instances(m)), "InvalidCount", {"instance": (45 << SCALE) + 1}),
        (lambda m: instances(m, rows=ROWS), "RowsMismatch", {"rows": N, "instance": ROWS << INPUT_SCALE}),
        (lambda m: instances(m)[:6], "InvalidInstanceCount", {"count": 6}),
        (lambda m: instances(m, request_id=2, bind=1), "BindingMismatch", {"limb": 0, "proven": 1 << INPUT_SCALE}),
    ],
)
def test_fulfil_reverts_if_the_instances_do_not_meet_the_request(
    market, requested, vendor, accounts, make, error, args
):
    inst = make(market)
    if "requestId" not in args and error != "InvalidInstanceCount":
        args = {"requestId": 1, **args}
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(getattr(market, error), **args):
        market.fulfil(requested, stub_proof(inst), inst, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_fulfil_reverts_if_the_proof_is_for_another_template(market, requested, vendor, accounts):
    inst = instances(market)
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.InvalidProof, requestId=requested):
        market.fulfil(requested, stub_proof(inst, tag=TAG + 1), inst, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_fulfil_reverts_if_caller_is_not_the_vendor(market, requested, stranger, accounts):
    inst = instances(market)
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.NotVendor, datasetId=1, account=stranger.address):
        market.fulfil(requested, stub_proof(inst), inst, sender=stranger)
    assert snapshot(market, accounts[:5], stranger) == before


def test_fulfil_reverts_if_the_request_expired(market, requested, vendor, chain, accounts):
    deadline = market.getRequest(requested).deadline
    chain.pending_timestamp = deadline + 1
    inst = instances(market)
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.RequestExpired, requestId=requested, deadline=deadline):
        market.fulfil(requested, stub_proof(inst), inst, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_fulfil_reverts_if_the_request_was_already_fulfilled(market, requested, vendor, accounts):
    inst = instances(market)
    market.fulfil(requested, stub_proof(inst), inst, sender=vendor)
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.RequestNotPending, requestId=requested, status=FULFILLED):
        market.fulfil(requested, stub_proof(inst), inst, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


# ------------------------------------------------------------------------------------------------ refunds
def test_refund_keeps_the_price_step_its_request_took(market, requested, user, stranger, chain):
    chain.pending_timestamp = market.getRequest(requested).deadline + 1
    before = user.balance
    market.refund(requested, sender=stranger)
    assert user.balance == before + SPOT
    assert market.getRequest(requested).status == REFUNDED
    assert market.getDataset(1).spotPrice == 2 * SPOT
    assert_books_balance(market)


def test_refund_reverts_if_the_deadline_has_not_passed(market, requested, stranger, accounts):
    deadline = market.getRequest(requested).deadline
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.RequestNotExpired, requestId=requested, deadline=deadline):
        market.refund(requested, sender=stranger)
    assert snapshot(market, accounts[:5], stranger) == before


# ------------------------------------------------------------------------------------------------ surplus
def test_skim_sends_only_the_forced_eth_to_the_recipient_if_the_owner_calls(
    market, requested, deployer, stranger, force_eth
):
    force_eth(market, 12_345)
    assert market.surplus() == 12_345
    totals = (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings())
    before = stranger.balance
    tx = market.skim(stranger, sender=deployer)
    [log] = tx.decode_logs(market.SurplusSkimmed)
    assert (log.to, log.amount) == (stranger.address, 12_345)
    assert stranger.balance == before + 12_345
    assert (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings()) == totals == (SPOT, 0, 0)
    assert_books_balance(market)


def test_skim_reverts_if_caller_is_not_the_owner(market, requested, stranger, accounts, force_eth):
    force_eth(market, 12_345)
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.skim(stranger, sender=stranger)
    assert snapshot(market, accounts[:5], stranger) == before
    assert market.surplus() == 12_345


def test_skim_reverts_if_recipient_is_zero(market, requested, deployer, accounts, force_eth):
    force_eth(market, 12_345)
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.InvalidRecipient):
        market.skim("0x" + "00" * 20, sender=deployer)
    assert snapshot(market, accounts[:5], deployer) == before
    assert market.surplus() == 12_345


def test_skim_reverts_if_no_eth_was_forced_in(market, requested, deployer, accounts):
    # The escrowed price is owed to the customer: it is never surplus.
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.NothingToWithdraw, account=deployer.address):
        market.skim(deployer, sender=deployer)
    assert snapshot(market, accounts[:5], deployer) == before
    assert_books_balance(market)


# ------------------------------------------------------------------------------------------------ ownership
def test_renounce_ownership_reverts_and_keeps_the_owner_if_owner_calls(market, requested, deployer, accounts):
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.OwnershipCannotBeRenounced):
        market.renounceOwnership(sender=deployer)
    assert market.owner() == deployer.address
    assert snapshot(market, accounts[:5], deployer) == before
