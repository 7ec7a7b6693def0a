"""The marketplace from the vendor's side, on anvil: listing a collection, the listing's settings (curve, payout,
provers, fulfilment window, pause), and withdrawing earnings; every rejection leaves everything unchanged."""

import ape
import pytest

from support.helpers import TEST_CARD
from support.marketplace import (
    DELTA,
    EXPONENTIAL,
    LINEAR,
    SPOT,
    ZERO,
    assert_books_balance,
    fee_of,
)


# ------------------------------------------------------------------------------------------------ listing
def test_list_records_listing_and_emits_listed_if_collection_minter_is_market(
    market, collection, vendor, micro, micro_verifier
):
    tx = market.list(collection, vendor, LINEAR, SPOT, DELTA, sender=vendor)
    [log] = tx.decode_logs(market.Listed)
    assert (log.collection, log.vendor, log.verifier) == (collection.address, vendor.address, micro_verifier.address)
    assert log.modelHash == bytes.fromhex(micro.model_hash[2:])
    listing = market.getListing(collection)
    assert (listing.vendor, listing.paused, listing.curveType, listing.payout) == (vendor, False, LINEAR, vendor)
    assert (listing.spotPrice, listing.delta, listing.generations) == (SPOT, DELTA, 0)
    assert market.collectionOfVerifier(vendor, micro_verifier) == collection.address
    assert market.collectionOfModel(vendor, micro.model_hash) == collection.address
    assert listing.fulfilmentWindow == market.MIN_FULFILMENT_WINDOW()
    assert market.quote(collection) == (SPOT, fee_of(SPOT))


def test_list_reverts_if_collection_already_listed(market, listed, vendor, stranger):
    with ape.reverts(market.CollectionAlreadyListed, collection=listed.address):
        market.list(listed, stranger, LINEAR, 1, 1, sender=stranger)
    assert market.getListing(listed).vendor == vendor


def test_list_reverts_if_caller_is_not_the_collections_owner(market, collection, vendor, stranger):
    # A watcher of the vendor's deployment cannot list the collection first and become its vendor.
    with ape.reverts(
        market.NotCollectionOwner, collection=collection.address, account=stranger.address, owner=vendor.address
    ):
        market.list(collection, stranger, LINEAR, SPOT, DELTA, sender=stranger)
    assert market.getListing(collection).vendor == ZERO


def test_list_reverts_if_collection_minter_is_not_the_market(market, deploy_collection, micro, micro_verifier, vendor):
    open_collection = deploy_collection(micro, micro_verifier)  # minter 0: anyone could mint around the escrow
    with ape.reverts(market.MarketplaceIsNotMinter, collection=open_collection.address, minter=ZERO):
        market.list(open_collection, vendor, LINEAR, SPOT, DELTA, sender=vendor)
    assert market.getListing(open_collection).vendor == ZERO


def test_list_reverts_if_verifier_already_backs_a_listing_of_the_same_vendor(
    market, listed, deploy_collection, micro, micro_verifier, vendor
):
    twin = deploy_collection(micro, micro_verifier, minter=market, model_hash="0x" + "11" * 32)
    with ape.reverts(
        market.VerifierAlreadyListed,
        vendor=vendor.address,
        verifier=micro_verifier.address,
        collection=listed.address,
    ):
        market.list(twin, vendor, LINEAR, SPOT, DELTA, sender=vendor)
    assert market.getListing(twin).vendor == ZERO


def test_list_reverts_if_model_already_listed_by_the_same_vendor(
    project, market, listed, deploy_collection, micro, deployer, vendor
):
    second_verifier = project.MicroVerifier.deploy(sender=deployer)  # same model, another verifier deployment
    twin = deploy_collection(micro, second_verifier, minter=market)
    with ape.reverts(
        market.ModelAlreadyListed,
        vendor=vendor.address,
        modelHash=bytes.fromhex(micro.model_hash[2:]),
        collection=listed.address,
    ):
        market.list(twin, vendor, LINEAR, SPOT, DELTA, sender=vendor)
    assert market.collectionOfVerifier(vendor, second_verifier) == ZERO


