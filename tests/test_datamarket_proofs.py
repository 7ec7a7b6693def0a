"""The dataset market end to end with the committed iris template: a real tree, real ezkl proofs bound to their
request, the generated verifier deployed on anvil at its real size (EIP-170 applies), the customer's check of the
delivered tree. Every rejection asserts that nothing moved: requests, receipts, escrow, credits, prices, balances.
"""

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak

from models.trees import CommitmentError, TestSet, get_template, label_salt, random_salt
from proofs.trees import prove
from proofs.trees.prove import BIND, BIND_HASH, COUNT, MODEL_COMMITMENT, X_HASH
from zkaigc import datamarket as dm

SPOT = 10**12
WAD = 10**18
EIP170 = 24_576
TEST_ROWS = 40  # fewer than the template's 48: the last 8 rows are proven padding
#: The tests that take `deal` wait for its real ezkl proofs of the iris tree (about 40 s): `make test-fast` skips them.
proves_the_tree = pytest.mark.slow


@pytest.fixture(scope="session")
def iris():
    return get_template("tree-iris-d3")


@pytest.fixture(scope="session")
def sale(iris):
    """The vendor's private tree and the customer's salted test set of TEST_ROWS rows (on the published grid)."""
    return dm.prepare_sale(iris, rows=TEST_ROWS)


@pytest.fixture(scope="module")
def tree_verifier(project, deployer):
    return project.TreeIrisD3Verifier.deploy(sender=deployer)


@pytest.fixture(scope="module")
def deal(project, chain, deployer, vendor, stranger, user, iris, tree_verifier, sale, tmp_path_factory):
    """A market with dataset 1 (the vendor's) and dataset 2 (a copier's, `stranger`), the customer's requests 1 and
    2 on dataset 1 and 3 on dataset 2, all for the same test set; the vendor's proof for request 1, and a proof
    for request 1's dataset and id on another chain."""
    listing = dm.deploy_listing(project, iris, sale.schema, deployer, vendor, SPOT, 2 * WAD, verifier=tree_verifier)
    market = listing.market
    dm.list_dataset(market, listing.template_id, b"\x33" * 32, stranger, SPOT, 2 * WAD)
    requests = [dm.request_model(chain, market, d, iris, sale.test_set, 1, user).request_id for d in (1, 1, 2)]
    assert requests == [1, 2, 3]
    workdir = tmp_path_factory.mktemp("iris-proofs")
    proof = prove(iris, sale.tree, sale.test_set, dm.request_binding(market, 1), workdir / "request-1")
    elsewhere = binding(chain.chain_id + 1, market.address, 1, 1)
    proof_elsewhere = prove(iris, sale.tree, sale.test_set, elsewhere, workdir / "other-chain")
    return market, proof, proof_elsewhere


def binding(chain_id: int, market: str, dataset_id: int, request_id: int) -> int:
    """The request binding as docs/datamarket.md defines it, computed independently of the contract."""
    packed = encode(["uint256", "address", "uint256", "uint256"], [chain_id, market, dataset_id, request_id])
    return int.from_bytes(keccak(packed), "big") & (2**128 - 1)


def state(market, accounts):
    """Everything a rejected fulfilment must leave unchanged (the sender's ETH aside, which pays gas)."""
    return {
        "requests": [tuple(market.getRequest(i)) for i in (1, 2, 3)],
        "receipts": [tuple(market.getReceipt(i)) for i in (1, 2, 3)],
        "datasets": [tuple(market.getDataset(i)) for i in (1, 2)],
        "books": (market.totalEscrowed(), market.totalEarnings(), market.totalRefundable(), market.balance),
        "credits": [(market.earningsOf(a), market.refundableOf(a)) for a in accounts],
    }


def rebound(instances, value: int):
    """The instances with their binding limbs rewritten to `value`'s."""
    limbs = [((value >> (16 * i)) & 0xFFFF) << 4 for i in range(8)]
    return list(instances[:BIND]) + limbs


