"""`zkaigc.deploy` (what `ape run deploy` runs) and `zkaigc.prover` (what `ape run prover` runs) on anvil."""

import json

from ape import project

from proofs.model_artifacts import ModelArtifacts
from zkaigc.deploy import Deployer
from zkaigc.prover import ProverService, ProverState

PENDING, FULFILLED = 1, 2


def _service(market, collection, micro_art, prover, state_path, start_block, models=None):
    served = {collection.address: micro_art} if models is None else models
    return ProverService(market, served, prover, ProverState.load(state_path, start_block), log=lambda m: None)


def test_deploy_writes_manifest_with_artifact_hashes(micro_deployment, micro_art, chain):
    market, collection, path = micro_deployment
    manifest = json.loads(path.read_text())
    assert manifest["chain_id"] == chain.chain_id
    assert manifest["contracts"]["marketplace"]["address"] == market.address
    assert manifest["models"]["micro"]["collection"] == collection.address
    assert manifest["models"]["micro"]["model_hash"] == micro_art.model_hash()
    assert collection.verifier() == manifest["models"]["micro"]["verifier"]
    assert collection.minter() == market.address


def test_deploy_skips_everything_if_rerun(micro_deployment, chain, vendor, prover):
    market, collection, path = micro_deployment
    again = Deployer(project, chain, vendor, log=lambda m: None, manifest_path=path, prover=prover.address)
    deployed = again.all(["micro"])
    assert again.gas_used == {}  # nothing deployed, listed or allowed a second time
    assert deployed["marketplace"].address == market.address
    assert deployed["micro"].address == collection.address


def test_poll_fulfils_request_and_persists_progress_if_prompt_is_valid(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([5, -7, 40, -90], user)
    service = _service(market, collection, micro_art, prover, tmp_path / "state.json", start)
    [outcome] = service.poll()
    assert outcome.status == "fulfilled" and outcome.request_id == request.request_id
    assert int(market.getRequest(request.request_id).status) == FULFILLED
    assert collection.ownerOf(outcome.token_id) == user.address

    saved = json.loads((tmp_path / "state.json").read_text())
    assert saved["handled"][str(request.request_id)] == "fulfilled"
    assert saved["last_block"] >= request.block
    restarted = _service(market, collection, micro_art, prover, tmp_path / "state.json", start)
    assert restarted.poll() == []  # resumes after the last processed block: nothing proven twice

    # After a receipt timeout the service asks the chain whose fulfilment landed.
    landed = service._fulfilled_by_us(request.request_id, request.block)
    assert landed is not None and int(landed.tokenId) == outcome.token_id
    other = _service(market, collection, micro_art, user, tmp_path / "other.json", start)
    assert other._fulfilled_by_us(request.request_id, request.block) is None


def test_poll_skips_request_if_prompt_does_not_decode(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path
):
    # The chain refuses prompts of the wrong length, so serve the collection with a model whose prompts are
    # longer (a misconfigured model map): micro's 4-byte prompt does not decode for it.
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([9, 8, 7, 6], user)
    wrong_model = {collection.address: ModelArtifacts("pixel32")}
    outcomes = _service(market, collection, micro_art, prover, tmp_path / "s.json", start, models=wrong_model).poll()
    assert [(o.request_id, o.status) for o in outcomes] == [(request.request_id, "skipped")]
    assert "does not decode" in outcomes[0].detail
    assert int(market.getRequest(request.request_id).status) == PENDING  # left for the refund path


def test_poll_skips_request_if_collection_is_not_served(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([1, 2, 3, 4], user)
    outcomes = _service(market, collection, micro_art, prover, tmp_path / "s.json", start, models={}).poll()
    assert [(o.request_id, o.status) for o in outcomes] == [(request.request_id, "skipped")]
    assert int(market.getRequest(request.request_id).status) == PENDING


def test_poll_loses_cleanly_if_another_prover_fulfilled_first(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([-3, 3, -3, 3], user)
    first = _service(market, collection, micro_art, prover, tmp_path / "a.json", start)
    second = _service(market, collection, micro_art, prover, tmp_path / "b.json", start)
    assert [o.status for o in first.poll()] == ["fulfilled"]
    [late] = second.poll()
    assert late.request_id == request.request_id and late.status == "lost"  # final: never retried
    assert collection.balanceOf(user.address) >= 1