def test_list_succeeds_if_a_squatter_listed_the_vendors_verifier_and_model_hash_first(
    project, market, collection, micro, micro_verifier, vendor, stranger
):
    # The squatter's own collection, naming the vendor's verifier and the public model hash, listed first.
    squat = project.ERC7007Collection.deploy(
        "squat",
        "SQ",
        micro_verifier,
        micro.model_hash,
        micro.encoding_tuple,
        market,
        stranger,
        TEST_CARD,
        sender=stranger,
    )
    market.list(squat, stranger, LINEAR, 1, 0, sender=stranger)
    market.list(collection, vendor, LINEAR, SPOT, DELTA, sender=vendor)  # the vendor is not locked out
    assert market.getListing(collection).vendor == vendor
    assert market.collectionOfModel(vendor, micro.model_hash) == collection.address
    assert market.collectionOfVerifier(vendor, micro_verifier) == collection.address
    assert market.collectionOfModel(stranger, micro.model_hash) == squat.address  # the squatter's own namespace


def test_collection_of_model_never_returns_another_vendors_collection_if_model_hash_squatted(
    project, market, micro, deployer, vendor, stranger
):
    # A squatter with the model hash and a verifier of its own (here one that accepts nothing) lists first: a
    # lookup of the vendor's model must not lead to it, before or after the vendor lists anything.
    junk_verifier = project.FaultyVerifier.deploy(0, sender=deployer)
    squat = project.ERC7007Collection.deploy(
        "squat",
        "SQ",
        junk_verifier,
        micro.model_hash,
        micro.encoding_tuple,
        market,
        stranger,
        TEST_CARD,
        sender=stranger,
    )
    market.list(squat, stranger, LINEAR, 1, 0, sender=stranger)
    assert market.collectionOfModel(vendor, micro.model_hash) == ZERO
    assert market.collectionOfVerifier(vendor, junk_verifier) == ZERO


def test_list_reverts_if_collection_reports_no_owner(market, ownerless_container, micro_verifier, micro, stranger):
    # Without an owner() the marketplace cannot tell the vendor from a squatter: such a collection is not listed.
    ownerless = ownerless_container.deploy(market, micro_verifier, micro.model_hash, sender=stranger)
    with ape.reverts(market.NotCollectionOwner, collection=ownerless.address, account=stranger.address, owner=ZERO):
        market.list(ownerless, stranger, LINEAR, SPOT, DELTA, sender=stranger)
    assert market.getListing(ownerless).vendor == ZERO


def test_list_reverts_if_target_is_not_an_erc7007_collection(project, market, micro_verifier, deployer, vendor):
    plain_nft = project.MockERC721.deploy("plain", "NFT", sender=deployer)  # ERC-721 and ERC-165, not ERC-7007
    for target in (plain_nft, micro_verifier):
        with ape.reverts(market.NotAnERC7007Collection, collection=target.address):
            market.list(target, vendor, LINEAR, SPOT, DELTA, sender=vendor)


@pytest.mark.parametrize(
    "curve,spot,delta",
    [(EXPONENTIAL, 10**9, 10**18 - 1), (EXPONENTIAL, 10**9, 2 * 10**18 + 1), (EXPONENTIAL, 10**9 - 1, 10**18)],
)
def test_list_reverts_if_curve_is_invalid(market, collection, vendor, curve, spot, delta):
    with ape.reverts(market.InvalidCurve, curveType=curve, spotPrice=spot, delta=delta):
        market.list(collection, vendor, curve, spot, delta, sender=vendor)


def test_list_reverts_if_payout_is_zero(market, collection, vendor):
    with ape.reverts(market.InvalidPayout):
        market.list(collection, ZERO, LINEAR, SPOT, DELTA, sender=vendor)


# ------------------------------------------------------------------------------------------------ vendor admin
def test_vendor_setters_revert_if_caller_is_not_vendor(market, listed, stranger):
    for call in (
        lambda: market.pause(listed, sender=stranger),
        lambda: market.unpause(listed, sender=stranger),
        lambda: market.setCurve(listed, LINEAR, 0, 0, sender=stranger),
        lambda: market.setPayout(listed, stranger, sender=stranger),
        lambda: market.setProver(listed, stranger, True, sender=stranger),
    ):
        with ape.reverts(market.NotVendor, collection=listed.address, account=stranger.address):
            call()
    assert not market.isProver(listed, stranger)
    assert market.getListing(listed).spotPrice == SPOT


