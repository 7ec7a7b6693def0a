"""End to end against the deployed devnet system, on a fork: real proofs, real ETH, the deployed contracts."""

import os
import random

import ape
from eth_utils import keccak

from zkaigc.client import claim_prompt, request_generation
from zkaigc.prover import ProverService, ProverState


def _prompt(artifacts, seed: int) -> bytes:
    enc = artifacts.encoding()
    rng = random.Random(seed)
    return enc.encode_prompt([rng.randint(-100, 100) for _ in range(enc.input_len)])


def test_deployment_matches_committed_artifacts(manifest, model_name, artifacts, collection, market):
    recorded = manifest.data["models"][model_name]
    assert recorded["model_hash"] == artifacts.model_hash()
    assert collection.modelHash().hex().removeprefix("0x") == artifacts.model_hash().removeprefix("0x")
    assert collection.minter() == market.address
    assert market.getListing(collection.address).vendor != ape.utils.ZERO_ADDRESS


def test_fulfil_mints_to_user_and_pays_vendor_if_prover_service_proves(
    chain, market, collection, artifacts, user, deployed_prover, tmp_path
):
    prompt = _prompt(artifacts, seed=int.from_bytes(os.urandom(4), "big"))
    claim_prompt(chain, collection, prompt, user)
    vendor = market.getListing(collection.address).payout
    earnings_before = market.earningsOf(vendor)
    escrow_before = market.totalEscrowed()
    request = request_generation(chain, market, collection, prompt, user)
    assert market.totalEscrowed() == escrow_before + request.price

    state = ProverState.load(tmp_path / "state.json", start_block=chain.blocks.head.number)
    service = ProverService(market, {collection.address: artifacts}, deployed_prover, state)
    outcomes = {o.request_id: o for o in service.poll()}
    assert outcomes[request.request_id].status == "fulfilled"

    token_id = outcomes[request.request_id].token_id
    assert token_id == int.from_bytes(keccak(prompt), "big")
    assert collection.ownerOf(token_id) == user.address
    assert collection.prompt(token_id) == prompt
    fee = market.getRequest(request.request_id).fee
    assert market.earningsOf(vendor) == earnings_before + request.price - fee
    assert market.totalEscrowed() == escrow_before

    # Restart safety: a fresh service on the same state skips it; a second prover loses the race cleanly.
    again = ProverService(
        market, {collection.address: artifacts}, deployed_prover, ProverState.load(tmp_path / "state.json")
    )
    assert again.poll() == []
    other = ProverService(
        market,
        {collection.address: artifacts},
        deployed_prover,
        ProverState(tmp_path / "other.json", last_block=request.block - 1),
    )
    late = {o.request_id: o for o in other.poll()}
    assert late[request.request_id].status == "lost"  # fulfilled already (by the first service): final
    assert collection.balanceOf(user.address) >= 1

    payout_account = next(a for a in ape.accounts.test_accounts if a.address == vendor)
    before = payout_account.balance
    tx = market.withdrawEarnings(payout_account.address, sender=payout_account)
    assert payout_account.balance == before + earnings_before + request.price - fee - tx.total_fees_paid
    assert market.earningsOf(vendor) == 0


def test_refund_returns_escrow_if_deadline_passes_unfulfilled(chain, market, collection, artifacts, user, stranger):
    prompt = _prompt(artifacts, seed=int.from_bytes(os.urandom(4), "big"))
    claim_prompt(chain, collection, prompt, user)
    request = request_generation(chain, market, collection, prompt, user, ttl=600)
    with ape.reverts(market.RequestNotExpired):
        market.refund(request.request_id, sender=stranger)

    chain.pending_timestamp = request.deadline + 1
    chain.mine()
    before = user.balance
    market.refund(request.request_id, sender=stranger)  # anyone may trigger it; the money goes to the user
    assert user.balance == before + request.price
    assert int(market.getRequest(request.request_id).status) == 3  # Refunded
    with ape.reverts(market.RequestNotPending):
        market.refund(request.request_id, sender=stranger)
