"""Batch mints on anvil with micro's real batch-4 verifier and a real batch proof: one proof for 4 prompts, one call
mints the 4 tokens to their claimants; every tampered batch (swapped slots, a flipped bit in any slot, a duplicated
prompt, a single proof on the batch path or the reverse, aigcDatas that are not whole slots) is rejected
and leaves the collection unchanged. The marketplace's `fulfilBatch` mints a batch with real ETH."""

import json

import ape
import pytest
from ape.utils import ZERO_ADDRESS
from eth_utils import keccak

from proofs.proven import ProvenBatch
from support.helpers import TEST_CARD, flip, token_of
from support.reverts import assert_reverts_with, custom_error

SIZE = 4


@pytest.fixture(scope="session")
def batch_sample(micro):
    """micro's committed batch-4 sample: 4 prompts, their images, one proof."""
    art = micro.art.batch_circuit(SIZE)
    return ProvenBatch.from_json(json.loads((art.samples / "sample-0.json").read_text()))


@pytest.fixture(scope="session")
def micro_batch_verifier(project, deployer):
    """micro's real batch-4 verifier (MicroBatch4Verifier), deployed once."""
    return project.MicroBatch4Verifier.deploy(sender=deployer)


@pytest.fixture(scope="session")
def claimants(accounts):
    """One claimant per slot, all distinct."""
    return [accounts[i] for i in (2, 4, 5, 6)]


@pytest.fixture(scope="session")
def deploy_batch_collection(project, vendor, micro, micro_verifier, micro_batch_verifier):
    """Factory: an ERC7007BatchCollection for micro with its single and batch-4 verifiers."""

    def deploy(minter=ZERO_ADDRESS, encoding=None, batch_verifiers=None):
        return project.ERC7007BatchCollection.deploy(
            "zkaigc micro",
            "AIGC",
            micro_verifier,
            micro.model_hash,
            encoding or micro.encoding_tuple,
            minter,
            vendor,
            TEST_CARD,
            [(SIZE, micro_batch_verifier)] if batch_verifiers is None else batch_verifiers,
            sender=vendor,
        )

    return deploy


@pytest.fixture
def claimed_batch(deploy_batch_collection, batch_sample, claim_prompt, claimants):
    """A fresh batch collection (no minter) with each slot's prompt claimed by its own claimant."""
    collection = deploy_batch_collection()
    for prompt, claimant in zip(batch_sample.prompts, claimants, strict=True):
        claim_prompt(collection, prompt, claimant)
    return collection


@pytest.fixture
def state(accounts):
    """Factory: everything a rejected batch must leave unchanged (owners, claims, balances of every slot)."""

    def snapshot(collection, prompts):
        owners = []
        for prompt in prompts:
            try:
                owners.append(collection.ownerOf(token_of(prompt)))
            except Exception:  # noqa: BLE001 - ERC721NonexistentToken: no owner
                owners.append(None)
        return {
            "owners": owners,
            "claims": [tuple(collection.claimOf(p)) for p in prompts],
            "balances": [collection.balanceOf(a) for a in accounts[:8]],
        }

    return snapshot


def _concat(parts):
    return b"".join(parts)


# ---------------------------------------------------------------------------------------------- the happy path
def test_mint_batch_mints_every_slot_to_its_claimant_if_batch_proof_is_valid(
    claimed_batch, batch_sample, claimants, prover
):
    b = batch_sample
    tx = claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b1111, sender=prover)
    batch = tx.return_value
    for i, (prompt, aigc) in enumerate(zip(b.prompts, b.aigcs, strict=True)):
        token = token_of(prompt)
        assert claimed_batch.ownerOf(token) == claimants[i]
        assert claimed_batch.aigcDataOf(token) == aigc
        assert claimed_batch.prompt(token) == prompt
        assert claimed_batch.claimOf(prompt) == (ZERO_ADDRESS, 0)  # consumed by the mint
        stored = claimed_batch.batchDataOf(token)
        assert (stored.batch, stored.slot) == (batch, i)
        assert (stored.prompts, stored.aigcDatas) == (b.prompts_bytes, b.aigcs_bytes)
    [event] = tx.decode_logs(claimed_batch.AigcBatch)
    assert (event.batch, event.size, event.mintMask, event.proof) == (batch, SIZE, 0b1111, b.proof)
    # The proof travels once: every token's AigcData carries none.
    assert [e.proof for e in tx.decode_logs(claimed_batch.AigcData)] == [b""] * SIZE
    # A batch-minted token stays verifiable: its stored batch and the event's proof re-check it.
    assert claimed_batch.verifyBatch(stored.prompts, stored.aigcDatas, event.proof)


