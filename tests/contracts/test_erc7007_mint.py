"""ERC-7007 mint: real proofs, claims, the minter, Enumerable, and every rejection leaving state unchanged."""

import ape
import pytest
from eth_utils import keccak

from support.helpers import EXHAUSTING_MODES, FAULT_MODES, MODES, flip, token_of

ZERO = "0x" + "00" * 20


@pytest.fixture
def claimed(micro_collection, micro, claim_prompt, user):
    """micro's committed sample prompt claimed for `user` on a fresh collection."""
    claim_prompt(micro_collection, micro.sample.prompt, user)
    return micro_collection


# --- the happy path, with the real verifier ----------------------------------------------------------------------
def test_mint_mints_to_claimant_and_stores_data_if_proof_valid_and_claim_live(claimed, micro, user, prover):
    s = micro.sample
    token = token_of(s.prompt)
    tx = claimed.mint(s.prompt, s.aigc, "", s.proof, sender=prover)  # the prover mints; the user gets it
    assert tx.return_value == token
    transfers = tx.decode_logs(claimed.Transfer)
    assert [(t["from"], t.to, t.tokenId) for t in transfers] == [(ZERO, user.address, token)]
    data_logs = tx.decode_logs(claimed.AigcData)
    assert len(data_logs) == 1 and data_logs[0].tokenId == token and data_logs[0].proof == s.proof
    aigc_log = next(log for log in tx.logs if len(log["topics"]) == 4)
    assert aigc_log["topics"][2] == keccak(s.prompt) and aigc_log["topics"][3] == keccak(s.aigc)
    assert claimed.ownerOf(token) == user.address
    assert claimed.balanceOf(user) == 1 and claimed.balanceOf(prover) == 0
    assert claimed.aigcDataOf(token) == s.aigc
    assert tuple(claimed.claimOf(s.prompt)) == (ZERO, 0)  # minting consumed the claim


def test_mint_mints_if_prompt_was_freshly_proven(micro_fresh, claim_prompt, micro_collection, user, prover):
    s = micro_fresh
    claim_prompt(micro_collection, s.prompt, user)
    micro_collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    assert micro_collection.ownerOf(token_of(s.prompt)) == user.address
    assert micro_collection.aigcDataOf(token_of(s.prompt)) == s.aigc


def test_token_id_and_prompt_are_inverses_if_token_minted(
    claimed, micro, micro_fresh, claim_prompt, user, stranger, prover
):
    a, b = micro.sample, micro_fresh
    claim_prompt(claimed, b.prompt, stranger)
    claimed.mint(a.prompt, a.aigc, "", a.proof, sender=prover)
    claimed.mint(b.prompt, b.aigc, "", b.proof, sender=prover)
    for s in (a, b):
        token = claimed.tokenId(s.prompt)
        assert token == token_of(s.prompt)
        assert claimed.prompt(token) == s.prompt
        assert claimed.tokenId(claimed.prompt(token)) == token
    assert claimed.ownerOf(token_of(b.prompt)) == stranger.address


def test_token_id_reverts_if_prompt_not_minted(micro_collection, micro):
    with ape.reverts(micro_collection.ERC721NonexistentToken, tokenId=token_of(micro.sample.prompt)):
        micro_collection.tokenId(micro.sample.prompt)


def test_prompt_and_aigc_data_of_revert_if_token_does_not_exist(micro_collection):
    with ape.reverts(micro_collection.ERC721NonexistentToken, tokenId=7):
        micro_collection.prompt(7)
    with ape.reverts(micro_collection.ERC721NonexistentToken, tokenId=7):
        micro_collection.aigcDataOf(7)


def test_transfer_moves_token_if_minted_because_claims_only_gate_minting(claimed, micro, user, stranger, prover):
    s = micro.sample
    claimed.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    claimed.transferFrom(user, stranger, token_of(s.prompt), sender=user)
    assert claimed.ownerOf(token_of(s.prompt)) == stranger.address


NONEXISTENT_CASES = ["unclaimed", "claimed-by-another", "claimed-by-receiver"]
TRANSFERS = ["transferFrom", "safeTransferFrom", "safeTransferFrom-data"]


