"""The dataset market end to end with the committed iris template: a real tree, a real ezkl proof, the generated
verifier deployed on anvil at its real size (EIP-170 applies), the customer's check of the delivered tree.
"""

import ape
import numpy as np
import pytest

from proofs.trees import CommitmentError, get_template, prove, random_salt
from zkaigc import datamarket as dm
from zkaigc.enums import CurveType

SPOT = 10**12
WAD = 10**18
EIP170 = 24_576
#: The tests that take `sale` wait for its real ezkl proof of the iris tree (about 30 s): `make test-fast` skips them.
proves_the_tree = pytest.mark.slow


@pytest.fixture(scope="session")
def iris():
    return get_template("tree-iris-d3")


@pytest.fixture(scope="session")
def sale(iris, tmp_path_factory):
    """The vendor's private tree and the customer's test set (on the published grid), and a proof of it."""
    sale = dm.prepare_sale(iris)
    proof = prove(iris, sale.tree, sale.xq, sale.y_test, tmp_path_factory.mktemp("iris-proof"))
    return sale.tree, sale.schema, sale.xq, sale.y_test, proof


@pytest.fixture(scope="session")
def tree_verifier(project, deployer):
    return project.TreeIrisD3Verifier.deploy(sender=deployer)


@pytest.fixture
def market(project, deployer, vendor, iris, tree_verifier, sale):
    _, schema, *_ = sale
    listing = dm.deploy_listing(project, iris, schema, deployer, vendor, SPOT, 2 * WAD, verifier=tree_verifier)
    assert listing.dataset_id == 1
    return listing.market


def test_tree_verifier_fits_eip170(tree_verifier, chain):
    assert len(chain.provider.get_code(tree_verifier.address)) <= EIP170


@proves_the_tree
def test_proof_counts_what_the_tree_gets_right(sale):
    tree, _, xq, yte, proof = sale
    assert proof.correct == int((tree.predict(xq) == yte).sum()) > 0


@proves_the_tree
def test_fulfil_with_a_real_proof_issues_a_receipt_the_delivered_tree_opens(
    market, iris, sale, chain, user, vendor, tmp_path
):
    tree, _, xq, yte, proof = sale
    request = dm.request_model(chain, market, 1, iris, xq, yte, proof.correct, user)
    tx = dm.fulfil(market, request.request_id, proof, vendor)
    receipt = dm.read_receipt(market, request.request_id)
    assert (receipt.customer, receipt.correct, receipt.block) == (user.address, proof.correct, tx.block_number)
    assert receipt.model_commitment == proof.model_commitment
    opening = dm.verify_delivery(receipt, iris, tree, xq, yte, tmp_path)
    assert opening.correct == opening.correct_local == proof.correct
    assert market.earningsOf(vendor) == SPOT and market.getDataset(1).spotPrice == 2 * SPOT


@proves_the_tree
def test_verify_delivery_raises_if_the_tree_is_not_the_committed_one(iris, sale, tmp_path):
    tree, _, xq, yte, proof = sale
    receipt = dm.Receipt(1, 1, "0x0", proof.model_commitment, proof.correct, proof.x_hash, 1)
    resalted = tree.model_copy(update={"salt": random_salt(iris.salt_nodes)})
    with pytest.raises(CommitmentError, match="hashes to"):
        dm.verify_delivery(receipt, iris, resalted, xq, yte, tmp_path)


def tampered(instances, index, value):
    out = list(instances)
    out[index] = value
    return out


@proves_the_tree
def test_fulfil_reverts_if_the_proof_is_for_another_test_set(market, iris, sale, chain, user, vendor):
    _, _, xq, yte, proof = sale
    other = np.roll(xq, 1, axis=0)  # the same rows in another order: another test set
    request = dm.request_model(chain, market, 1, iris, other, yte, 1, user)
    with ape.reverts(market.TestSetMismatch):
        dm.fulfil(market, request.request_id, proof, vendor)
    # the request's own hashes with this proof: the verifier rejects it
    inst = tampered(proof.instances, 0, int(market.getRequest(request.request_id).testSetHash))
    before = (market.getRequest(request.request_id), market.totalEscrowed(), market.earningsOf(vendor))
    with ape.reverts(market.InvalidProof, requestId=request.request_id):
        market.fulfil(request.request_id, proof.proof, inst, sender=vendor)
    assert (market.getRequest(request.request_id), market.totalEscrowed(), market.earningsOf(vendor)) == before


@proves_the_tree
@pytest.mark.parametrize("change", ["count+1", "model", "proof-byte"])
def test_fulfil_reverts_if_the_proof_or_its_instances_were_tampered(market, iris, sale, chain, user, vendor, change):
    _, _, xq, yte, proof = sale
    request = dm.request_model(chain, market, 1, iris, xq, yte, 1, user)
    inst, data = list(proof.instances), bytearray(proof.proof)
    if change == "count+1":
        inst[3] = ((proof.correct + 1) << proof.output_scale) if proof.correct < iris.rows else 1 << proof.output_scale
    elif change == "model":
        inst[2] ^= 1
    else:
        data[100] ^= 1
    before = (market.getRequest(request.request_id), market.totalEscrowed(), market.earningsOf(vendor))
    with ape.reverts(market.InvalidProof, requestId=request.request_id):
        market.fulfil(request.request_id, bytes(data), inst, sender=vendor)
    assert (market.getRequest(request.request_id), market.totalEscrowed(), market.earningsOf(vendor)) == before


@proves_the_tree
def test_fulfil_reverts_if_the_count_is_below_the_request(market, iris, sale, chain, user, vendor):
    _, _, xq, yte, proof = sale
    request = dm.request_model(chain, market, 1, iris, xq, yte, proof.correct + 1, user)
    before = (market.getRequest(request.request_id), market.totalEscrowed())
    with ape.reverts(market.CountBelowThreshold, correct=proof.correct, minCorrect=proof.correct + 1):
        dm.fulfil(market, request.request_id, proof, vendor)
    assert (market.getRequest(request.request_id), market.totalEscrowed()) == before
    assert CurveType.EXPONENTIAL == market.getDataset(1).curveType
