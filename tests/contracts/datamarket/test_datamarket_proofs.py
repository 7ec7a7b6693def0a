"""The dataset market end to end with the committed CI template (iris, two chunks of 24 rows): a real tree, real
ezkl chunk proofs bound to their request and chunk, the generated verifier deployed on anvil at its real size
(EIP-170 applies), one `fulfil` verifying every chunk, the customer's check of the delivered tree. Every rejection
asserts that nothing moved: requests, receipts, escrow, credits, prices, balances.
"""

import ape
import numpy as np
import pytest
from eth_abi import encode
from eth_utils import keccak

from models import registry
from models.trees import CommitmentError, TestSet, TreeTemplate, label_salt, random_salt, salt_values
from proofs.trees import ChunkedProof, prove
from proofs.trees.prove import BIND, BIND_HASH, COUNT, MODEL_COMMITMENT, X_HASH, Y_HASH
from zkaigc import datamarket as dm

SPOT = 10**12
WAD = 10**18
EIP170 = 24_576
TEST_ROWS = 40  # two chunks: 24 rows and 16 (the second chunk's last 8 rows are proven padding)
#: The tests that take `deal` wait for its real ezkl proofs of the iris tree (8 chunk proofs, about 40 s):
#: `make test-fast` skips them.
proves_the_tree = pytest.mark.slow


@pytest.fixture(scope="session")
def iris():
    return registry.get("tree-iris-d3", TreeTemplate)


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
    2 on dataset 1 and 3 on dataset 2, all for the same test set; the vendor's proofs for request 1, the same for
    request 1's dataset and id on another chain, and proofs for request 1 of another test set whose second chunk
    differs."""
    listing = dm.deploy_listing(project, iris, sale.schema, deployer, vendor, SPOT, 2 * WAD, verifier=tree_verifier)
    market = listing.market
    dm.list_dataset(market, listing.template_id, b"\x33" * 32, stranger, SPOT, 2 * WAD)
    requests = [dm.request_model(chain, market, d, iris, sale.test_set, 1, user).request_id for d in (1, 1, 2)]
    assert requests == [1, 2, 3]
    workdir = tmp_path_factory.mktemp("iris-proofs")
    bindings = dm.request_bindings(market, 1)
    proof = prove(iris, sale.tree, sale.test_set, bindings, workdir / "request-1")
    elsewhere = [binding(chain.chain_id + 1, market.address, 1, 1, i) for i in range(2)]
    proof_elsewhere = prove(iris, sale.tree, sale.test_set, elsewhere, workdir / "other-chain")
    proof_other_set = prove(iris, sale.tree, other_second_chunk(sale.test_set), bindings, workdir / "other-set")
    return market, proof, proof_elsewhere, proof_other_set


def other_second_chunk(test_set: TestSet) -> TestSet:
    """The same test set but for its second chunk's rows, in reverse order."""
    xq = np.concatenate([test_set.xq[:24], test_set.xq[24:][::-1]])
    return TestSet(xq, test_set.labels, test_set.salt)


def binding(chain_id: int, market: str, dataset_id: int, request_id: int, chunk: int) -> int:
    """The chunk binding as docs/datamarket.md defines it, computed independently of the contract."""
    types = ["uint256", "address", "uint256", "uint256", "uint256"]
    packed = encode(types, [chain_id, market, dataset_id, request_id, chunk])
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


def rebound(proof: ChunkedProof, market, request_id: int) -> list[list[int]]:
    """The instances of every chunk with their binding limbs rewritten to `request_id`'s chunk bindings."""
    out = []
    for i, inst in enumerate(proof.instances):
        value = market.requestBinding(request_id, i)
        out.append(list(inst[:BIND]) + [((value >> (16 * j)) & 0xFFFF) << 4 for j in range(8)])
    return out


def tampered(instances, chunk, index, value):
    out = [list(inst) for inst in instances]
    out[chunk][index] = value
    return out


@pytest.mark.parametrize("name", ["TreeIrisD3Verifier", "TreeWineD4Verifier", "TreeSynth13D5Verifier"])
def test_tree_verifier_fits_eip170_if_deployed_at_its_real_size(project, deployer, chain, name):
    verifier = getattr(project, name).deploy(sender=deployer)
    assert 0 < len(chain.provider.get_code(verifier.address)) <= EIP170


@proves_the_tree
def test_proof_counts_what_the_tree_gets_right_on_the_real_rows_only(deal, sale):
    _, proof, _, _ = deal
    assert proof.correct == int((sale.tree.predict(sale.xq) == sale.y_test).sum()) > 0
    assert [c.rows for c in proof.chunks] == [24, TEST_ROWS - 24]
    assert len({c.model_commitment for c in proof.chunks}) == 1


