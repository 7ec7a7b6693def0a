"""The marketplace from the user's side, on anvil: requesting a generation (escrow, price, deadline, claim) and
refunds; every rejection leaves the marketplace, the collection and everyone's balances unchanged."""

import ape
import pytest
from eth_utils import keccak

from support.marketplace import (
    DELTA,
    FULFILLED,
    LINEAR,
    NONE,
    PENDING,
    REFUNDED,
    SPOT,
    ZERO,
    assert_books_balance,
    fee_of,
    snapshot,
)


# ------------------------------------------------------------------------------------------------ requests
def test_request_escrows_exact_payment_and_emits_requested_if_claim_held(market, claimed, micro, user, deadline, chain):
    before = user.balance
    prompt = micro.sample.prompt
    tx = market.requestGeneration(claimed, prompt, SPOT, deadline, value=SPOT, sender=user)
    assert user.balance == before - SPOT - tx.total_fees_paid
    [log] = tx.decode_logs(market.Requested)
    assert (log.requestId, log.collection, log.requester, log.prompt) == (1, claimed.address, user.address, prompt)
    assert (log.price, log.fee, log.deadline) == (SPOT, fee_of(SPOT), deadline)
    r = market.getRequest(1)
    assert (r.requester, r.deadline, r.status, r.collection) == (user, deadline, PENDING, claimed.address)
    assert (r.price, r.fee, r.promptHash) == (SPOT, fee_of(SPOT), keccak(prompt))
    assert market.pendingRequestOf(claimed, prompt) == 1
    assert market.balance == SPOT == market.totalEscrowed()
    assert_books_balance(market)


def test_request_refunds_excess_in_same_tx_if_overpaid(market, claimed, micro, user, deadline):
    before = user.balance
    tx = market.requestGeneration(claimed, micro.sample.prompt, 10**18, deadline, value=SPOT + 12345, sender=user)
    assert user.balance == before - SPOT - tx.total_fees_paid
    assert market.balance == SPOT and market.refundableOf(user) == 0
    assert_books_balance(market)


def test_request_reverts_if_payment_below_price(market, claimed, micro, user, deadline, vendor):
    state = snapshot(market, claimed, micro.sample.prompt, [vendor])
    with ape.reverts(market.InsufficientPayment, paid=SPOT - 1, price=SPOT):
        market.requestGeneration(claimed, micro.sample.prompt, SPOT, deadline, value=SPOT - 1, sender=user)
    assert snapshot(market, claimed, micro.sample.prompt, [vendor]) == state


def test_request_reverts_if_price_rose_above_max_price(market, claimed, micro, user, vendor, deadline):
    quoted, _ = market.quote(claimed)
    market.setCurve(claimed, LINEAR, quoted * 2, DELTA, sender=vendor)  # the vendor raises the price in between
    state = snapshot(market, claimed, micro.sample.prompt, [vendor])
    with ape.reverts(market.PriceAboveMax, price=quoted * 2, maxPrice=quoted):
        market.requestGeneration(claimed, micro.sample.prompt, quoted, deadline, value=quoted * 2, sender=user)
    assert snapshot(market, claimed, micro.sample.prompt, [vendor]) == state


def test_request_reverts_if_caller_does_not_hold_the_claim(market, claimed, micro, user, stranger, deadline, vendor):
    state = snapshot(market, claimed, micro.sample.prompt, [vendor, user])
    with ape.reverts(market.NotClaimant, claimant=user.address, account=stranger.address):
        market.requestGeneration(claimed, micro.sample.prompt, SPOT, deadline, value=SPOT, sender=stranger)
    assert snapshot(market, claimed, micro.sample.prompt, [vendor, user]) == state


def test_request_reverts_if_prompt_not_claimed(market, listed, micro_fresh, user, deadline):
    with ape.reverts(market.NotClaimant, claimant=ZERO, account=user.address):
        market.requestGeneration(listed, micro_fresh.prompt, SPOT, deadline, value=SPOT, sender=user)


def test_request_reverts_if_deadline_not_before_claim_expiry(market, claimed, micro, user):
    _, expiry = claimed.claimOf(micro.sample.prompt)
    with ape.reverts(market.DeadlineNotBeforeClaimExpiry, deadline=expiry, expiry=expiry):
        market.requestGeneration(claimed, micro.sample.prompt, SPOT, expiry, value=SPOT, sender=user)
    assert market.requestCount() == 0


def test_request_reverts_if_deadline_not_in_future(market, claimed, micro, user, chain):
    with ape.reverts(market.DeadlineTooSoon):
        market.requestGeneration(
            claimed, micro.sample.prompt, SPOT, chain.blocks.head.timestamp, value=SPOT, sender=user
        )
    assert market.requestCount() == 0