def test_mint_batch_locates_each_token_in_its_own_batch_if_one_proof_is_minted_in_two_parts(
    claimed_batch, batch_sample, claimants, prover
):
    # The same proof, minted as two partial batches: two data contracts, and each token's locator (kept in the
    # slot its claim freed) finds its own batch and slot.
    b = batch_sample
    first = claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b0011, sender=prover).return_value
    second = claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b1100, sender=prover).return_value
    assert first != second
    for i, prompt in enumerate(b.prompts):
        token = token_of(prompt)
        stored = claimed_batch.batchDataOf(token)
        assert (stored.batch, stored.slot) == (first if i < 2 else second, i)
        assert claimed_batch.aigcDataOf(token) == b.aigcs[i]
        assert claimed_batch.ownerOf(token) == claimants[i]
        assert claimed_batch.claimOf(prompt) == (ZERO_ADDRESS, 0)


def test_batch_minted_token_renders_its_slot_if_minted(claimed_batch, batch_sample, prover, token_metadata):
    b = batch_sample
    claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b1111, sender=prover)
    meta = token_metadata.parse_token_uri(claimed_batch.tokenURI(token_of(b.prompts[2])))
    assert meta["prompt"] == "0x" + b.prompts[2].hex()


def test_batch_data_of_returns_the_tokens_own_bytes_if_it_was_minted_alone(
    claimed_batch, batch_sample, micro, prover, claimants
):
    # A batch collection still mints alone (`mint`): that token's data stays in the core's own storage, and the
    # batch extension's reads defer to it.
    s = micro.sample
    assert s.prompt == batch_sample.prompts[0]  # seed 0, claimed for slot 0's claimant
    claimed_batch.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    token = token_of(s.prompt)
    stored = claimed_batch.batchDataOf(token)
    assert (stored.batch, stored.slot, stored.prompts, stored.aigcDatas) == (ZERO_ADDRESS, 0, s.prompt, s.aigc)
    assert (claimed_batch.aigcDataOf(token), claimed_batch.prompt(token)) == (s.aigc, s.prompt)
    assert claimed_batch.ownerOf(token) == claimants[0]


def test_mint_batch_reverts_if_a_selected_prompt_was_minted_before(claimed_batch, batch_sample, micro, prover, state):
    # What keeps a minted token's data fixed: a selected slot whose token exists is refused before anything is
    # written, whether the token was minted alone or in an earlier batch (its locator is never overwritten).
    b = batch_sample
    s = micro.sample
    claimed_batch.mint(s.prompt, s.aigc, "", s.proof, sender=prover)  # slot 0's prompt, alone
    first = claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b0010, sender=prover).return_value
    before = state(claimed_batch, b.prompts)
    for mask, token in ((0b0101, token_of(b.prompts[0])), (0b0110, token_of(b.prompts[1]))):
        with ape.reverts(claimed_batch.ERC7007PromptAlreadyMinted, tokenId=token):
            claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, mask, sender=prover)
    assert state(claimed_batch, b.prompts) == before
    alone, batched = (claimed_batch.batchDataOf(token_of(p)) for p in b.prompts[:2])
    assert (alone.batch, alone.slot, batched.batch, batched.slot) == (ZERO_ADDRESS, 0, first, 1)


def test_add_aigc_data_reverts_if_token_was_batch_minted(claimed_batch, batch_sample, prover):
    b = batch_sample
    claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b1111, sender=prover)
    token = token_of(b.prompts[3])
    with ape.reverts(claimed_batch.ERC7007AigcDataAlreadySet, tokenId=token):
        claimed_batch.addAigcData(token, b.prompts[3], b.aigcs[3], b.proof, sender=prover)
    assert claimed_batch.aigcDataOf(token) == b.aigcs[3]


