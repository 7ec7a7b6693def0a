"""The marketplace's `fulfilBatch` with micro's real batch-4 verifier and a real batch proof, with real ETH: one
proof fulfils every request of the batch and credits the vendor; an expired request stays refundable while the others
mint, filler slots mint nothing, and a tampered or all-expired batch changes nothing."""

import ape
import pytest

from support.batch import SIZE
from support.helpers import flip, token_of
from support.reverts import assert_reverts_with, custom_error


# ---------------------------------------------------------------------------------------------- marketplace
@pytest.fixture
def market(project, deployer):
    return project.ModelMarketplace.deploy(deployer, 250, sender=deployer)


@pytest.fixture
def listed_batch(market, deploy_batch_collection, vendor, prover):
    collection = deploy_batch_collection(minter=market)
    market.list(collection, vendor, 0, 10**15, 10**14, sender=vendor)
    market.setProver(collection, prover, True, sender=vendor)
    return collection


def _request_all(market, collection, batch_sample, claimants, claim_prompt, chain, lifetimes=(3600,) * SIZE):
    """Each claimant claims its slot's prompt and requests it, with a deadline `lifetimes[i]` seconds away."""
    ids = []
    for prompt, claimant, lifetime in zip(batch_sample.prompts, claimants, lifetimes, strict=True):
        claim_prompt(collection, prompt, claimant)
        price = market.quote(collection)[0]
        deadline = chain.pending_timestamp + lifetime
        ids.append(
            market.requestGeneration(collection, prompt, price, deadline, value=price, sender=claimant).return_value
        )
    return ids


def test_fulfil_batch_mints_every_request_and_credits_the_vendor_if_batch_proof_is_valid(
    market, listed_batch, batch_sample, claimants, claim_prompt, chain, prover, vendor
):
    b = batch_sample
    ids = _request_all(market, listed_batch, b, claimants, claim_prompt, chain)
    escrow = market.totalEscrowed()
    tx = market.fulfilBatch(ids, b.prompts_bytes, b.aigcs_bytes, b.proof, sender=prover)
    assert tx.return_value == 0b1111
    assert [listed_batch.ownerOf(token_of(p)) for p in b.prompts] == claimants
    assert [market.getRequest(i).status for i in ids] == [2] * SIZE  # Fulfilled
    assert market.totalEscrowed() == 0 and market.earningsOf(vendor) + market.protocolFees() == escrow
    assert len(tx.decode_logs(market.Fulfilled)) == SIZE


def test_fulfil_batch_leaves_expired_request_refundable_and_mints_the_others(
    market, listed_batch, batch_sample, claimants, claim_prompt, chain, prover
):
    b = batch_sample
    # Slot 0's request expires while the batch is proven; the others are still live.
    ids = _request_all(market, listed_batch, b, claimants, claim_prompt, chain, lifetimes=(600, 3600, 3600, 3600))
    chain.pending_timestamp += 700
    tx = market.fulfilBatch(ids, b.prompts_bytes, b.aigcs_bytes, b.proof, sender=prover)
    assert tx.return_value == 0b1110
    assert [listed_batch.balanceOf(c) for c in claimants] == [0, 1, 1, 1]
    assert [market.getRequest(i).status for i in ids] == [1, 2, 2, 2]  # Pending (refundable), Fulfilled ×3
    market.refund(ids[0], sender=claimants[0])
    assert market.getRequest(ids[0]).status == 3  # Refunded


def test_fulfil_batch_mints_only_requested_slots_if_others_are_fillers(
    market, listed_batch, batch_sample, claimants, claim_prompt, chain, prover
):
    b = batch_sample
    ids = _request_all(market, listed_batch, b, claimants, claim_prompt, chain)
    tx = market.fulfilBatch([0, 0, ids[2], 0], b.prompts_bytes, b.aigcs_bytes, b.proof, sender=prover)
    assert tx.return_value == 0b0100
    assert [listed_batch.balanceOf(c) for c in claimants] == [0, 0, 1, 0]


def test_fulfil_batch_reverts_if_every_request_expired(
    market, listed_batch, batch_sample, claimants, claim_prompt, chain, prover, state
):
    b = batch_sample
    ids = _request_all(market, listed_batch, b, claimants, claim_prompt, chain, lifetimes=(600,) * SIZE)
    chain.pending_timestamp += 700
    before = (state(listed_batch, b.prompts), [market.getRequest(i).status for i in ids], market.totalEscrowed())
    with ape.reverts(market.EmptyBatch):
        market.fulfilBatch(ids, b.prompts_bytes, b.aigcs_bytes, b.proof, sender=prover)
    assert (
        state(listed_batch, b.prompts),
        [market.getRequest(i).status for i in ids],
        market.totalEscrowed(),
    ) == before


def test_fulfil_batch_reverts_if_a_slot_is_tampered(
    market, listed_batch, batch_sample, claimants, claim_prompt, chain, prover, state
):
    b = batch_sample
    ids = _request_all(market, listed_batch, b, claimants, claim_prompt, chain)
    before = (state(listed_batch, b.prompts), [market.getRequest(i).status for i in ids], market.totalEscrowed())
    invalid = custom_error(listed_batch.ERC7007InvalidBatchProof, SIZE)
    tampered = flip(b.aigcs_bytes, 30)
    assert_reverts_with(
        chain, market.fulfilBatch, ids, b.prompts_bytes, tampered, b.proof, sender=prover, error=invalid
    )
    assert (
        state(listed_batch, b.prompts),
        [market.getRequest(i).status for i in ids],
        market.totalEscrowed(),
    ) == before


def test_fulfil_batch_reverts_if_batch_has_more_slots_than_a_mask_can_select(market, listed_batch, prover):
    with ape.reverts(market.BatchTooLarge, slots=257, max=256):
        market.fulfilBatch([0] * 257, b"\x00" * (257 * 4), b"", b"", sender=prover)