@proves_the_tree
def test_fulfil_pays_once_for_every_chunk_if_the_chunk_proofs_are_real(deal, iris, sale, user, vendor, tmp_path):
    market, proof, _, _ = deal
    tx = dm.fulfil(market, 1, proof, vendor)
    receipt = dm.read_receipt(market, 1)
    assert (receipt.customer, receipt.correct, receipt.rows, receipt.block) == (
        user.address,
        proof.correct,
        TEST_ROWS,
        tx.block_number,
    )
    assert receipt.model_commitment == proof.model_commitment
    assert receipt.test_set_commitment == proof.commitment == dm.test_set_commitment(iris, sale.test_set)
    opening = dm.verify_delivery(receipt, iris, sale.tree, sale.test_set, tmp_path)
    assert opening.correct == opening.correct_local == proof.correct
    # three requests took three steps of the curve (2x each) at request time; the sale credited the first price
    assert market.earningsOf(vendor) == SPOT and market.getDataset(1).spotPrice == 4 * SPOT


@proves_the_tree
def test_fulfil_reverts_if_a_fulfilled_proof_is_replayed_on_its_own_request(deal, vendor, accounts):
    market, proof, _, _ = deal
    dm.fulfil(market, 1, proof, vendor)
    before = state(market, accounts[:5])
    with ape.reverts(market.RequestNotPending, requestId=1):
        dm.fulfil(market, 1, proof, vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_the_proof_is_for_another_request_of_the_same_dataset(deal, vendor, accounts):
    market, proof, _, _ = deal
    dm.fulfil(market, 1, proof, vendor)  # its own request first: the replay comes after, from public calldata
    before = state(market, accounts[:5])
    with ape.reverts(market.BindingMismatch, requestId=2, chunk=0):
        dm.fulfil(market, 2, proof, vendor)
    with ape.reverts(market.InvalidProof, requestId=2, chunk=0):  # the limbs are proven outputs: rewriting fails
        market.fulfil(2, proof.proofs, rebound(proof, market, 2), sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_a_copier_replays_the_proof_on_its_own_dataset(deal, vendor, stranger, accounts):
    market, proof, _, _ = deal
    before = state(market, accounts[:5])
    with ape.reverts(market.NotVendor, datasetId=1, account=stranger.address):  # the honest request: not its own
        dm.fulfil(market, 1, proof, stranger)
    with ape.reverts(market.BindingMismatch, requestId=3, chunk=0):
        dm.fulfil(market, 3, proof, stranger)
    with ape.reverts(market.InvalidProof, requestId=3, chunk=0):
        market.fulfil(3, proof.proofs, rebound(proof, market, 3), sender=stranger)
    assert state(market, accounts[:5]) == before
    dm.fulfil(market, 1, proof, vendor)  # the copies blocked nothing: the honest vendor is still paid
    assert market.earningsOf(vendor) == SPOT and market.earningsOf(stranger) == 0


@proves_the_tree
def test_fulfil_reverts_if_the_proof_is_for_the_same_request_on_another_chain(deal, vendor, accounts):
    market, _, proof_elsewhere, _ = deal
    before = state(market, accounts[:5])
    with ape.reverts(market.BindingMismatch, requestId=1, chunk=0):
        dm.fulfil(market, 1, proof_elsewhere, vendor)
    with ape.reverts(market.InvalidProof, requestId=1, chunk=0):
        market.fulfil(1, proof_elsewhere.proofs, rebound(proof_elsewhere, market, 1), sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_a_chunk_is_swapped_in_from_another_test_set(deal, vendor, accounts):
    market, proof, _, other = deal  # `other` is bound to request 1 too: only its second chunk's rows differ
    assert other.chunks[0].x_hash == proof.chunks[0].x_hash and other.chunks[1].x_hash != proof.chunks[1].x_hash
    proofs, inst = [proof.proofs[0], other.proofs[1]], [proof.instances[0], other.instances[1]]
    before = state(market, accounts[:5])
    with ape.reverts(market.TestSetMismatch, requestId=1, proven=other.commitment):
        market.fulfil(1, proofs, inst, sender=vendor)
    inst = tampered(inst, 1, X_HASH, proof.chunks[1].x_hash)  # the request's hash: the verifier rejects the proof
    with ape.reverts(market.InvalidProof, requestId=1, chunk=1):
        market.fulfil(1, proofs, inst, sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_the_chunks_are_out_of_order(deal, vendor, accounts):
    market, proof, _, _ = deal
    before = state(market, accounts[:5])
    with ape.reverts(market.ChunkOutOfOrder, requestId=1, position=0, chunk=1):
        market.fulfil(1, proof.proofs[::-1], proof.instances[::-1], sender=vendor)
    swapped = ChunkedProof(proof.chunks[::-1])  # limbs rewritten to their new positions: the commitment fixes order
    inst = rebound(swapped, market, 1)
    with ape.reverts(market.TestSetMismatch, requestId=1, proven=swapped.commitment):
        market.fulfil(1, swapped.proofs, inst, sender=vendor)
    for i, chunk in enumerate(proof.chunks):  # and the hashes too: the verifier rejects the first proof
        inst = tampered(tampered(inst, i, X_HASH, chunk.x_hash), i, Y_HASH, chunk.y_hash)
    with ape.reverts(market.InvalidProof, requestId=1, chunk=0):
        market.fulfil(1, swapped.proofs, inst, sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_a_chunk_is_missing(deal, vendor, accounts):
    market, proof, _, _ = deal
    before = state(market, accounts[:5])
    with ape.reverts(market.InvalidChunkCount, requestId=1, expected=2, proofs=1, instanceSets=1):
        market.fulfil(1, proof.proofs[:1], proof.instances[:1], sender=vendor)
    with ape.reverts(market.InvalidChunkCount, requestId=1, expected=2, proofs=3, instanceSets=3):
        market.fulfil(1, proof.proofs + proof.proofs[:1], proof.instances + proof.instances[:1], sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
@pytest.mark.parametrize("change", ["count+1", "model", "binding-hash", "proof-byte"])
def test_fulfil_reverts_if_the_proof_or_its_instances_were_tampered(deal, vendor, accounts, change):
    market, proof, _, _ = deal
    inst, data = [list(x) for x in proof.instances], [bytearray(p) for p in proof.proofs]
    last = proof.chunks[1]
    if change == "count+1":
        count = last.correct + 1 if last.correct < last.rows else 1
        inst = tampered(inst, 1, COUNT, count << proof.output_scale)
    elif change == "model":  # both chunks: one tree, just not the proven one
        other = inst[0][MODEL_COMMITMENT] ^ 1
        inst = tampered(tampered(inst, 0, MODEL_COMMITMENT, other), 1, MODEL_COMMITMENT, other)
    elif change == "binding-hash":  # the one instance the contract does not check: the verifier does
        inst = tampered(inst, 1, BIND_HASH, inst[1][BIND_HASH] ^ 1)
    else:
        data[1][100] ^= 1
    failing = 0 if change == "model" else 1
    before = state(market, accounts[:5])
    with ape.reverts(market.InvalidProof, requestId=1, chunk=failing):
        market.fulfil(1, [bytes(d) for d in data], inst, sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_fulfil_reverts_if_the_labels_were_salted_differently(deal, iris, sale, chain, user, vendor, accounts):
    market, proof, _, _ = deal
    resalted = TestSet(sale.xq, sale.y_test, tuple(label_salt(salt_values(iris))))
    request_id = dm.request_model(chain, market, 1, iris, resalted, 1, user).request_id
    before = state(market, accounts[:5])
    with ape.reverts(market.TestSetMismatch, requestId=request_id, proven=proof.commitment):
        market.fulfil(request_id, proof.proofs, rebound(proof, market, request_id), sender=vendor)
    assert state(market, accounts[:5]) == before


@proves_the_tree
def test_verify_delivery_raises_if_the_tree_is_not_the_committed_one(deal, iris, sale, tmp_path):
    _, proof, _, _ = deal
    receipt = dm.Receipt(1, 1, "0x0", proof.model_commitment, proof.correct, TEST_ROWS, proof.commitment, 1)
    resalted = sale.tree.model_copy(update={"salt": random_salt(iris.salt_nodes)})
    with pytest.raises(CommitmentError, match="hashes to"):
        dm.verify_delivery(receipt, iris, resalted, sale.test_set, tmp_path)


@proves_the_tree
def test_fulfil_reverts_if_the_count_is_below_the_request(deal, iris, sale, chain, user, vendor, accounts):
    market, proof, _, _ = deal
    request_id = dm.request_model(chain, market, 1, iris, sale.test_set, proof.correct + 1, user).request_id
    before = state(market, accounts[:5])
    with ape.reverts(market.CountBelowThreshold, correct=proof.correct, minCorrect=proof.correct + 1):
        market.fulfil(request_id, proof.proofs, rebound(proof, market, request_id), sender=vendor)
    assert state(market, accounts[:5]) == before