def test_mint_batch_skips_unselected_slot_if_its_claim_expired(
    deploy_batch_collection, batch_sample, claim_prompt, claimants, prover, chain
):
    b = batch_sample
    collection = deploy_batch_collection()
    claim_prompt(collection, b.prompts[2], claimants[2])
    chain.pending_timestamp += collection.CLAIM_TTL()  # slot 2's claim expires while the batch is proven
    for i in (0, 1, 3):
        claim_prompt(collection, b.prompts[i], claimants[i])
    collection.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b1011, sender=prover)
    assert [collection.balanceOf(c) for c in claimants] == [1, 1, 0, 1]
    with ape.reverts(collection.ERC721NonexistentToken, tokenId=token_of(b.prompts[2])):
        collection.ownerOf(token_of(b.prompts[2]))
    stored = collection.batchDataOf(token_of(b.prompts[3]))
    assert stored.slot == 3 and stored.aigcDatas == b.aigcs_bytes  # the whole batch is kept, for re-checks


def test_verify_batch_returns_false_if_any_slot_is_tampered(claimed_batch, batch_sample):
    b = batch_sample
    assert claimed_batch.verifyBatch(b.prompts_bytes, b.aigcs_bytes, b.proof)
    assert not claimed_batch.verifyBatch(b.prompts_bytes, flip(b.aigcs_bytes, 16 * 3 + 5), b.proof)


# ---------------------------------------------------------------------------------------------- soundness
def test_mint_batch_reverts_if_two_slots_images_are_swapped(claimed_batch, batch_sample, prover, state):
    b = batch_sample
    aigcs = _concat([b.aigcs[1], b.aigcs[0], *b.aigcs[2:]])
    before = state(claimed_batch, b.prompts)
    with ape.reverts(claimed_batch.ERC7007InvalidBatchProof, size=SIZE):
        claimed_batch.mintBatch(b.prompts_bytes, aigcs, b.proof, 0b1111, sender=prover)
    assert state(claimed_batch, b.prompts) == before


# Slot 0 in the fast lane; the other slots in `make test` (each is another ~2.5 s batch verification on anvil).
@pytest.mark.parametrize("slot", [0] + [pytest.param(s, marks=pytest.mark.slow) for s in range(1, SIZE)])
def test_mint_batch_reverts_if_one_bit_of_a_slot_is_flipped(claimed_batch, batch_sample, prover, state, slot):
    b = batch_sample
    aigc_len = len(b.aigcs[0])
    aigcs = flip(b.aigcs_bytes, slot * aigc_len + (7 * slot) % aigc_len, 1 << (slot % 8))
    before = state(claimed_batch, b.prompts)
    with ape.reverts(claimed_batch.ERC7007InvalidBatchProof, size=SIZE):
        claimed_batch.mintBatch(b.prompts_bytes, aigcs, b.proof, 0b1111, sender=prover)
    assert state(claimed_batch, b.prompts) == before


def test_mint_batch_reverts_if_a_prompt_is_duplicated_in_the_batch(claimed_batch, batch_sample, prover, state):
    b = batch_sample
    prompts = _concat([b.prompts[0], b.prompts[0], *b.prompts[2:]])
    aigcs = _concat([b.aigcs[0], b.aigcs[0], *b.aigcs[2:]])
    before = state(claimed_batch, b.prompts)
    with ape.reverts(claimed_batch.ERC7007DuplicatePrompt, tokenId=token_of(b.prompts[0]), first=0, second=1):
        claimed_batch.mintBatch(prompts, aigcs, b.proof, 0b1111, sender=prover)
    assert state(claimed_batch, b.prompts) == before


def test_mint_batch_reverts_if_given_a_single_proof(claimed_batch, batch_sample, micro, prover, state):
    b = batch_sample
    s = micro.sample
    # The single sample is slot 0's prompt alone (both are seed 0): its proof is valid, for the single verifier.
    assert (s.prompt, s.aigc) == (b.prompts[0], b.aigcs[0])
    before = state(claimed_batch, b.prompts)
    with ape.reverts(claimed_batch.ERC7007InvalidBatchProof, size=SIZE):
        claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, s.proof, 0b1111, sender=prover)
    # One slot alone is no supported batch: the single circuit is only reachable through `mint`.
    with ape.reverts(claimed_batch.ERC7007UnsupportedBatchSize, size=1):
        claimed_batch.mintBatch(s.prompt, s.aigc, s.proof, 0b1, sender=prover)
    assert state(claimed_batch, b.prompts) == before


def test_mint_reverts_if_given_a_batch_proof(claimed_batch, batch_sample, prover, state):
    b = batch_sample
    before = state(claimed_batch, b.prompts)
    with ape.reverts(claimed_batch.ERC7007InvalidProof, tokenId=token_of(b.prompts[0])):
        claimed_batch.mint(b.prompts[0], b.aigcs[0], "", b.proof, sender=prover)
    assert state(claimed_batch, b.prompts) == before


