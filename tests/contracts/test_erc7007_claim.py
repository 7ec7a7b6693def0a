"""ERC-7007 Claimable: commit–reveal claims on prompts, their windows, expiry and who they benefit."""

import ape
import pytest
from eth_utils import keccak

from support.helpers import token_of

PROMPT = bytes.fromhex("0102fe80")
SALT = b"\x11" * 32
MIN_AGE, MAX_AGE, TTL = 60, 86400, 7 * 86400


def block_time(chain, tx) -> int:
    return chain.blocks[tx.block_number].timestamp


@pytest.fixture
def committed(micro_collection, user, chain):
    """`user` committed to claim PROMPT for themself; returns (commitment, commit time)."""
    commitment = micro_collection.makeCommitment(PROMPT, user, SALT)
    tx = micro_collection.commit(commitment, sender=user)
    return commitment, block_time(chain, tx)


def test_make_commitment_returns_keccak_of_abi_encoded_prompt_claimant_salt(micro_collection, user):
    from eth_abi import encode

    expected = keccak(encode(["bytes", "address", "bytes32"], [PROMPT, user.address, SALT]))
    assert micro_collection.makeCommitment(PROMPT, user, SALT) == expected


def test_commit_records_time_and_emits_commit(micro_collection, user, chain):
    commitment = micro_collection.makeCommitment(PROMPT, user, SALT)
    tx = micro_collection.commit(commitment, sender=user)
    assert micro_collection.commitmentTimestamp(commitment) == block_time(chain, tx)
    logs = tx.decode_logs(micro_collection.Commit)
    assert len(logs) == 1 and logs[0].commitment == commitment


@pytest.mark.parametrize("copier", ["stranger", "user"])
@pytest.mark.parametrize("delay", [1, MIN_AGE, MAX_AGE - 1], ids=["too-new", "revealable", "last-second"])
def test_commit_is_a_no_op_if_commitment_is_pending(micro_collection, committed, chain, delay, copier, request):
    # A copy of a pending commitment (by a stranger who saw it, or by its author) neither reverts nor resets its
    # age: nobody can make the author's own commit fail or delay its reveal. One copy per case, mined at exactly
    # `at + delay`: a second copy would land a block later, past the last second.
    commitment, at = committed
    chain.pending_timestamp = at + delay
    tx = micro_collection.commit(commitment, sender=request.getfixturevalue(copier))
    assert block_time(chain, tx) == at + delay
    assert not tx.decode_logs(micro_collection.Commit)
    assert micro_collection.commitmentTimestamp(commitment) == at


def test_commit_lets_the_author_commit_and_claim_if_a_copy_was_committed_first(micro_collection, user, stranger, chain):
    commitment = micro_collection.makeCommitment(PROMPT, user, SALT)
    tx = micro_collection.commit(commitment, sender=stranger)  # front-run with a copy from the mempool
    at = block_time(chain, tx)
    micro_collection.commit(commitment, sender=user)
    chain.pending_timestamp = at + MIN_AGE
    micro_collection.claim(PROMPT, user, SALT, sender=user)
    assert micro_collection.claimOf(PROMPT)[0] == user.address


def test_commit_succeeds_if_previous_commitment_expired(micro_collection, committed, user, chain):
    commitment, at = committed
    chain.pending_timestamp = at + MAX_AGE
    tx = micro_collection.commit(commitment, sender=user)
    assert micro_collection.commitmentTimestamp(commitment) == block_time(chain, tx) == at + MAX_AGE


def test_claim_assigns_claimant_and_consumes_commitment_if_revealed_in_window(micro_collection, committed, user, chain):
    commitment, at = committed
    chain.pending_timestamp = at + MIN_AGE  # the earliest allowed second
    tx = micro_collection.claim(PROMPT, user, SALT, sender=user)
    assert tx.return_value == user.address
    assert tuple(micro_collection.claimOf(PROMPT)) == (user.address, at + MIN_AGE + TTL)
    assert micro_collection.commitmentTimestamp(commitment) == 0
    logs = tx.decode_logs(micro_collection.Claim)
    assert len(logs) == 1 and logs[0].owner == user.address
    # `prompt` is indexed: its topic is keccak256(prompt), which is the token id.
    assert tx.logs[0]["topics"][1] == keccak(PROMPT)


