"""DatasetMarket on anvil with a stub verifier: a request's life, state snapshotted. The customer's request escrows
the curve's price; the vendor's fulfilment proves every chunk and stores one receipt; an unfulfilled request is
refunded after its deadline; every rejection leaves everything unchanged. (The catalogue: test_datamarket_listing.py;
the owner: test_datamarket_owner.py; the numbers and helpers: tests/support/datamarket.py.)

The stub accepts exactly `abi.encode(tag, instances)`, so a "proof" is bound to its template and instances like a
real one. The template proves chunks of 24 rows, two per test set (capacity 48); the request's 46 rows are two
chunks (24 + 22), fulfilled with two proofs at once. test_datamarket_proofs.py runs the same market with the real
tree verifier and real ezkl proofs.
"""

import ape
import pytest
from web3.exceptions import ContractLogicError

from support.datamarket import (
    CAPACITY,
    CHUNK_ROWS,
    CHUNKS,
    CLASSES,
    COMMIT,
    DEPTH,
    EXPONENTIAL,
    FEATURES,
    FULFILLED,
    HASHES,
    INPUT_SCALE,
    LINEAR,
    MODEL,
    PENDING,
    REFUNDED,
    SCALE,
    SPOT,
    TAG,
    WAD,
    N,
    assert_books_balance,
    binding,
    chunk,
    commitment,
    fulfil,
    instances,
    snapshot,
    stub_proof,
)
from support.helpers import MODES
from support.reverts import custom_error
from zkaigc.reverts import call_params, revert_data


# ------------------------------------------------------------------------------------------------ requests
def test_request_escrows_the_price_and_returns_the_excess(market, dataset_id, user, deadline):
    before = user.balance
    tx = market.request(dataset_id, COMMIT, N, 40, deadline, SPOT * 3, value=SPOT * 3, sender=user)
    [log] = tx.decode_logs(market.ModelRequested)
    assert (log.requestId, log.price, log.minCorrect, log.rows, log.testSetCommitment) == (1, SPOT, 40, N, COMMIT)
    assert log.nextSpotPrice == 2 * SPOT
    assert user.balance == before - SPOT - tx.total_fees_paid
    assert market.totalEscrowed() == SPOT
    request = market.getRequest(1)
    assert (request.customer, request.status, request.price, request.testSetCommitment) == (user, PENDING, SPOT, COMMIT)
    assert request.rows == N
    assert market.getDataset(dataset_id).spotPrice == 2 * SPOT
    assert_books_balance(market)


def test_request_accepts_any_row_count_up_to_the_template_capacity(market, dataset_id, user, deadline):
    sizes = (1, CHUNK_ROWS, CHUNK_ROWS + 1, CAPACITY)
    for rows in sizes:
        market.request(dataset_id, COMMIT, rows, 1, deadline, 100 * SPOT, value=100 * SPOT, sender=user)
    assert [market.getRequest(i).rows for i in (1, 2, 3, 4)] == list(sizes)
    assert [market.requestChunks(i) for i in (1, 2, 3, 4, 5)] == [1, 1, 2, 2, 0]  # ceil(rows / 24); none: 0


def test_request_prices_concurrent_requests_like_sequential_ones_if_none_is_fulfilled_yet(
    market, template_id, vendor, user, deadline
):
    market.listDataset(template_id, b"\x11" * 32, vendor, LINEAR, WAD, WAD, sender=vendor)
    paid = []
    for _ in range(3):
        tx = market.request(1, COMMIT, N, 40, deadline, 10 * WAD, value=10 * WAD, sender=user)
        paid.append(next(iter(tx.decode_logs(market.ModelRequested))).price)
    assert paid == [WAD, 2 * WAD, 3 * WAD]
    assert market.getDataset(1).spotPrice == 4 * WAD
    assert market.totalEscrowed() == 6 * WAD
    assert_books_balance(market)


def test_request_binding_is_the_keccak_of_chain_market_dataset_request_and_chunk(market, requested, chain):
    for i in (0, 1):
        assert market.requestBinding(requested, i) == binding(chain.chain_id, market.address, 1, requested, i) != 0
    assert market.requestBinding(requested, 0) != market.requestBinding(requested, 1)
    assert market.requestBinding(requested + 1, 0) == 0