@pytest.mark.parametrize("delta", [-1, 1, -16])
def test_mint_batch_reverts_if_aigc_datas_are_not_whole_slots(claimed_batch, batch_sample, prover, state, delta):
    b = batch_sample
    aigcs = b.aigcs_bytes[:delta] if delta < 0 else b.aigcs_bytes + b"\x00" * delta
    before = state(claimed_batch, b.prompts)
    with ape.reverts(
        claimed_batch.ERC7007InvalidBatchAigcDataLength, length=len(b.aigcs_bytes) + delta, expected=len(b.aigcs_bytes)
    ):
        claimed_batch.mintBatch(b.prompts_bytes, aigcs, b.proof, 0b1111, sender=prover)
    assert state(claimed_batch, b.prompts) == before


@pytest.mark.parametrize("size", [1, SIZE])
def test_constructor_reverts_if_batch_verifier_is_invalid(deploy_batch_collection, micro_batch_verifier, size):
    # size 1 is the single circuit's; a repeated size would make the commitment ambiguous.
    verifiers = [(1, micro_batch_verifier)] if size == 1 else [(SIZE, micro_batch_verifier)] * 2
    with ape.reverts(error_name="ERC7007InvalidBatchVerifier"):
        deploy_batch_collection(batch_verifiers=verifiers)


@pytest.mark.parametrize("mask", [0, 0b10000, 0b11111])
def test_mint_batch_reverts_if_mint_mask_selects_no_slot_or_a_slot_outside(
    claimed_batch, batch_sample, prover, state, mask
):
    b = batch_sample
    before = state(claimed_batch, b.prompts)
    with ape.reverts(claimed_batch.ERC7007InvalidMintMask, mintMask=mask, size=SIZE):
        claimed_batch.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, mask, sender=prover)
    assert state(claimed_batch, b.prompts) == before


def test_mint_batch_reverts_if_a_selected_claim_expired(
    deploy_batch_collection, batch_sample, claim_prompt, claimants, prover, chain, state
):
    b = batch_sample
    collection = deploy_batch_collection()
    claim_prompt(collection, b.prompts[1], claimants[1])
    chain.pending_timestamp += collection.CLAIM_TTL()
    for i in (0, 2, 3):
        claim_prompt(collection, b.prompts[i], claimants[i])
    expired_at = collection.claimOf(b.prompts[1])[1]
    before = state(collection, b.prompts)
    with ape.reverts(
        collection.ERC7007ClaimExpired, tokenId=token_of(b.prompts[1]), claimant=claimants[1], expiredAt=expired_at
    ):
        collection.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b1111, sender=prover)
    assert state(collection, b.prompts) == before


def test_mint_batch_reverts_if_caller_is_not_the_minter(deploy_batch_collection, batch_sample, stranger, market_addr):
    collection = deploy_batch_collection(minter=market_addr)
    b = batch_sample
    with ape.reverts(collection.ERC7007UnauthorizedMinter, caller=stranger, minter=market_addr):
        collection.mintBatch(b.prompts_bytes, b.aigcs_bytes, b.proof, 0b1111, sender=stranger)


@pytest.fixture
def market_addr(accounts):
    return accounts[7].address


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


def test_supports_interface_reports_the_batch_interface_and_every_single_one(claimed_batch, micro_collection):
    signatures = (
        "mintBatch(bytes,bytes,bytes,uint256)",
        "verifyBatch(bytes,bytes,bytes)",
        "batchVerifier(uint256)",
        "batchSizes()",
        "batchDataOf(uint256)",
    )
    value = 0
    for signature in signatures:
        value ^= int.from_bytes(keccak(text=signature)[:4], "big")
    batch_id = f"0x{value:08x}"
    assert claimed_batch.supportsInterface(batch_id) is True
    assert micro_collection.supportsInterface(batch_id) is False  # a single-only collection does not claim it
    for interface in ("0x702c55a6", "0xfa1a557a", "0xd40b3eaa", "0xa789d5f0", "0xcf1552cd", "0x80ac58cd"):
        assert claimed_batch.supportsInterface(interface) is True
    assert claimed_batch.batchSizes() == [SIZE]


def test_fulfil_batch_reverts_if_batch_has_more_slots_than_a_mask_can_select(market, listed_batch, prover):
    with ape.reverts(market.BatchTooLarge, slots=257, max=256):
        market.fulfilBatch([0] * 257, b"\x00" * (257 * 4), b"", b"", sender=prover)
