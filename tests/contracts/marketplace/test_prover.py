"""The marketplace from the prover's side, on anvil: `fulfil` with the real micro verifier and real ezkl proofs
(mint to the requester, credit the vendor), and every way a fulfilment is refused."""

import ape
import pytest

from support.helpers import token_of
from support.marketplace import (
    DELTA,
    EXPONENTIAL,
    FULFILLED,
    LINEAR,
    PENDING,
    REFUNDED,
    SPOT,
    ZERO,
    assert_books_balance,
    fee_of,
    snapshot,
)
from support.reverts import assert_reverts_with, custom_error


# ------------------------------------------------------------------------------------------------ fulfil
def test_fulfil_mints_to_requester_credits_vendor_and_advances_price_if_proof_real(
    market, claimed, micro, user, vendor, prover, requested
):
    s = micro.sample
    token = token_of(s.prompt)
    tx = market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    assert tx.return_value == token
    assert claimed.ownerOf(token) == user  # the NFT went to the requester, not to the prover or the vendor
    assert claimed.aigcDataOf(token) == s.aigc
    transfers = tx.decode_logs(claimed.Transfer)
    assert [(t["from"], t.to, t.tokenId) for t in transfers] == [(ZERO, user.address, token)]
    [log] = tx.decode_logs(market.Fulfilled)
    fee = fee_of(SPOT)
    assert (log.requestId, log.collection, log.prover, log.tokenId) == (
        requested,
        claimed.address,
        prover.address,
        token,
    )
    assert (log.payout, log.vendorAmount, log.fee) == (vendor.address, SPOT - fee, fee)
    assert market.getRequest(requested).status == FULFILLED
    assert market.pendingRequestOf(claimed, s.prompt) == 0
    assert market.earningsOf(vendor) == SPOT - fee and market.protocolFees() == fee
    assert market.totalEscrowed() == 0
    listing = market.getListing(claimed)
    assert (listing.spotPrice, listing.generations) == (SPOT + DELTA, 1)  # one step, taken at request time
    assert market.quote(claimed)[0] == SPOT + DELTA
    assert_books_balance(market)


def test_fulfil_mints_freshly_proven_prompt_at_exponential_price(
    market, listed, micro_fresh, claim_prompt, user, vendor, prover, chain
):
    market.setCurve(listed, EXPONENTIAL, 10**9, 15 * 10**17, sender=vendor)
    claim_prompt(listed, micro_fresh.prompt, user)
    rid = market.requestGeneration(
        listed, micro_fresh.prompt, 10**9, chain.pending_timestamp + 600, value=10**9, sender=user
    ).return_value
    market.fulfil(rid, micro_fresh.prompt, micro_fresh.aigc, "", micro_fresh.proof, sender=prover)
    assert listed.ownerOf(token_of(micro_fresh.prompt)) == user
    assert market.getListing(listed).spotPrice == 15 * 10**8  # ceil(1e9 * 1.5)


def test_fulfil_reverts_if_caller_is_not_a_prover(market, claimed, micro, user, vendor, stranger, requested):
    s = micro.sample
    state = snapshot(market, claimed, s.prompt, [vendor, user], [requested])
    with ape.reverts(market.NotProver, collection=claimed.address, account=stranger.address):
        market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=stranger)
    assert snapshot(market, claimed, s.prompt, [vendor, user], [requested]) == state


def test_fulfil_reverts_if_vendor_removed_the_prover(market, claimed, micro, vendor, prover, requested):
    market.setProver(claimed, prover, False, sender=vendor)
    s = micro.sample
    with ape.reverts(market.NotProver, collection=claimed.address, account=prover.address):
        market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    assert market.getRequest(requested).status == PENDING


@pytest.mark.parametrize("part", ["proof", "aigc"])
def test_fulfil_reverts_if_proof_or_output_tampered(
    market, claimed, micro, user, vendor, prover, requested, chain, part
):
    s = micro.sample
    proof, aigc = bytearray(s.proof), bytearray(s.aigc)
    (proof if part == "proof" else aigc)[-1] ^= 0x01
    state = snapshot(market, claimed, s.prompt, [vendor, user], [requested])
    invalid = custom_error(claimed.ERC7007InvalidProof, token_of(s.prompt))
    assert_reverts_with(
        chain, market.fulfil, requested, s.prompt, bytes(aigc), "", bytes(proof), sender=prover, error=invalid
    )
    assert snapshot(market, claimed, s.prompt, [vendor, user], [requested]) == state