@pytest.mark.parametrize(
    ("dataset", "commit", "n", "k", "error", "args"),
    [
        (2, COMMIT, N, 40, "DatasetNotFound", {"datasetId": 2}),
        (1, b"\0" * 32, N, 40, "InvalidCommitment", {"commitment": b"\0" * 32}),
        (1, COMMIT, N, N + 1, "InvalidThreshold", {"minCorrect": N + 1, "rows": N}),
        (1, COMMIT, N, 0, "InvalidThreshold", {"minCorrect": 0, "rows": N}),
        (1, COMMIT, 0, 1, "InvalidRowCount", {"rows": 0, "capacity": CAPACITY}),
        (1, COMMIT, CAPACITY + 1, 40, "InvalidRowCount", {"rows": CAPACITY + 1, "capacity": CAPACITY}),
    ],
)
def test_request_reverts_if_an_input_can_never_be_proven(
    market, dataset_id, user, deadline, accounts, dataset, commit, n, k, error, args
):
    before = snapshot(market, accounts[:5], user)
    with ape.reverts(getattr(market, error), **args):
        market.request(dataset, commit, n, k, deadline, SPOT, value=SPOT, sender=user)
    assert snapshot(market, accounts[:5], user) == before


def test_request_reverts_if_the_deadline_is_too_soon_or_too_late(market, dataset_id, user, chain, accounts):
    before = snapshot(market, accounts[:5], user)
    with ape.reverts(market.DeadlineTooSoon):
        market.request(dataset_id, COMMIT, N, 40, chain.pending_timestamp + 10, SPOT, value=SPOT, sender=user)
    with ape.reverts(market.DeadlineTooLate):
        late = chain.pending_timestamp + 8 * 86400
        market.request(dataset_id, COMMIT, N, 40, late, SPOT, value=SPOT, sender=user)
    assert snapshot(market, accounts[:5], user) == before


def test_request_reverts_if_the_price_is_above_max_or_underpaid(market, dataset_id, user, deadline, accounts):
    before = snapshot(market, accounts[:5], user)
    with ape.reverts(market.PriceAboveMax, price=SPOT, maxPrice=SPOT - 1):
        market.request(dataset_id, COMMIT, N, 40, deadline, SPOT - 1, value=SPOT, sender=user)
    with ape.reverts(market.InsufficientPayment, paid=SPOT - 1, price=SPOT):
        market.request(dataset_id, COMMIT, N, 40, deadline, SPOT, value=SPOT - 1, sender=user)
    assert snapshot(market, accounts[:5], user) == before


# ------------------------------------------------------------------------------------------------ fulfil
def test_fulfil_stores_one_receipt_summing_the_chunks_and_pays_the_vendor_if_the_proofs_meet_the_request(
    market, requested, vendor, user
):
    tx = fulfil(market, requested, instances(market, correct=(24, 21)), vendor)
    [log] = tx.decode_logs(market.ReceiptIssued)
    assert (log.requestId, log.customer, log.modelCommitment) == (1, user.address, MODEL)
    assert (log.correct, log.chunks) == (45, 2)
    receipt = market.getReceipt(requested)
    assert (receipt.datasetId, receipt.customer, receipt.correct, receipt.testSetCommitment) == (1, user, 45, COMMIT)
    assert receipt.rows == N
    assert (receipt.modelCommitment, receipt.blockNumber) == (MODEL, tx.block_number)
    assert market.getRequest(requested).status == FULFILLED
    assert (market.earningsOf(vendor), market.totalEscrowed()) == (SPOT, 0)
    dataset = market.getDataset(1)
    assert (dataset.sales, dataset.spotPrice) == (1, 2 * SPOT)
    assert_books_balance(market)


def test_fulfil_takes_one_proof_if_the_test_set_fits_one_chunk(market, dataset_id, vendor, user, deadline):
    market.request(dataset_id, commitment(HASHES[:1]), 20, 18, deadline, SPOT, value=SPOT, sender=user)
    fulfil(market, 1, [chunk(market, 0, 19, 20)], vendor)
    receipt = market.getReceipt(1)
    assert (receipt.correct, receipt.rows, receipt.testSetCommitment) == (19, 20, commitment(HASHES[:1]))


def test_withdraw_earnings_sends_the_vendor_its_credit(market, requested, vendor, stranger):
    fulfil(market, requested, instances(market), vendor)
    before = stranger.balance
    market.withdrawEarnings(stranger, sender=vendor)
    assert stranger.balance == before + SPOT
    assert (market.earningsOf(vendor), market.totalEarnings(), market.balance) == (0, 0, 0)


def _set(inst, c, index, value):
    inst[c][index] = value
    return inst


def _other_test_set(m):  # chunk 1 of another test set: the commitment over the chunk hashes changes
    return _set(instances(m), 1, 0, 0x9999)


def _other_model(m):
    return _set(instances(m), 1, 3, MODEL + 1)


def _off_grid_count(m):
    inst = instances(m)
    inst[1][4] += 1
    return inst


