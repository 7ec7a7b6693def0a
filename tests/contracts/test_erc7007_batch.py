"""Batch mints on anvil with micro's real batch-4 verifier and a real batch proof: one proof for 4 prompts, one call
mints the 4 tokens to their claimants, each token keeps its own slot of its batch and stays verifiable, and the
collection says it takes batches (ERC-165). Every tampered batch: test_erc7007_batch_soundness.py; the marketplace's
`fulfilBatch`: test_erc7007_batch_market.py; the fixtures: tests/contracts/conftest.py."""

import ape
from ape.utils import ZERO_ADDRESS
from eth_utils import keccak

from support.batch import SIZE
from support.helpers import flip, token_of


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