def test_claim_reverts_if_reveal_is_sent_by_anyone_but_the_claimant(
    collection_state, micro_collection, committed, user, stranger, chain
):
    # A front-runner who copies the reveal from the mempool gets nothing, and the claimant's reveal still works.
    commitment, at = committed
    chain.pending_timestamp = at + MIN_AGE
    before = collection_state(micro_collection, PROMPT, [commitment])
    with ape.reverts(micro_collection.ERC7007UnauthorizedClaimer, claimer=stranger.address, claimant=user.address):
        micro_collection.claim(PROMPT, user, SALT, sender=stranger)
    assert collection_state(micro_collection, PROMPT, [commitment]) == before
    micro_collection.claim(PROMPT, user, SALT, sender=user)
    assert micro_collection.claimOf(PROMPT)[0] == user.address


def test_claim_reverts_if_a_third_party_renews_an_expired_claim_with_its_public_reveal(
    collection_state, claim_prompt, micro_collection, user, stranger, chain
):
    # Once used, a reveal is public: anyone can re-commit the same commitment. Only the claimant may reveal it.
    first = claim_prompt(micro_collection, PROMPT, user, salt=SALT)
    expires = block_time(chain, first) + TTL
    commitment = micro_collection.makeCommitment(PROMPT, user, SALT)
    chain.pending_timestamp = expires
    micro_collection.commit(commitment, sender=stranger)
    chain.pending_timestamp = expires + MIN_AGE
    before = collection_state(micro_collection, PROMPT, [commitment])
    with ape.reverts(micro_collection.ERC7007UnauthorizedClaimer, claimer=stranger.address, claimant=user.address):
        micro_collection.claim(PROMPT, user, SALT, sender=stranger)
    assert collection_state(micro_collection, PROMPT, [commitment]) == before
    tx = micro_collection.claim(PROMPT, user, SALT, sender=user)  # the claimant itself may renew
    assert tuple(micro_collection.claimOf(PROMPT)) == (user.address, block_time(chain, tx) + TTL)


@pytest.mark.parametrize("length", [0, 3, 5, 64])
def test_claim_reverts_if_prompt_length_is_not_the_models(micro_collection, user, chain, collection_state, length):
    # micro takes 4 latent bytes: any other length could be claimed and paid for but never proven.
    prompt = (PROMPT * 16)[:length]
    commitment = micro_collection.makeCommitment(prompt, user, SALT)
    micro_collection.commit(commitment, sender=user)
    chain.pending_timestamp += MIN_AGE
    before = collection_state(micro_collection, prompt, [commitment])
    with ape.reverts(micro_collection.ERC7007InvalidPromptLength, length=length, expected=4):
        micro_collection.claim(prompt, user, SALT, sender=user)
    assert collection_state(micro_collection, prompt, [commitment]) == before


def test_claim_reverts_if_claimant_is_changed_in_copied_reveal(
    collection_state, micro_collection, committed, user, stranger, chain
):
    commitment, at = committed
    chain.pending_timestamp = at + MIN_AGE
    forged = micro_collection.makeCommitment(PROMPT, stranger, SALT)
    before = collection_state(micro_collection, PROMPT, [commitment, forged])
    with ape.reverts(micro_collection.ERC7007CommitmentNotFound, commitment=forged):
        micro_collection.claim(PROMPT, stranger, SALT, sender=stranger)
    assert collection_state(micro_collection, PROMPT, [commitment, forged]) == before


@pytest.mark.parametrize("delay", [1, MIN_AGE - 1], ids=["next-second", "one-second-early"])
def test_claim_reverts_if_commitment_is_too_new(micro_collection, committed, user, chain, collection_state, delay):
    commitment, at = committed
    chain.pending_timestamp = at + delay
    before = collection_state(micro_collection, PROMPT, [commitment])
    with ape.reverts(micro_collection.ERC7007CommitmentTooNew, commitment=commitment, revealableAt=at + MIN_AGE):
        micro_collection.claim(PROMPT, user, SALT, sender=user)
    assert collection_state(micro_collection, PROMPT, [commitment]) == before


def test_claim_fails_if_revealed_in_the_same_block_as_the_commit(micro_collection, user, chain, collection_state):
    """A front-runner cannot commit and reveal in one block: the reveal in the commit's block fails."""
    commitment = micro_collection.makeCommitment(PROMPT, user, SALT)
    web3 = chain.provider.web3
    before = collection_state(micro_collection, PROMPT)
    chain.provider.auto_mine = False
    try:
        commit_hash = web3.eth.send_transaction(
            {
                "from": user.address,
                "to": micro_collection.address,
                "gas": 200_000,
                "data": micro_collection.commit.as_transaction(commitment, sender=user).data,
            }
        )
        claim_hash = web3.eth.send_transaction(
            {
                "from": user.address,
                "to": micro_collection.address,
                "gas": 300_000,
                "data": micro_collection.claim.as_transaction(PROMPT, user, SALT, sender=user).data,
            }
        )
        chain.mine()
    finally:
        chain.provider.auto_mine = True
    commit_receipt = web3.eth.get_transaction_receipt(commit_hash)
    claim_receipt = web3.eth.get_transaction_receipt(claim_hash)
    assert commit_receipt.blockNumber == claim_receipt.blockNumber
    assert commit_receipt.status == 1 and claim_receipt.status == 0
    assert micro_collection.commitmentTimestamp(commitment) == chain.blocks[commit_receipt.blockNumber].timestamp
    assert collection_state(micro_collection, PROMPT) == before