def test_request_reverts_if_deadline_is_within_the_listings_fulfilment_window(
    market, claimed, micro, user, vendor, chain
):
    # A deadline the prover cannot meet (here: the next second) would make it prove for nothing.
    prompt = micro.sample.prompt
    now = chain.blocks.head.timestamp + 100
    window = market.getListing(claimed).fulfilmentWindow
    state = snapshot(market, claimed, prompt, [vendor])
    for deadline in (now + 1, now + window - 1):
        chain.pending_timestamp = now
        with ape.reverts(market.DeadlineTooSoon, deadline=deadline, earliest=now + window):
            market.requestGeneration(claimed, prompt, SPOT, deadline, value=SPOT, sender=user)
        assert snapshot(market, claimed, prompt, [vendor]) == state
    chain.pending_timestamp = now
    market.requestGeneration(claimed, prompt, SPOT, now + window, value=SPOT, sender=user)  # the earliest allowed


@pytest.mark.parametrize("length", [0, 3, 5])
def test_request_reverts_if_prompt_length_is_not_the_models(market, listed, micro, user, vendor, deadline, length):
    # Such a prompt can never be proven: paying for it would only lock the ETH until the deadline.
    prompt = (micro.sample.prompt * 2)[:length]
    state = snapshot(market, listed, prompt, [vendor])
    with ape.reverts(market.InvalidPromptLength, collection=listed.address, length=length, expected=4):
        market.requestGeneration(listed, prompt, SPOT, deadline, value=SPOT, sender=user)
    assert snapshot(market, listed, prompt, [vendor]) == state


def test_request_prices_concurrent_requests_like_sequential_ones_if_none_is_fulfilled_yet(
    market, listed, micro, micro_fresh, claim_prompt, user, stranger, vendor, deadline
):
    # Three requests before any fulfilment pay what three in a row would: SPOT, SPOT + DELTA, SPOT + 2 DELTA.
    prompts = [micro.sample.prompt, micro_fresh.prompt, bytes.fromhex("01020304")]
    for prompt in prompts:
        claim_prompt(listed, prompt, user)
    prices = []
    for prompt in prompts:
        price, _ = market.quote(listed)
        tx = market.requestGeneration(listed, prompt, price, deadline, value=price, sender=user)
        [log] = tx.decode_logs(market.Requested)
        assert log.nextSpotPrice == price + DELTA
        prices.append(log.price)
    assert prices == [SPOT, SPOT + DELTA, SPOT + 2 * DELTA]
    assert market.getListing(listed).spotPrice == SPOT + 3 * DELTA
    assert market.totalEscrowed() == 3 * SPOT + 3 * DELTA
    assert_books_balance(market)


def test_refund_keeps_the_price_step_its_request_took(market, claimed, micro, user, requested, deadline, chain):
    # A refund returns the escrow in full; the curve step stays taken, so refunds cannot be used to replay a
    # price point.
    chain.pending_timestamp = deadline + 1
    market.refund(requested, sender=user)
    assert market.getListing(claimed).spotPrice == SPOT + DELTA
    assert market.quote(claimed)[0] == SPOT + DELTA


def test_request_reverts_if_prompt_already_has_a_live_request(
    market, claimed, micro, user, requested, deadline, vendor
):
    state = snapshot(market, claimed, micro.sample.prompt, [vendor], [requested])
    with ape.reverts(market.PromptAlreadyRequested, collection=claimed.address, requestId=requested):
        market.requestGeneration(claimed, micro.sample.prompt, SPOT, deadline, value=SPOT, sender=user)
    assert snapshot(market, claimed, micro.sample.prompt, [vendor], [requested]) == state


def test_request_reverts_if_listing_paused_and_succeeds_after_unpause(market, claimed, micro, user, vendor, deadline):
    tx = market.pause(claimed, sender=vendor)
    assert tx.decode_logs(market.ListingPaused)[0].collection == claimed.address
    with ape.reverts(market.ListingIsPaused, collection=claimed.address):
        market.requestGeneration(claimed, micro.sample.prompt, SPOT, deadline, value=SPOT, sender=user)
    assert market.requestCount() == 0 and market.balance == 0
    market.unpause(claimed, sender=vendor)
    market.requestGeneration(claimed, micro.sample.prompt, SPOT, deadline, value=SPOT, sender=user)
    assert market.getRequest(1).status == PENDING


def test_request_reverts_if_collection_not_listed(market, collection, micro, user, deadline):
    with ape.reverts(market.ListingNotFound, collection=collection.address):
        market.requestGeneration(collection, micro.sample.prompt, SPOT, deadline, value=SPOT, sender=user)