def test_set_curve_changes_next_price_only_if_caller_is_vendor(market, listed, vendor):
    tx = market.setCurve(listed, EXPONENTIAL, 10**9, 15 * 10**17, sender=vendor)
    assert tx.decode_logs(market.CurveUpdated)[0].spotPrice == 10**9
    assert market.quote(listed) == (10**9, fee_of(10**9))


# ------------------------------------------------------------------------------------------------ fulfilment window
def test_set_fulfilment_window_moves_the_earliest_deadline_if_caller_is_vendor(
    market, claimed, micro, user, vendor, chain
):
    tx = market.setFulfilmentWindow(claimed, 3600, sender=vendor)
    [log] = tx.decode_logs(market.FulfilmentWindowUpdated)
    assert (log.collection, log.window) == (claimed.address, 3600)
    assert market.getListing(claimed).fulfilmentWindow == 3600
    now = chain.blocks.head.timestamp + 100
    chain.pending_timestamp = now
    with ape.reverts(market.DeadlineTooSoon, deadline=now + 3599, earliest=now + 3600):
        market.requestGeneration(claimed, micro.sample.prompt, SPOT, now + 3599, value=SPOT, sender=user)


def test_set_fulfilment_window_reverts_if_outside_its_bounds_or_caller_is_not_vendor(market, listed, vendor, stranger):
    low, high = market.MIN_FULFILMENT_WINDOW(), market.MAX_FULFILMENT_WINDOW()
    assert (low, high) == (300, 86400)
    for window in (0, low - 1, high + 1):
        with ape.reverts(market.InvalidFulfilmentWindow, window=window, minWindow=low, maxWindow=high):
            market.setFulfilmentWindow(listed, window, sender=vendor)
    with ape.reverts(market.NotVendor, collection=listed.address, account=stranger.address):
        market.setFulfilmentWindow(listed, high, sender=stranger)
    assert market.getListing(listed).fulfilmentWindow == low


# ------------------------------------------------------------------------------------------------ withdrawals
def test_withdraw_earnings_sends_payout_balance_and_fees_go_to_owner(
    market, claimed, micro, vendor, prover, deployer, stranger, requested
):
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    fee = fee_of(SPOT)
    before = stranger.balance
    tx = market.withdrawEarnings(stranger, sender=vendor)
    assert stranger.balance == before + SPOT - fee
    assert tx.decode_logs(market.EarningsWithdrawn)[0].amount == SPOT - fee
    before = stranger.balance
    market.withdrawProtocolFees(stranger, sender=deployer)
    assert stranger.balance == before + fee
    assert market.balance == 0
    assert_books_balance(market)


def test_withdraw_earnings_goes_to_new_payout_if_vendor_changed_it(
    market, claimed, micro, vendor, prover, stranger, requested
):
    market.setPayout(claimed, stranger, sender=vendor)
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    assert market.earningsOf(stranger) == SPOT - fee_of(SPOT) and market.earningsOf(vendor) == 0


def test_withdrawals_revert_if_nothing_to_withdraw(market, vendor, deployer):
    with ape.reverts(market.NothingToWithdraw, account=vendor.address):
        market.withdrawEarnings(vendor, sender=vendor)
    with ape.reverts(market.NothingToWithdraw, account=vendor.address):
        market.withdrawRefund(vendor, sender=vendor)
    with ape.reverts(market.NothingToWithdraw, account=deployer.address):
        market.withdrawProtocolFees(deployer, sender=deployer)


def test_withdraw_earnings_reverts_and_keeps_balance_if_recipient_rejects_eth(
    market, claimed, micro, vendor, prover, requested, receiver_container, deployer
):
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    rejecting = receiver_container.deploy(1, sender=deployer)
    with ape.reverts(market.TransferFailed, to=rejecting.address, amount=SPOT - fee_of(SPOT)):
        market.withdrawEarnings(rejecting, sender=vendor)
    assert market.earningsOf(vendor) == SPOT - fee_of(SPOT)
    assert_books_balance(market)