@pytest.mark.parametrize("transfer", TRANSFERS)
@pytest.mark.parametrize("case", NONEXISTENT_CASES)
def test_transfer_reverts_with_nonexistent_token_if_token_was_never_minted(
    micro_collection, micro, claim_prompt, user, stranger, collection_state, case, transfer
):
    # ERC-721: moving a token that does not exist reverts with ERC721NonexistentToken, whatever its prompt's
    # claim; the mint-only checks (claim, receiver, stored data) apply to mints alone.
    prompt = micro.sample.prompt
    if case != "unclaimed":
        claim_prompt(micro_collection, prompt, user)
    to = user if case == "claimed-by-receiver" else stranger
    token = token_of(prompt)
    calls = {
        "transferFrom": lambda: micro_collection.transferFrom(user, to, token, sender=user),
        "safeTransferFrom": lambda: micro_collection.safeTransferFrom(user, to, token, sender=user),
        "safeTransferFrom-data": lambda: micro_collection.safeTransferFrom(user, to, token, b"x", sender=user),
    }
    before = collection_state(micro_collection, prompt)
    with ape.reverts(micro_collection.ERC721NonexistentToken, tokenId=token):
        calls[transfer]()
    assert collection_state(micro_collection, prompt) == before


# --- rejections: each leaves the collection unchanged ------------------------------------------------------------
def test_mint_reverts_if_prompt_already_minted(claimed, micro, prover, stranger, collection_state):
    s = micro.sample
    claimed.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    before = collection_state(claimed, s.prompt)
    with ape.reverts(claimed.ERC7007PromptAlreadyMinted, tokenId=token_of(s.prompt)):
        claimed.mint(s.prompt, s.aigc, "", s.proof, sender=stranger)
    assert collection_state(claimed, s.prompt) == before


def test_claim_reverts_if_prompt_already_minted(claimed, micro, prover, stranger, claim_prompt):
    s = micro.sample
    claimed.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    with ape.reverts(claimed.ERC7007PromptAlreadyMinted, tokenId=token_of(s.prompt)):
        claim_prompt(claimed, s.prompt, stranger)


def test_mint_reverts_if_prompt_not_claimed(micro_collection, micro, prover, collection_state):
    s = micro.sample
    before = collection_state(micro_collection, s.prompt)
    with ape.reverts(micro_collection.ERC7007PromptNotClaimed, tokenId=token_of(s.prompt)):
        micro_collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    assert collection_state(micro_collection, s.prompt) == before


def test_mint_reverts_if_claim_expired(micro_collection, micro, claim_prompt, user, prover, chain, collection_state):
    s = micro.sample
    tx = claim_prompt(micro_collection, s.prompt, user)
    expires = chain.blocks[tx.block_number].timestamp + micro_collection.CLAIM_TTL()
    chain.pending_timestamp = expires
    before = collection_state(micro_collection, s.prompt)
    with ape.reverts(
        micro_collection.ERC7007ClaimExpired, tokenId=token_of(s.prompt), claimant=user.address, expiredAt=expires
    ):
        micro_collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    assert collection_state(micro_collection, s.prompt) == before


def test_mint_goes_to_new_claimant_if_first_claim_expired(
    micro_collection, micro, claim_prompt, user, stranger, prover, chain
):
    s = micro.sample
    tx = claim_prompt(micro_collection, s.prompt, user)
    chain.pending_timestamp = chain.blocks[tx.block_number].timestamp + micro_collection.CLAIM_TTL()
    claim_prompt(micro_collection, s.prompt, stranger, salt=b"\x77" * 32)
    micro_collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    assert micro_collection.ownerOf(token_of(s.prompt)) == stranger.address
    assert micro_collection.balanceOf(user) == 0