# ------------------------------------------------------------------------------------------------ refunds
def test_refund_returns_full_price_to_requester_if_deadline_passed(
    market, claimed, micro, user, stranger, requested, deadline, chain
):
    chain.pending_timestamp = deadline + 1
    before = user.balance
    tx = market.refund(requested, sender=stranger)  # anyone may trigger it; the requester gets the ETH
    assert user.balance == before + SPOT
    [log] = tx.decode_logs(market.Refunded)
    assert (log.requestId, log.requester, log.amount) == (requested, user.address, SPOT)
    assert not tx.decode_logs(market.PaymentDeferred)
    assert market.getRequest(requested).status == REFUNDED
    assert (
        market.balance == 0
        and market.totalEscrowed() == 0
        and market.pendingRequestOf(claimed, micro.sample.prompt) == 0
    )
    assert_books_balance(market)


def test_refund_reverts_if_deadline_not_passed(
    market, claimed, micro, user, vendor, stranger, requested, deadline, chain
):
    chain.pending_timestamp = deadline  # the deadline itself still belongs to the prover
    state = snapshot(market, claimed, micro.sample.prompt, [vendor, user], [requested])
    with ape.reverts(market.RequestNotExpired, requestId=requested, deadline=deadline):
        market.refund(requested, sender=stranger)
    assert snapshot(market, claimed, micro.sample.prompt, [vendor, user], [requested]) == state


def test_refund_reverts_if_already_refunded_or_fulfilled(
    market, claimed, micro, prover, stranger, requested, deadline, chain
):
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    chain.pending_timestamp = deadline + 1
    with ape.reverts(market.RequestNotPending, requestId=requested, status=FULFILLED):
        market.refund(requested, sender=stranger)
    with ape.reverts(market.RequestNotPending, requestId=999, status=NONE):
        market.refund(999, sender=stranger)


def test_refund_succeeds_if_listing_paused(market, claimed, user, vendor, stranger, requested, deadline, chain):
    market.pause(claimed, sender=vendor)
    chain.pending_timestamp = deadline + 1
    before = user.balance
    market.refund(requested, sender=stranger)
    assert user.balance == before + SPOT


def test_request_succeeds_again_if_previous_request_expired(market, claimed, micro, user, requested, deadline, chain):
    chain.pending_timestamp = deadline + 1  # the old request is refundable; it must not block a new one
    price = SPOT + DELTA  # the old request took the first step of the curve
    rid = market.requestGeneration(
        claimed, micro.sample.prompt, price, deadline + 600, value=price, sender=user
    ).return_value
    assert market.pendingRequestOf(claimed, micro.sample.prompt) == rid
    market.refund(requested, sender=user)  # refunding the old one keeps the new one pending
    assert market.pendingRequestOf(claimed, micro.sample.prompt) == rid
    assert market.totalEscrowed() == price
    assert_books_balance(market)


@pytest.mark.parametrize("mode", [1, 2], ids=["reverting", "gas-burning"])
def test_refund_credits_pull_balance_if_requester_cannot_receive(
    market, claimed, micro, receiver_container, claim_prompt, micro_fresh, deployer, stranger, user, chain, mode
):
    hostile = receiver_container.deploy(mode, sender=deployer)
    salt = b"\x66" * 32
    claimed.commit(claimed.makeCommitment(micro_fresh.prompt, hostile, salt), sender=deployer)
    chain.pending_timestamp += claimed.MIN_COMMITMENT_AGE()
    hostile.claim(claimed, micro_fresh.prompt, salt, sender=deployer)  # a claim is revealed by its claimant
    deadline = chain.pending_timestamp + 600
    # Overpaying: the excess cannot be pushed back, so it is credited, and the request still goes through.
    tx = hostile.request(market, claimed, micro_fresh.prompt, SPOT, deadline, value=SPOT + 7, sender=deployer)
    assert [(d.account, d.amount) for d in tx.decode_logs(market.PaymentDeferred)] == [(hostile.address, 7)]
    chain.pending_timestamp = deadline + 1
    tx = market.refund(1, sender=stranger)  # a hostile receiver cannot block (or grief) the refund
    assert [(d.account, d.amount) for d in tx.decode_logs(market.PaymentDeferred)] == [(hostile.address, SPOT)]
    assert market.getRequest(1).status == REFUNDED
    assert market.refundableOf(hostile) == SPOT + 7 == market.totalRefundable()
    assert_books_balance(market)
    before = user.balance
    hostile.withdraw(market, user, sender=deployer)  # pulled to an address of its choice
    assert user.balance == before + SPOT + 7
    assert market.refundableOf(hostile) == 0 and market.balance == 0
