"""The prover batches when its queue is deep: N pending requests of one batch-capable collection whose deadlines
allow the longer proof get one batch proof and one `fulfilBatch`; fewer, or tighter deadlines, are proven one by one.
Real parts: ape's anvil, micro's real single and batch-4 verifiers (deployed by the project's Deployer), ezkl
proving, and per-request leases in a real redis-server (`RedisClaims`), as a fleet's workers hold them.
"""

import pytest

from zkaigc.fleet import RedisClaims
from zkaigc.prover import ProverService, ProverState, expected_prove_seconds

SIZE = 4
#: The poll tests prove every request they fulfil (a batch-4 proof or single ones): 4-6 s apiece, so `make test-fast`
#: skips them.
proves = pytest.mark.slow


def _service(market, collection, micro_art, prover, tmp_path, start, broker, **kw):
    claims = RedisClaims(broker, "zkaigc:test", owner="worker-a")
    state = ProverState.load(tmp_path / "state.json", start)
    return ProverService(
        market, {collection.address: micro_art}, prover, state, log=lambda m: None, claims=claims, **kw
    )


def _fulfil_txs(market, outcomes) -> set[str]:
    return {o.detail.split()[1] for o in outcomes if o.status == "fulfilled"}


def test_service_finds_the_batch_circuit_if_collection_takes_batches(
    micro_deployment, micro_art, prover, tmp_path, broker
):
    market, collection, _ = micro_deployment
    service = _service(market, collection, micro_art, prover, tmp_path, 0, broker)
    assert list(service.batches[collection.address]) == [SIZE]
    assert collection.batchVerifier(SIZE) != "0x" + "00" * 20


@proves
def test_poll_fulfils_every_request_with_one_batch_proof_if_queue_holds_a_batch(
    micro_deployment, micro_art, request_micro, chain, accounts, prover, tmp_path, broker
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    requesters = [accounts[i] for i in (2, 4, 5, 6)]
    requests = [request_micro([61 + i, 2, 3, -i], r) for i, r in enumerate(requesters)]
    service = _service(market, collection, micro_art, prover, tmp_path, start, broker)
    outcomes = service.poll()
    assert sorted((o.request_id, o.status) for o in outcomes) == [(r.request_id, "fulfilled") for r in requests]
    assert service.metrics.proofs == 1  # one batch proof for the four
    assert len(_fulfil_txs(market, outcomes)) == 1  # one fulfilBatch
    for r, requester in zip(requests, requesters, strict=True):
        assert int(market.getRequest(r.request_id).status) == 2
        assert collection.ownerOf(int(market.getRequest(r.request_id).promptHash.hex(), 16)) == requester


@proves
def test_poll_proves_one_by_one_if_fewer_requests_than_a_batch(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path, broker
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    requests = [request_micro([71 + i, 5, 5, 5], user) for i in range(SIZE - 1)]
    service = _service(market, collection, micro_art, prover, tmp_path, start, broker)
    outcomes = service.poll()
    assert sorted((o.request_id, o.status) for o in outcomes) == [(r.request_id, "fulfilled") for r in requests]
    assert service.metrics.proofs == SIZE - 1 and len(_fulfil_txs(market, outcomes)) == SIZE - 1


@proves
def test_poll_proves_one_by_one_if_deadlines_do_not_allow_the_batch_proof(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path, broker
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    requests = [request_micro([81 + i, 6, 6, 6], user, ttl=400) for i in range(SIZE)]
    single = 2 * (expected_prove_seconds(micro_art) or 1.0)  # what the service budgets for one proof
    deadline = min(int(market.getRequest(r.request_id).deadline) for r in requests)
    chain.pending_timestamp = deadline - 100
    # 100 s left: enough for one proof (margin + single), not for a batch (margin + 4 × single).
    margin = 100 - single - (SIZE - 1) * single / 2
    service = _service(market, collection, micro_art, prover, tmp_path, start, broker, margin=margin)
    assert (
        service.expected_seconds(collection.address) <= 100 < service.expected_batch_seconds(collection.address, SIZE)
    )
    outcomes = service.poll()
    assert [o.status for o in outcomes] == ["fulfilled"] * SIZE
    assert service.metrics.proofs == SIZE


@proves
def test_poll_proves_the_rest_one_by_one_if_another_worker_holds_one_lease(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path, broker
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    requests = [request_micro([91 + i, 7, 7, 7], user) for i in range(SIZE)]
    other = RedisClaims(broker, "zkaigc:test", owner="worker-b").acquire(requests[1].request_id)
    try:
        service = _service(market, collection, micro_art, prover, tmp_path, start, broker)
        outcomes = {o.request_id: o for o in service.poll()}
    finally:
        other.release()
    assert outcomes[requests[1].request_id].status == "claimed"
    assert [outcomes[r.request_id].status for r in requests if r is not requests[1]] == ["fulfilled"] * (SIZE - 1)
    assert int(market.getRequest(requests[1].request_id).status) == 1  # left to its holder
    assert service.metrics.proofs == SIZE - 1