def test_claim_reverts_if_commitment_is_too_old(micro_collection, committed, user, chain, collection_state):
    commitment, at = committed
    chain.pending_timestamp = at + MAX_AGE
    before = collection_state(micro_collection, PROMPT, [commitment])
    with ape.reverts(micro_collection.ERC7007CommitmentTooOld, commitment=commitment, expiredAt=at + MAX_AGE):
        micro_collection.claim(PROMPT, user, SALT, sender=user)
    assert collection_state(micro_collection, PROMPT, [commitment]) == before


def test_claim_reverts_if_never_committed(micro_collection, user):
    commitment = micro_collection.makeCommitment(PROMPT, user, SALT)
    with ape.reverts(micro_collection.ERC7007CommitmentNotFound, commitment=commitment):
        micro_collection.claim(PROMPT, user, SALT, sender=user)


def test_claim_reverts_if_reveal_is_replayed(micro_collection, committed, user, chain):
    commitment, at = committed
    chain.pending_timestamp = at + MIN_AGE
    micro_collection.claim(PROMPT, user, SALT, sender=user)
    with ape.reverts(micro_collection.ERC7007CommitmentNotFound, commitment=commitment):
        micro_collection.claim(PROMPT, user, SALT, sender=user)


def test_claim_reverts_if_claimant_is_zero(micro_collection, user, chain):
    zero = "0x" + "00" * 20
    micro_collection.commit(micro_collection.makeCommitment(PROMPT, zero, SALT), sender=user)
    chain.pending_timestamp += MIN_AGE
    with ape.reverts(micro_collection.ERC7007UnauthorizedClaimer, claimer=user.address, claimant=zero):
        micro_collection.claim(PROMPT, zero, SALT, sender=user)


def test_claim_reverts_if_prompt_has_live_claim_of_another(
    collection_state, claim_prompt, micro_collection, user, stranger, chain
):
    first = claim_prompt(micro_collection, PROMPT, user)
    expires = block_time(chain, first) + TTL
    rival_salt = b"\x22" * 32
    rival = micro_collection.makeCommitment(PROMPT, stranger, rival_salt)
    chain.pending_timestamp = expires - 1 - MIN_AGE
    micro_collection.commit(rival, sender=stranger)
    chain.pending_timestamp = expires - 1  # the last second of the live claim
    before = collection_state(micro_collection, PROMPT, [rival])
    with ape.reverts(
        micro_collection.ERC7007PromptAlreadyClaimed, tokenId=token_of(PROMPT), claimant=user.address, expiresAt=expires
    ):
        micro_collection.claim(PROMPT, stranger, rival_salt, sender=stranger)
    assert collection_state(micro_collection, PROMPT, [rival]) == before


def test_claim_reverts_if_claimant_renews_own_live_claim(micro_collection, claim_prompt, user, chain):
    first = claim_prompt(micro_collection, PROMPT, user)
    with ape.reverts(
        micro_collection.ERC7007PromptAlreadyClaimed,
        tokenId=token_of(PROMPT),
        claimant=user.address,
        expiresAt=block_time(chain, first) + TTL,
    ):
        claim_prompt(micro_collection, PROMPT, user, salt=b"\x33" * 32)


def test_claim_succeeds_if_previous_claim_expired(micro_collection, claim_prompt, user, stranger, chain):
    first = claim_prompt(micro_collection, PROMPT, user)
    expires = block_time(chain, first) + TTL
    rival_salt = b"\x22" * 32
    chain.pending_timestamp = expires - MIN_AGE
    micro_collection.commit(micro_collection.makeCommitment(PROMPT, stranger, rival_salt), sender=stranger)
    chain.pending_timestamp = expires  # the claim is expired from this second on
    tx = micro_collection.claim(PROMPT, stranger, rival_salt, sender=stranger)
    assert tx.return_value == stranger.address
    assert tuple(micro_collection.claimOf(PROMPT)) == (stranger.address, expires + TTL)


def test_claim_of_returns_zero_if_prompt_never_claimed(micro_collection):
    assert tuple(micro_collection.claimOf(PROMPT)) == ("0x" + "00" * 20, 0)
