"""`zkaigc.deploy` (what `ape run deploy` runs) and `zkaigc.prover` (what `ape run prover` runs) on anvil."""

import json

import pytest
from ape import project

from proofs.pipeline import ModelArtifacts
from zkaigc.client import claim_prompt, request_generation
from zkaigc.deploy import Deployer
from zkaigc.prover import ProverService, ProverState

PENDING, FULFILLED = 1, 2


@pytest.fixture(scope="module")
def micro():
    return ModelArtifacts("micro")


@pytest.fixture(scope="module")
def deployment(chain, vendor, prover, tmp_path_factory):
    """Marketplace + micro collection deployed by the Deployer, with its manifest path."""
    path = tmp_path_factory.mktemp("deploy") / "manifest.json"
    deployer = Deployer(project, chain, vendor, log=lambda m: None, manifest_path=path, prover=prover.address)
    deployed = deployer.all(["micro"])
    return deployed["marketplace"], deployed["micro"], path


def _service(market, collection, micro, prover, state_path, start_block, models=None):
    served = {collection.address: micro} if models is None else models
    return ProverService(market, served, prover, ProverState.load(state_path, start_block), log=lambda m: None)


def test_deploy_writes_manifest_with_artifact_hashes(deployment, micro, chain):
    market, collection, path = deployment
    manifest = json.loads(path.read_text())
    assert manifest["chain_id"] == chain.chain_id
    assert manifest["contracts"]["marketplace"]["address"] == market.address
    assert manifest["models"]["micro"]["collection"] == collection.address
    assert manifest["models"]["micro"]["model_hash"] == micro.model_hash()
    assert collection.verifier() == manifest["models"]["micro"]["verifier"]
    assert collection.minter() == market.address


def test_deploy_skips_everything_if_rerun(deployment, chain, vendor, prover):
    market, collection, path = deployment
    again = Deployer(project, chain, vendor, log=lambda m: None, manifest_path=path, prover=prover.address)
    deployed = again.all(["micro"])
    assert again.gas_used == {}  # nothing deployed, listed or allowed a second time
    assert deployed["marketplace"].address == market.address
    assert deployed["micro"].address == collection.address


def test_poll_fulfils_request_and_persists_progress_if_prompt_is_valid(
    deployment, micro, chain, user, prover, tmp_path
):
    market, collection, _ = deployment
    prompt = micro.encoding().encode_prompt([5, -7, 40, -90])
    claim_prompt(chain, collection, prompt, user)
    start = chain.blocks.head.number
    request = request_generation(chain, market, collection, prompt, user)
    service = _service(market, collection, micro, prover, tmp_path / "state.json", start)
    [outcome] = service.poll()
    assert outcome.status == "fulfilled" and outcome.request_id == request.request_id
    assert int(market.getRequest(request.request_id).status) == FULFILLED
    assert collection.ownerOf(outcome.token_id) == user.address

    saved = json.loads((tmp_path / "state.json").read_text())
    assert saved["handled"][str(request.request_id)] == "fulfilled"
    assert saved["last_block"] >= request.block
    restarted = _service(market, collection, micro, prover, tmp_path / "state.json", start)
    assert restarted.poll() == []  # resumes after the last processed block: nothing proven twice

    # After a receipt timeout the service asks the chain whose fulfilment landed.
    landed = service._fulfilled_by_us(request.request_id, request.block)
    assert landed is not None and int(landed.tokenId) == outcome.token_id
    other = _service(market, collection, micro, user, tmp_path / "other.json", start)
    assert other._fulfilled_by_us(request.request_id, request.block) is None


def test_poll_skips_request_if_prompt_does_not_decode(deployment, micro, chain, user, prover, tmp_path):
    # The chain refuses prompts of the wrong length, so serve the collection with a model whose prompts are
    # longer (a misconfigured model map): micro's 4-byte prompt does not decode for it.
    market, collection, _ = deployment
    prompt = micro.encoding().encode_prompt([9, 8, 7, 6])
    claim_prompt(chain, collection, prompt, user)
    start = chain.blocks.head.number
    request = request_generation(chain, market, collection, prompt, user)
    wrong_model = {collection.address: ModelArtifacts("pixel32")}
    outcomes = _service(market, collection, micro, prover, tmp_path / "s.json", start, models=wrong_model).poll()
    assert [(o.request_id, o.status) for o in outcomes] == [(request.request_id, "skipped")]
    assert "does not decode" in outcomes[0].detail
    assert int(market.getRequest(request.request_id).status) == PENDING  # left for the refund path


def test_poll_skips_request_if_collection_is_not_served(deployment, micro, chain, user, prover, tmp_path):
    market, collection, _ = deployment
    prompt = micro.encoding().encode_prompt([1, 2, 3, 4])
    claim_prompt(chain, collection, prompt, user)
    start = chain.blocks.head.number
    request = request_generation(chain, market, collection, prompt, user)
    outcomes = _service(market, collection, micro, prover, tmp_path / "s.json", start, models={}).poll()
    assert [(o.request_id, o.status) for o in outcomes] == [(request.request_id, "skipped")]
    assert int(market.getRequest(request.request_id).status) == PENDING


def test_poll_loses_cleanly_if_another_prover_fulfilled_first(deployment, micro, chain, user, prover, tmp_path):
    market, collection, _ = deployment
    prompt = micro.encoding().encode_prompt([-3, 3, -3, 3])
    claim_prompt(chain, collection, prompt, user)
    start = chain.blocks.head.number
    request = request_generation(chain, market, collection, prompt, user)
    first = _service(market, collection, micro, prover, tmp_path / "a.json", start)
    second = _service(market, collection, micro, prover, tmp_path / "b.json", start)
    assert [o.status for o in first.poll()] == ["fulfilled"]
    [late] = second.poll()
    assert late.request_id == request.request_id and late.status == "lost"  # final: never retried
    assert collection.balanceOf(user.address) >= 1