TAMPERS = {
    "aigc-first-byte": lambda s: (s.prompt, flip(s.aigc, 0), s.proof),
    "aigc-last-byte": lambda s: (s.prompt, flip(s.aigc, len(s.aigc) - 1), s.proof),
    "aigc-sign-bit": lambda s: (s.prompt, flip(s.aigc, 2, 0x80), s.proof),
    "proof-first-byte": lambda s: (s.prompt, s.aigc, flip(s.proof, 0)),
    "proof-middle-byte": lambda s: (s.prompt, s.aigc, flip(s.proof, len(s.proof) // 2)),
    "proof-last-byte": lambda s: (s.prompt, s.aigc, flip(s.proof, len(s.proof) - 1)),
    "proof-truncated": lambda s: (s.prompt, s.aigc, s.proof[:-32]),
    "proof-empty": lambda s: (s.prompt, s.aigc, b""),
}


@pytest.mark.parametrize("tamper", TAMPERS)
def test_mint_reverts_if_aigc_data_or_proof_is_tampered(claimed, micro, prover, collection_state, tamper):
    s = micro.sample
    prompt, aigc, proof = TAMPERS[tamper](s)
    before = collection_state(claimed, s.prompt)
    with ape.reverts(claimed.ERC7007InvalidProof, tokenId=token_of(s.prompt)):
        claimed.mint(prompt, aigc, "", proof, sender=prover)
    assert collection_state(claimed, s.prompt) == before


@pytest.mark.parametrize("index", [0, 3])
def test_mint_reverts_if_prompt_byte_is_tampered_even_when_tampered_prompt_is_claimed(
    claimed, micro, claim_prompt, user, prover, collection_state, index
):
    s = micro.sample
    tampered = flip(s.prompt, index)
    claim_prompt(claimed, tampered, user)
    before = collection_state(claimed, tampered)
    with ape.reverts(claimed.ERC7007InvalidProof, tokenId=token_of(tampered)):
        claimed.mint(tampered, s.aigc, "", s.proof, sender=prover)
    assert collection_state(claimed, tampered) == before


def test_mint_reverts_if_proof_belongs_to_another_claimed_prompt(
    claimed, micro, micro_fresh, claim_prompt, user, prover, collection_state
):
    a, b = micro.sample, micro_fresh
    claim_prompt(claimed, b.prompt, user)
    for prompt, aigc, proof in [
        (a.prompt, a.aigc, b.proof),
        (b.prompt, b.aigc, a.proof),
        (b.prompt, a.aigc, b.proof),
        (a.prompt, b.aigc, a.proof),
    ]:
        before = collection_state(claimed, prompt)
        with ape.reverts(claimed.ERC7007InvalidProof, tokenId=token_of(prompt)):
            claimed.mint(prompt, aigc, "", proof, sender=prover)
        assert collection_state(claimed, prompt) == before


def test_mint_reverts_if_lengths_are_wrong(claimed, micro, prover, collection_state):
    s = micro.sample
    long_prompt = s.prompt + b"\x00"  # can never be claimed (claim checks the length), so never minted
    before = collection_state(claimed, long_prompt)
    with ape.reverts(claimed.ERC7007PromptNotClaimed, tokenId=token_of(long_prompt)):
        claimed.mint(long_prompt, s.aigc, "", s.proof, sender=prover)
    assert collection_state(claimed, long_prompt) == before
    before = collection_state(claimed, s.prompt)
    with ape.reverts(claimed.ERC7007InvalidAigcDataLength, length=14, expected=16):
        claimed.mint(s.prompt, s.aigc[:-2], "", s.proof, sender=prover)
    assert collection_state(claimed, s.prompt) == before


@pytest.fixture
def faulty_claimed(project, deployer, deploy_collection, micro, claim_prompt, user):
    """Factory: a micro collection on a `FaultyVerifier` in `mode`, micro's sample prompt claimed by `user`."""

    def make(mode: str):
        verifier = project.FaultyVerifier.deploy(MODES.index(mode), sender=deployer)
        collection = deploy_collection(micro, verifier)
        claim_prompt(collection, micro.sample.prompt, user)
        return collection, verifier

    return make


@pytest.mark.parametrize("mode", FAULT_MODES)
def test_mint_reverts_if_verifier_fails_in_any_way(faulty_claimed, micro, prover, collection_state, mode):
    collection, _ = faulty_claimed(mode)
    s = micro.sample
    before = collection_state(collection, s.prompt)
    with ape.reverts(collection.ERC7007InvalidProof, tokenId=token_of(s.prompt)):
        collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    assert collection_state(collection, s.prompt) == before


def test_mint_reverts_if_uri_is_not_empty(claimed, micro, prover, collection_state):
    s = micro.sample
    before = collection_state(claimed, s.prompt)
    with ape.reverts(claimed.ERC7007UnsupportedUri, uri="ipfs://elsewhere"):
        claimed.mint(s.prompt, s.aigc, "ipfs://elsewhere", s.proof, sender=prover)
    assert collection_state(claimed, s.prompt) == before


# --- the minter ---------------------------------------------------------------------------------------------------
@pytest.fixture
def minted_by_marketplace(deploy_collection, micro, micro_verifier, deployer):
    """A micro collection whose minter is `deployer` (standing in for the marketplace)."""
    return deploy_collection(micro, micro_verifier, minter=deployer)


def test_mint_reverts_if_minter_is_set_and_caller_is_not_minter(
    minted_by_marketplace, micro, claim_prompt, user, prover, deployer, collection_state
):
    c = minted_by_marketplace
    s = micro.sample
    claim_prompt(c, s.prompt, user)
    before = collection_state(c, s.prompt)
    for caller in (prover, user):  # not even the claimant may bypass the minter
        with ape.reverts(c.ERC7007UnauthorizedMinter, caller=caller.address, minter=deployer.address):
            c.mint(s.prompt, s.aigc, "", s.proof, sender=caller)
        assert collection_state(c, s.prompt) == before


def test_mint_sends_token_to_claimant_if_minter_calls(minted_by_marketplace, micro, claim_prompt, user, deployer):
    c = minted_by_marketplace
    s = micro.sample
    claim_prompt(c, s.prompt, user)
    c.mint(s.prompt, s.aigc, "", s.proof, sender=deployer)
    assert c.minter() == deployer.address
    assert c.ownerOf(token_of(s.prompt)) == user.address and c.balanceOf(deployer) == 0


# --- addAigcData (final EIP): data is attached at mint, never later ----------------------------------------------
def test_add_aigc_data_reverts_if_token_does_not_exist(micro_collection, micro, prover):
    s = micro.sample
    with ape.reverts(micro_collection.ERC721NonexistentToken, tokenId=token_of(s.prompt)):
        micro_collection.addAigcData(token_of(s.prompt), s.prompt, s.aigc, s.proof, sender=prover)


def test_add_aigc_data_reverts_if_token_exists_because_data_was_set_at_mint(claimed, micro, user, prover):
    s = micro.sample
    claimed.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    with ape.reverts(claimed.ERC7007AigcDataAlreadySet, tokenId=token_of(s.prompt)):
        claimed.addAigcData(token_of(s.prompt), s.prompt, s.aigc, s.proof, sender=user)
    assert claimed.aigcDataOf(token_of(s.prompt)) == s.aigc


# --- invariants enforced in _update, for derived contracts -------------------------------------------------------
@pytest.fixture
def harness(deploy_collection, micro, micro_verifier, project):
    return deploy_collection(micro, micro_verifier, container=project.ERC7007CollectionHarness)


def test_mint_to_other_than_claimant_reverts_even_through_a_derived_mint_path(
    harness, micro, claim_prompt, user, stranger, prover, collection_state
):
    s = micro.sample
    claim_prompt(harness, s.prompt, user)
    before = collection_state(harness, s.prompt)
    with ape.reverts(
        harness.ERC7007ReceiverNotClaimant, tokenId=token_of(s.prompt), receiver=stranger.address, claimant=user.address
    ):
        harness.mintTo(stranger, s.prompt, s.aigc, s.proof, sender=prover)
    assert collection_state(harness, s.prompt) == before
    harness.mintTo(user, s.prompt, s.aigc, s.proof, sender=prover)  # the same path works for the claimant
    assert harness.ownerOf(token_of(s.prompt)) == user.address


def test_mint_without_data_reverts_even_through_a_derived_mint_path(
    harness, micro, claim_prompt, user, collection_state
):
    s = micro.sample
    claim_prompt(harness, s.prompt, user)
    before = collection_state(harness, s.prompt)
    with ape.reverts(harness.ERC7007MissingAigcData, tokenId=token_of(s.prompt)):
        harness.mintWithoutData(user, token_of(s.prompt), sender=user)
    assert collection_state(harness, s.prompt) == before


@pytest.mark.parametrize("mode", EXHAUSTING_MODES)
def test_mint_reverts_if_verifier_call_exhausts_its_gas(faulty_claimed, micro, prover, collection_state, mode):
    collection, burner = faulty_claimed(mode)
    s = micro.sample
    before = collection_state(collection, s.prompt)
    with ape.reverts(collection.ERC7007VerifierOutOfGas, verifier=burner.address):
        collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover, gas=3_000_000)
    assert collection_state(collection, s.prompt) == before
