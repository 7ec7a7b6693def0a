"""Model marketplace on anvil: every flow with real ETH and the real micro verifier + proof, and every
rejection leaving the marketplace, the collection and everyone's balances unchanged.

The forge suites (tests/forge/) fuzz the same contract with a stub verifier; here every proof is a real ezkl proof.
"""

from types import SimpleNamespace

import ape
import pytest
from eth_utils import keccak

from support.helpers import TEST_CARD, token_of
from support.reverts import assert_reverts_with, custom_error

LINEAR, EXPONENTIAL = 0, 1
NONE, PENDING, FULFILLED, REFUNDED = 0, 1, 2, 3
FEE_BPS = 250
SPOT = 10**15  # 0.001 ETH
DELTA = 10**14  # +0.0001 ETH per request
ZERO = "0x" + "00" * 20


def fee_of(price: int, bps: int = FEE_BPS) -> int:
    return price * bps // 10_000


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture
def market(project, deployer):
    """A fresh marketplace owned by `deployer`, protocol fee 2.5%."""
    return project.ModelMarketplace.deploy(deployer, FEE_BPS, sender=deployer)


@pytest.fixture
def collection(deploy_collection, micro, micro_verifier, market):
    """A micro collection (real verifier) whose minter is the marketplace."""
    return deploy_collection(micro, micro_verifier, minter=market)


@pytest.fixture
def listed(market, collection, vendor, prover):
    """micro listed by `vendor` (payout: vendor) on a linear curve, with `prover` registered."""
    market.list(collection, vendor, LINEAR, SPOT, DELTA, sender=vendor)
    market.setProver(collection, prover, True, sender=vendor)
    return collection


@pytest.fixture
def claimed(listed, micro, claim_prompt, user):
    """micro's sample prompt claimed by `user`."""
    claim_prompt(listed, micro.sample.prompt, user)
    return listed


@pytest.fixture
def deadline(chain):
    return chain.pending_timestamp + 3600


@pytest.fixture
def requested(market, claimed, micro, user, deadline):
    """`user` requested micro's sample prompt at the spot price; returns the request id."""
    tx = market.requestGeneration(claimed, micro.sample.prompt, SPOT, deadline, value=SPOT, sender=user)
    return tx.return_value


@pytest.fixture(scope="session")
def receiver_container(compile_solidity):
    """A contract requester whose `receive` reverts (mode 1) or burns all gas (mode 2); mode 0 accepts."""
    source = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
interface IMarket {
    function requestGeneration(address, bytes calldata, uint256, uint64) external payable returns (uint256);
    function withdrawRefund(address payable) external;
}
interface IClaim {
    function claim(bytes calldata, address, bytes32) external returns (address);
}
contract HostileRequester {
    uint256 public mode;
    constructor(uint256 mode_) { mode = mode_; }
    function request(IMarket m, address c, bytes calldata p, uint256 maxPrice, uint64 deadline) external payable
        returns (uint256) { return m.requestGeneration{value: msg.value}(c, p, maxPrice, deadline); }
    function withdraw(IMarket m, address payable to) external { m.withdrawRefund(to); }
    function claim(IClaim c, bytes calldata p, bytes32 salt) external { c.claim(p, address(this), salt); }
    receive() external payable {
        if (mode == 1) revert("no ETH");
        if (mode == 2) while (true) {}
    }
}
"""
    return compile_solidity(source, "HostileRequester")


@pytest.fixture(scope="session")
def ownerless_container(compile_solidity):
    """An ERC-7007-looking collection that answers no `owner()`: a stand-in for third-party collections."""
    source = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
contract OwnerlessCollection {
    address public immutable minter;
    address public immutable verifier;
    bytes32 public immutable modelHash;
    constructor(address minter_, address verifier_, bytes32 modelHash_) {
        (minter, verifier, modelHash) = (minter_, verifier_, modelHash_);
    }
    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7 || id == 0x702c55a6;
    }
}
"""
    return compile_solidity(source, "OwnerlessCollection")


@pytest.fixture(scope="module")
def other_model(scratch_model, tmp_path_factory, micro):
    """A second real model with micro's shape (4 latent bytes -> 16 outputs) but other weights: its own ezkl
    artifacts, a real proof and a generated verifier. Its proofs are "the wrong model's proofs" for micro."""
    from dataclasses import replace

    import torch

    from models import registry
    from models.model import Decoder, ProvenDecoder
    from proofs.pipeline import prove_latent

    torch.manual_seed(11)
    spec = registry.get("micro")  # micro's architecture and circuit (clamped, packed), fresh random weights
    art = scratch_model(
        "othermodel",
        ProvenDecoder(Decoder(spec.model)),
        replace(spec.circuit_for(spec.model), logrows=10),
    )
    art.write_meta(proven_shape=list(spec.model.proven_shape), render=spec.model.render)
    enc = art.encoding()
    latent = enc.dequantize_latent(enc.decode_prompt(micro.sample.prompt))  # the same prompt bytes as micro's
    sample = prove_latent(art, latent, tmp_path_factory.mktemp("other-run"))
    assert sample.prompt == micro.sample.prompt
    return SimpleNamespace(
        name="othermodel",
        art=art,
        sample=sample,
        model_hash=art.model_hash(),
        source=art.create_evm_verifier().read_text(),
        encoding_tuple=art.encoding_struct(),
    )