def tampered(instances, index, value):
    out = list(instances)
    out[index] = value
    return out


def test_tree_verifier_fits_eip170(tree_verifier, chain):
    assert len(chain.provider.get_code(tree_verifier.address)) <= EIP170


@proves_the_tree
def test_proof_counts_what_the_tree_gets_right_on_the_real_rows_only(deal, sale):
    _, proof, _ = deal
    assert proof.correct == int((sale.tree.predict(sale.xq) == sale.y_test).sum()) > 0
    assert proof.rows == TEST_ROWS


@proves_the_tree
def test_fulfil_with_a_real_proof_issues_a_receipt_the_delivered_tree_opens(deal, iris, sale, user, vendor, tmp_path):
    market, proof, _ = deal
    tx = dm.fulfil(market, 1, proof, vendor)
    receipt = dm.read_receipt(market, 1)
    assert (receipt.customer, receipt.correct, receipt.rows, receipt.block) == (
        user.address,
        proof.correct,
        TEST_ROWS,
        tx.block_number,
    )
    assert receipt.model_commitment == proof.model_commitment
    opening = dm.verify_delivery(receipt, iris, sale.tree, sale.test_set, tmp_path)
    assert opening.correct == opening.correct_local == proof.correct
    # three requests took three steps of the curve (2x each) at request time; the sale credited the first price
    assert market.earningsOf(vendor) == SPOT and market.getDataset(1).spotPrice == 4 * SPOT