@pytest.mark.parametrize(
    ("make", "error", "args"),
    [
        (_other_test_set, "TestSetMismatch", {"expected": COMMIT, "proven": commitment([HASHES[0], (0x9999, 0x6789)])}),
        (lambda m: instances(m, correct=(24, 15)), "CountBelowThreshold", {"correct": 39, "minCorrect": 40}),
        (lambda m: instances(m, correct=(21, 23)), "InvalidCount", {"chunk": 1, "instance": 23 << SCALE, "rows": 22}),
        (_off_grid_count, "InvalidCount", {"chunk": 1, "instance": (21 << SCALE) + 1}),
        (lambda m: instances(m, rows=(25, 21)), "InvalidChunkRows", {"chunk": 0, "instance": 25 << INPUT_SCALE}),
        (lambda m: instances(m, rows=(24, 21)), "RowsMismatch", {"rows": N, "proven": 45}),
        (lambda m: [instances(m)[0], instances(m)[1][:6]], "InvalidInstanceCount", {"chunk": 1, "count": 6}),
        (_other_model, "ModelMismatch", {"chunk": 1, "expected": MODEL, "proven": MODEL + 1}),
        (lambda m: instances(m)[::-1], "ChunkOutOfOrder", {"position": 0, "chunk": 1}),
        (lambda m: instances(m, request_id=2), "BindingMismatch", {"chunk": 0, "limb": 0}),
        (lambda m: instances(m)[:1], "InvalidChunkCount", {"expected": 2, "proofs": 1, "instanceSets": 1}),
    ],
)
def test_fulfil_reverts_if_the_chunks_do_not_meet_the_request(market, requested, vendor, accounts, make, error, args):
    inst = make(market)
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(getattr(market, error), requestId=1, **args):
        fulfil(market, requested, inst, vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_fulfil_reverts_if_the_proofs_and_instance_lists_differ_in_number(market, requested, vendor, accounts):
    inst = instances(market)
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.InvalidChunkCount, requestId=1, expected=2, proofs=2, instanceSets=1):
        market.fulfil(requested, [stub_proof(x) for x in inst], inst[:1], sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_fulfil_reverts_if_a_chunk_proof_is_for_another_template(market, requested, vendor, accounts):
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.InvalidProof, requestId=requested, chunk=1):
        fulfil(market, requested, instances(market), vendor, tags=[TAG, TAG + 1])
    assert snapshot(market, accounts[:5], vendor) == before


@pytest.mark.parametrize("mode", MODES)
def test_fulfil_reverts_with_invalid_proof_if_the_verifier_fails_in_any_way(
    project, market, vendor, user, deployer, deadline, accounts, mode
):
    """A verifier that returns false, reverts, returns nothing, a short or non-boolean answer, halts or burns its
    gas rejects the chunk with exactly `InvalidProof`, never a bare revert (contracts/libraries/Halo2Verdict.sol)."""
    faulty = project.FaultyVerifier.deploy(MODES.index(mode), sender=deployer)
    market.registerTemplate(faulty, CHUNK_ROWS, CHUNKS, FEATURES, DEPTH, CLASSES, SCALE, sender=deployer)
    market.listDataset(1, b"\x11" * 32, vendor, EXPONENTIAL, SPOT, 2 * WAD, sender=vendor)
    market.request(1, COMMIT, N, 40, deadline, SPOT, value=SPOT, sender=user)
    inst = instances(market)
    args = (1, [stub_proof(x) for x in inst], inst)
    with pytest.raises(ContractLogicError) as failed:  # the exact revert data: ape.reverts also matches a bare one
        market.provider.web3.eth.call({**call_params(market.fulfil, *args, sender=vendor), "gas": 3_000_000})
    assert revert_data(failed.value) == custom_error(market.InvalidProof, 1, 0)
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.InvalidProof, requestId=1, chunk=0):
        market.fulfil(*args, sender=vendor, gas=3_000_000)
    assert snapshot(market, accounts[:5], vendor) == before


def test_fulfil_reverts_if_caller_is_not_the_vendor(market, requested, stranger, accounts):
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.NotVendor, datasetId=1, account=stranger.address):
        fulfil(market, requested, instances(market), stranger)
    assert snapshot(market, accounts[:5], stranger) == before


def test_fulfil_reverts_if_the_request_expired(market, requested, vendor, chain, accounts):
    deadline = market.getRequest(requested).deadline
    chain.pending_timestamp = deadline + 1
    inst = instances(market)
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.RequestExpired, requestId=requested, deadline=deadline):
        fulfil(market, requested, inst, vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_fulfil_reverts_if_the_request_was_already_fulfilled(market, requested, vendor, accounts):
    inst = instances(market)
    fulfil(market, requested, inst, vendor)
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.RequestNotPending, requestId=requested, status=FULFILLED):
        fulfil(market, requested, inst, vendor)
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
