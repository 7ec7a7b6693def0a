"""Batch mints that must fail, on anvil with micro's real batch-4 verifier and a real batch proof: every tampered
batch (swapped slots, a flipped bit in any slot, a duplicated prompt, a single proof on the batch path or the
reverse, aigcDatas that are not whole slots), a bad mint mask, an expired claim, a caller that is not the minter, a
bad batch verifier at construction; each is rejected and leaves the collection unchanged."""

import ape
import pytest

from support.batch import SIZE
from support.helpers import flip, token_of


def _concat(parts):
    return b"".join(parts)


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