def snapshot(market, collection, prompt: bytes, accounts, request_ids=()):
    """Everything a rejected call must leave unchanged (ETH balances of non-senders included)."""
    try:
        owner = collection.ownerOf(token_of(prompt))
    except Exception:  # noqa: BLE001 - ERC721NonexistentToken
        owner = None
    return {
        "market_eth": market.balance,
        "eth": [a.balance for a in accounts],
        "totals": (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings(), market.protocolFees()),
        "credits": [(market.refundableOf(a), market.earningsOf(a)) for a in accounts],
        "listing": tuple(market.getListing(collection)),
        "requests": [tuple(market.getRequest(i)) for i in request_ids],
        "request_count": market.requestCount(),
        "pending": market.pendingRequestOf(collection, prompt),
        "token_owner": owner,
        "claim": tuple(collection.claimOf(prompt)),
    }


def assert_books_balance(market):
    """The accounting invariant: balance == escrowed + refundable + earnings + fees (no forced ETH here)."""
    owed = market.totalEscrowed() + market.totalRefundable() + market.totalEarnings() + market.protocolFees()
    assert market.balance == owed
    assert market.surplus() == 0


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


# ------------------------------------------------------------------------------------------------ surplus
def test_skim_sends_only_the_forced_eth_to_the_recipient_if_the_owner_calls(
    market, claimed, micro, prover, requested, deployer, stranger, force_eth
):
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)  # earnings and a protocol fee owed
    force_eth(market, 12_345)
    assert market.surplus() == 12_345
    totals = (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings(), market.protocolFees())
    before = stranger.balance
    tx = market.skim(stranger, sender=deployer)
    [log] = tx.decode_logs(market.SurplusSkimmed)
    assert (log.to, log.amount) == (stranger.address, 12_345)
    assert stranger.balance == before + 12_345
    after = (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings(), market.protocolFees())
    assert after == totals == (0, 0, SPOT - fee_of(SPOT), fee_of(SPOT))
    assert_books_balance(market)


def test_skim_reverts_if_caller_is_not_the_owner(market, claimed, micro, requested, stranger, accounts, force_eth):
    force_eth(market, 12_345)
    others = [a for a in accounts[:5] if a != stranger]
    before = snapshot(market, claimed, micro.sample.prompt, others, [requested])
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.skim(stranger, sender=stranger)
    assert snapshot(market, claimed, micro.sample.prompt, others, [requested]) == before
    assert market.surplus() == 12_345


def test_skim_reverts_if_recipient_is_zero(market, claimed, micro, requested, deployer, accounts, force_eth):
    force_eth(market, 12_345)
    others = [a for a in accounts[:5] if a != deployer]
    before = snapshot(market, claimed, micro.sample.prompt, others, [requested])
    with ape.reverts(market.InvalidRecipient):
        market.skim(ZERO, sender=deployer)
    assert snapshot(market, claimed, micro.sample.prompt, others, [requested]) == before
    assert market.surplus() == 12_345


def test_skim_reverts_if_no_eth_was_forced_in(market, claimed, micro, requested, deployer, accounts):
    # The escrowed price is owed to the requester: it is never surplus.
    others = [a for a in accounts[:5] if a != deployer]
    before = snapshot(market, claimed, micro.sample.prompt, others, [requested])
    with ape.reverts(market.NothingToWithdraw, account=deployer.address):
        market.skim(deployer, sender=deployer)
    assert snapshot(market, claimed, micro.sample.prompt, others, [requested]) == before
    assert_books_balance(market)


def test_skim_reverts_and_keeps_the_surplus_if_recipient_rejects_eth(market, deployer, receiver_container, force_eth):
    force_eth(market, 12_345)
    rejecting = receiver_container.deploy(1, sender=deployer)
    with ape.reverts(market.TransferFailed, to=rejecting.address, amount=12_345):
        market.skim(rejecting, sender=deployer)
    assert market.surplus() == 12_345 and market.balance == 12_345


# ------------------------------------------------------------------------------------------------ protocol fee
def test_set_protocol_fee_reverts_if_above_hard_cap_or_not_owner(market, deployer, stranger):
    cap = market.MAX_PROTOCOL_FEE_BPS()
    assert cap == 1_000
    with ape.reverts(market.ProtocolFeeTooHigh, feeBps=cap + 1, maxFeeBps=cap):
        market.setProtocolFee(cap + 1, sender=deployer)
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.setProtocolFee(0, sender=stranger)
    assert market.protocolFeeBps() == FEE_BPS
    tx = market.setProtocolFee(cap, sender=deployer)
    assert tx.decode_logs(market.ProtocolFeeUpdated)[0].newFeeBps == cap


def test_renounce_ownership_reverts_and_keeps_the_owner_if_owner_calls(market, deployer, stranger):
    # Renouncing would lock the accrued protocol fees and any surplus in the contract forever.
    with ape.reverts(market.OwnershipCannotBeRenounced):
        market.renounceOwnership(sender=deployer)
    with ape.reverts(market.OwnershipCannotBeRenounced):
        market.renounceOwnership(sender=stranger)
    assert market.owner() == deployer.address


def test_constructor_reverts_if_fee_above_hard_cap(project, market, deployer):
    with ape.reverts(market.ProtocolFeeTooHigh, feeBps=1_001, maxFeeBps=1_000):
        project.ModelMarketplace.deploy(deployer, 1_001, sender=deployer)


def test_fee_is_fixed_at_request_time(market, claimed, micro, vendor, prover, deployer, requested):
    market.setProtocolFee(1_000, sender=deployer)  # raised after the request: the request keeps 2.5%
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    assert market.protocolFees() == fee_of(SPOT) and market.earningsOf(vendor) == SPOT - fee_of(SPOT)