@proves_the_tree
def test_fulfil_reverts_if_a_fulfilled_proof_is_replayed_on_its_own_request(deal, vendor, accounts):
    market, proof, _ = deal
    dm.fulfil(market, 1, proof, vendor)
    before = state(market, accounts[:5])
    with ape.reverts(market.RequestNotPending, requestId=1):
        dm.fulfil(market, 1, proof, vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_the_proof_is_for_another_request_of_the_same_dataset(deal, vendor, accounts):
    market, proof, _ = deal
    dm.fulfil(market, 1, proof, vendor)  # its own request first: the replay comes after, from public calldata
    before = state(market, accounts[:5])
    with ape.reverts(market.BindingMismatch, requestId=2):
        dm.fulfil(market, 2, proof, vendor)
    with ape.reverts(market.InvalidProof, requestId=2):  # the limbs are proven outputs: rewriting them fails
        market.fulfil(2, proof.proof, rebound(proof.instances, market.requestBinding(2)), sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_a_copier_replays_the_proof_on_its_own_dataset(deal, vendor, stranger, accounts):
    market, proof, _ = deal
    before = state(market, accounts[:5])
    with ape.reverts(market.NotVendor, datasetId=1, account=stranger.address):  # the honest request: not its own
        dm.fulfil(market, 1, proof, stranger)
    with ape.reverts(market.BindingMismatch, requestId=3):
        dm.fulfil(market, 3, proof, stranger)
    with ape.reverts(market.InvalidProof, requestId=3):
        market.fulfil(3, proof.proof, rebound(proof.instances, market.requestBinding(3)), sender=stranger)
    assert state(market, accounts[:5]) == before
    dm.fulfil(market, 1, proof, vendor)  # the copies blocked nothing: the honest vendor is still paid
    assert market.earningsOf(vendor) == SPOT and market.earningsOf(stranger) == 0


@proves_the_tree
def test_fulfil_reverts_if_the_proof_is_for_the_same_request_on_another_chain(deal, vendor, accounts):
    market, _, proof_elsewhere = deal
    before = state(market, accounts[:5])
    with ape.reverts(market.BindingMismatch, requestId=1):
        dm.fulfil(market, 1, proof_elsewhere, vendor)
    with ape.reverts(market.InvalidProof, requestId=1):
        market.fulfil(
            1, proof_elsewhere.proof, rebound(proof_elsewhere.instances, market.requestBinding(1)), sender=vendor
        )
    assert state(market, accounts[:5]) == before


@proves_the_tree
@pytest.mark.parametrize("change", ["count+1", "model", "binding-hash", "proof-byte"])
def test_fulfil_reverts_if_the_proof_or_its_instances_were_tampered(deal, vendor, accounts, change):
    market, proof, _ = deal
    inst, data = list(proof.instances), bytearray(proof.proof)
    if change == "count+1":
        inst = tampered(inst, COUNT, (proof.correct + 1 if proof.correct < TEST_ROWS else 1) << proof.output_scale)
    elif change == "model":
        inst = tampered(inst, MODEL_COMMITMENT, inst[MODEL_COMMITMENT] ^ 1)
    elif change == "binding-hash":  # the one instance the contract does not check: the verifier does
        inst = tampered(inst, BIND_HASH, inst[BIND_HASH] ^ 1)
    else:
        data[100] ^= 1
    before = state(market, accounts[:5])
    with ape.reverts(market.InvalidProof, requestId=1):
        market.fulfil(1, bytes(data), inst, sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_the_proof_is_for_another_test_set(deal, iris, sale, chain, user, vendor, accounts):
    market, proof, _ = deal
    other = TestSet(sale.xq[::-1], sale.y_test, sale.label_salt)  # other features, the same labels
    request_id = dm.request_model(chain, market, 1, iris, other, 1, user).request_id
    inst = rebound(proof.instances, market.requestBinding(request_id))
    before = state(market, accounts[:5])
    with ape.reverts(market.TestSetMismatch, requestId=request_id):
        market.fulfil(request_id, proof.proof, inst, sender=vendor)
    inst = tampered(inst, X_HASH, int(market.getRequest(request_id).testSetHash))  # the verifier rejects it
    with ape.reverts(market.InvalidProof, requestId=request_id):
        market.fulfil(request_id, proof.proof, inst, sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_the_labels_were_salted_differently(deal, iris, sale, chain, user, vendor, accounts):
    market, proof, _ = deal
    resalted = TestSet(sale.xq, sale.y_test, tuple(label_salt(iris.label_salt)))
    request_id = dm.request_model(chain, market, 1, iris, resalted, 1, user).request_id
    inst = rebound(proof.instances, market.requestBinding(request_id))
    before = state(market, accounts[:5])
    with ape.reverts(market.LabelsMismatch, requestId=request_id):
        market.fulfil(request_id, proof.proof, inst, sender=vendor)
    inst = tampered(inst, 1, int(market.getRequest(request_id).labelHash))
    with ape.reverts(market.InvalidProof, requestId=request_id):
        market.fulfil(request_id, proof.proof, inst, sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_verify_delivery_raises_if_the_tree_is_not_the_committed_one(deal, iris, sale, tmp_path):
    _, proof, _ = deal
    receipt = dm.Receipt(1, 1, "0x0", proof.model_commitment, proof.correct, TEST_ROWS, proof.x_hash, 1)
    resalted = sale.tree.model_copy(update={"salt": random_salt(iris.salt_nodes)})
    with pytest.raises(CommitmentError, match="hashes to"):
        dm.verify_delivery(receipt, iris, resalted, sale.test_set, tmp_path)


@proves_the_tree
def test_fulfil_reverts_if_the_count_is_below_the_request(deal, iris, sale, chain, user, vendor, accounts):
    market, proof, _ = deal
    request_id = dm.request_model(chain, market, 1, iris, sale.test_set, proof.correct + 1, user).request_id
    inst = rebound(proof.instances, market.requestBinding(request_id))
    before = state(market, accounts[:5])
    with ape.reverts(market.CountBelowThreshold, correct=proof.correct, minCorrect=proof.correct + 1):
        market.fulfil(request_id, proof.proof, inst, sender=vendor)
    assert state(market, accounts[:5]) == before