def test_fulfil_reverts_if_prompt_is_not_the_requests(
    market, claimed, micro, micro_fresh, vendor, user, prover, requested
):
    state = snapshot(market, claimed, micro.sample.prompt, [vendor, user], [requested])
    with ape.reverts(market.PromptMismatch, requestId=requested):
        market.fulfil(requested, micro_fresh.prompt, micro_fresh.aigc, "", micro_fresh.proof, sender=prover)
    assert snapshot(market, claimed, micro.sample.prompt, [vendor, user], [requested]) == state


@pytest.mark.slow  # builds a second real model and its verifier
def test_fulfil_reverts_if_proof_is_the_wrong_models(
    project,
    market,
    claimed,
    micro,
    other_model,
    deploy_collection,
    compile_solidity,
    claim_prompt,
    deployer,
    vendor,
    user,
    prover,
    requested,
    chain,
):
    # The other model's real proof for the same prompt bytes, submitted for micro's request: rejected.
    o = other_model.sample
    assert o.prompt == micro.sample.prompt and o.aigc != micro.sample.aigc
    state = snapshot(market, claimed, o.prompt, [vendor, user], [requested])
    invalid = custom_error(claimed.ERC7007InvalidProof, token_of(o.prompt))
    assert_reverts_with(chain, market.fulfil, requested, o.prompt, o.aigc, "", o.proof, sender=prover, error=invalid)
    # micro's output, the other model's proof
    assert_reverts_with(
        chain, market.fulfil, requested, o.prompt, micro.sample.aigc, "", o.proof, sender=prover, error=invalid
    )
    assert snapshot(market, claimed, o.prompt, [vendor, user], [requested]) == state

    # And the other way round: the other model listed with its own real verifier refuses micro's proof, and
    # accepts its own.
    verifier = compile_solidity(other_model.source, "OthermodelVerifier").deploy(sender=deployer)
    other = deploy_collection(other_model, verifier, minter=market)
    market.list(other, vendor, LINEAR, SPOT, DELTA, sender=vendor)
    market.setProver(other, prover, True, sender=vendor)
    claim_prompt(other, o.prompt, user)
    rid = market.requestGeneration(
        other, o.prompt, SPOT, chain.pending_timestamp + 600, value=SPOT, sender=user
    ).return_value
    m = micro.sample
    refused = custom_error(other.ERC7007InvalidProof, token_of(o.prompt))
    assert_reverts_with(chain, market.fulfil, rid, m.prompt, m.aigc, "", m.proof, sender=prover, error=refused)
    market.fulfil(rid, o.prompt, o.aigc, "", o.proof, sender=prover)
    assert other.ownerOf(token_of(o.prompt)) == user
    assert market.getRequest(requested).status == PENDING  # micro's request is untouched


def test_fulfil_reverts_if_request_already_fulfilled(market, claimed, micro, vendor, user, prover, requested):
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    state = snapshot(market, claimed, s.prompt, [vendor, user], [requested])
    with ape.reverts(market.RequestNotPending, requestId=requested, status=FULFILLED):
        market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)  # replay
    assert snapshot(market, claimed, s.prompt, [vendor, user], [requested]) == state


def test_fulfil_reverts_if_request_was_refunded(
    market, claimed, micro, vendor, user, prover, stranger, requested, deadline, chain
):
    chain.pending_timestamp = deadline + 1
    market.refund(requested, sender=stranger)
    s = micro.sample
    state = snapshot(market, claimed, s.prompt, [vendor, user], [requested])
    with ape.reverts(market.RequestNotPending, requestId=requested, status=REFUNDED):
        market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    assert snapshot(market, claimed, s.prompt, [vendor, user], [requested]) == state


def test_fulfil_reverts_if_deadline_passed(market, claimed, micro, vendor, user, prover, requested, deadline, chain):
    chain.pending_timestamp = deadline + 1
    s = micro.sample
    state = snapshot(market, claimed, s.prompt, [vendor, user], [requested])
    with ape.reverts(market.RequestExpired, requestId=requested, deadline=deadline):
        market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    assert snapshot(market, claimed, s.prompt, [vendor, user], [requested]) == state


def test_fulfil_succeeds_if_listing_paused_after_request(market, claimed, micro, user, vendor, prover, requested):
    market.pause(claimed, sender=vendor)
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    assert claimed.ownerOf(token_of(s.prompt)) == user


def test_collection_mint_reverts_if_called_around_the_market(claimed, micro, market, prover, requested):
    s = micro.sample  # the prover cannot mint directly and skip paying the escrow out properly
    with ape.reverts(claimed.ERC7007UnauthorizedMinter, caller=prover.address, minter=market.address):
        claimed.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
