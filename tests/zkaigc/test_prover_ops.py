"""The prover as an operator runs it: what is final, what is retried, and one-line errors for bad inputs.

Each test here is a UX failure of the old poll loop (issue: "The prover as a Silverback bot"): on the old code
it fails. Real parts only: ape's anvil, the real micro verifier, ezkl proving.
"""

import json
import shutil
import time

import pytest
from ape import project
from eth_utils import keccak, to_checksum_address

from proofs.model_artifacts import ModelArtifacts
from support.helpers import TEST_CARD, token_of
from zkaigc.deploy import Deployer
from zkaigc.enums import CurveType, RequestStatus
from zkaigc.errors import DeploymentError, ManifestError, PreflightError, ProverStateError
from zkaigc.manifest import Manifest
from zkaigc.prover import ProverService, ProverState, check_manifest_chain, check_served
from zkaigc.reverts import RevertDecoder, encode_error


def _service(market, models, account, path, start, **kw):
    kw.setdefault("retry_base", 0.0)
    kw.setdefault("log", lambda m: None)
    return ProverService(market, models, account, ProverState.load(path, start), **kw)


def test_poll_fulfils_request_if_vendor_allows_the_prover_after_a_skip(
    micro_deployment, micro_art, request_micro, chain, user, vendor, stranger, tmp_path
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([11, 12, 13, 14], user)
    service = _service(market, {collection.address: micro_art}, stranger, tmp_path / "s.json", start)
    [first] = service.poll()
    assert first.status == "skipped" and "not a prover" in first.detail
    assert str(request.request_id) not in service.state.handled  # not final: retried later
    assert str(request.request_id) in json.loads((tmp_path / "s.json").read_text())["retry"]

    market.setProver(collection.address, stranger.address, True, sender=vendor)
    try:
        [second] = service.poll()
    finally:
        market.setProver(collection.address, stranger.address, False, sender=vendor)
    assert second.status == "fulfilled" and second.request_id == request.request_id
    assert service.state.handled[str(request.request_id)] == "fulfilled" and service.state.retry == {}


def test_poll_serves_request_if_a_later_run_serves_its_collection(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([21, 22, 23, 24], user)
    [skipped] = _service(market, {}, prover, tmp_path / "s.json", start).poll()  # `--models other`
    assert skipped.status == "skipped" and "not served" in skipped.detail
    later = _service(market, {collection.address: micro_art}, prover, tmp_path / "s.json", start)  # all models
    assert [(o.request_id, o.status) for o in later.poll()] == [(request.request_id, "fulfilled")]


def test_start_fulfils_on_a_background_thread_until_stopped_if_a_request_arrives(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path
):
    market, collection, _ = micro_deployment
    service = _service(market, {collection.address: micro_art}, prover, tmp_path / "s.json", chain.blocks.head.number)
    service.start(interval=0.2)  # as the web app embeds it
    try:
        request = request_micro([41, 42, 43, 44], user)
        deadline = time.monotonic() + 120
        while service.activity.get(request.request_id) != "fulfilled" and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        service.stop()
    assert service.activity[request.request_id] == "fulfilled"
    assert int(market.getRequest(request.request_id).status) == RequestStatus.FULFILLED
    assert not service.running


@pytest.fixture(scope="module")
def faulty_collection(micro_deployment, micro_art, deployer, vendor, prover):
    """A listed micro-encoding collection whose verifier rejects every proof: every fulfil reverts."""
    market, _, _ = micro_deployment
    verifier = project.FaultyVerifier.deploy(0, sender=deployer)  # Mode.ReturnFalse
    collection = project.ERC7007Collection.deploy(
        "faulty",
        "BAD",
        verifier,
        keccak(b"faulty model"),
        micro_art.encoding_struct(),
        market,
        vendor,
        TEST_CARD,
        sender=vendor,
    )
    market.list(collection, vendor, CurveType.EXPONENTIAL, 10**12, 10**18, sender=vendor)
    market.setProver(collection, prover, True, sender=vendor)
    return collection


def test_poll_decodes_revert_and_backs_off_if_fulfil_always_reverts(
    micro_deployment, faulty_collection, micro_art, request_micro, chain, user, prover, tmp_path
):
    market, _, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([31, 32, 33, 34], user, collection=faulty_collection)
    lines = []
    service = _service(
        market,
        {faulty_collection.address: micro_art},
        prover,
        tmp_path / "s.json",
        start,
        retry_base=3600,
        decoder=RevertDecoder.from_project(project),
        log=lines.append,
    )
    [outcome] = service.poll()
    token = token_of(micro_art.encoding().encode_prompt([31, 32, 33, 34]))
    assert outcome.status == "failed"
    assert outcome.detail == f"fulfil reverted: ERC7007InvalidProof({token})"  # in words, not 0x4049a753…
    assert f"request {request.request_id}: failed ({outcome.detail}), proved in " in lines[-1]
    assert lines[-1].endswith("; retry #1 in 300 s")  # retry_base 3600, capped at 300
    assert service.poll() == []  # backing off: not re-proved on the next pass
    assert service.metrics.proofs == 1 and service.metrics.failures == 1
    entry = service.state.retry[str(request.request_id)]
    assert entry.attempts == 1 and entry.next_at > 0


def test_poll_skips_request_up_front_if_it_cannot_finish_before_its_deadline(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([41, 42, 43, 44], user, ttl=400)  # window: 300 s
    service = _service(market, {collection.address: micro_art}, prover, tmp_path / "s.json", start, margin=900)
    [outcome] = service.poll()
    assert outcome.status == "too-late" and service.metrics.proofs == 0
    assert service.state.handled[str(request.request_id)] == "too-late"
    assert int(market.getRequest(request.request_id).status) == 1  # left pending for the refund


def test_poll_ends_request_as_expired_if_its_deadline_passed(
    micro_deployment, micro_art, request_micro, chain, user, prover, tmp_path
):
    market, collection, _ = micro_deployment
    start = chain.blocks.head.number
    request = request_micro([51, 52, 53, 54], user, ttl=400)
    chain.pending_timestamp += 500
    chain.mine()
    [outcome] = _service(market, {collection.address: micro_art}, prover, tmp_path / "s.json", start).poll()
    assert (outcome.request_id, outcome.status) == (request.request_id, "expired")


@pytest.mark.parametrize("content", ["{not json", '{"last_block": "x"}', "[]", '{"last_block": 3, "handled": 7}'])
def test_load_raises_one_line_and_leaves_file_if_state_is_corrupt(tmp_path, content):
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(ProverStateError) as err:
        ProverState.load(path, 0, genesis="0x" + "00" * 32)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
    assert path.read_text() == content


def test_load_moves_state_aside_if_it_is_for_another_chain(tmp_path):
    path = tmp_path / "state.json"
    ProverState(path, last_block=9, handled={"1": "fulfilled"}, genesis="0x" + "11" * 32).save()
    saved = path.read_text()
    state = ProverState.load(path, 5, genesis="0x" + "22" * 32)
    assert state.last_block == 4 and state.handled == {}
    assert state.moved_aside is not None and state.moved_aside.read_text() == saved


def test_check_manifest_chain_refuses_if_manifest_is_from_another_chain(micro_deployment, chain, tmp_path):
    _, _, path = micro_deployment
    other = tmp_path / "other.json"
    data = json.loads(path.read_text())
    data["genesis"] = "0x" + "ab" * 32
    other.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="another chain") as err:
        check_manifest_chain(Manifest.load(other), chain)
    assert "\n" not in str(err.value)


def test_check_manifest_chain_refuses_if_marketplace_has_no_code(micro_deployment, chain, tmp_path):
    _, _, path = micro_deployment
    other = tmp_path / "nocode.json"
    data = json.loads(path.read_text())
    data["contracts"]["marketplace"]["address"] = "0x" + "12" * 20
    other.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="no marketplace code"):
        check_manifest_chain(Manifest.load(other), chain)


@pytest.mark.parametrize("content", ["{corrupt", '{"network": "x"}', '{"network": "x", "chain_id": 1, "genesis": 5}'])
def test_manifest_raises_one_line_and_leaves_file_if_it_is_corrupt(tmp_path, content):
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(ManifestError) as err:
        Manifest.load(path).validated()
    assert "\n" not in str(err.value)
    assert path.read_text() == content


def test_check_served_raises_one_line_if_account_is_not_a_prover(micro_deployment, micro_art, stranger):
    market, collection, _ = micro_deployment
    with pytest.raises(PreflightError, match="not an allowed prover") as err:
        check_served(market, {collection.address: micro_art}, stranger)
    assert "\n" not in str(err.value)


def test_check_served_raises_if_artifacts_differ_from_onchain_model_hash(micro_deployment, prover):
    market, collection, _ = micro_deployment
    with pytest.raises(PreflightError, match="model hash"):
        check_served(market, {collection.address: ModelArtifacts("pixel32")}, prover)


def test_check_served_passes_if_prover_and_artifacts_match(micro_deployment, micro_art, prover):
    market, collection, _ = micro_deployment
    check_served(market, {collection.address: micro_art}, prover)


def test_deployer_refuses_and_keeps_manifest_if_committed_artifacts_changed(micro_deployment, chain, vendor, tmp_path):
    _, _, path = micro_deployment
    copy = tmp_path / "manifest.json"
    shutil.copy(path, copy)
    data = json.loads(copy.read_text())
    data["models"]["micro"]["vk"] = "0" * 64  # deployed from other artifacts than the committed ones
    copy.write_text(json.dumps(data))
    before = copy.read_text()
    with pytest.raises(DeploymentError, match="--redeploy"):
        Deployer(project, chain, vendor, log=lambda m: None, manifest_path=copy).all(["micro"])
    assert json.loads(copy.read_text())["models"] == json.loads(before)["models"]


def test_revert_decoder_names_custom_error_if_selector_is_known():
    decoder = RevertDecoder.from_project(project)
    assert decoder.decode(bytes.fromhex("4049a753") + (7).to_bytes(32, "big")) == "ERC7007InvalidProof(7)"
    assert decoder.decode(bytes.fromhex("deadbeef")) == "unknown revert 0xdeadbeef"


def test_describe_revert_words_the_error_as_ape_does_if_given_exact_revert_data():
    decoder, market = RevertDecoder.from_project(project), project.ModelMarketplace.contract_type
    [abi] = [e for e in market.errors if e.name == "NotProver"]
    collection, account = to_checksum_address("0x" + "ab" * 20), to_checksum_address("0x" + "0c" * 20)
    data = encode_error(abi, collection, account)
    assert data[:4] == keccak(text="NotProver(address,address)")[:4]
    # The called contract's own error: named, as Ape decodes it; another contract's: positional, as `decode`.
    assert decoder.describe_revert(data, market) == f"NotProver(collection={collection}, account={account})"
    assert decoder.describe_revert(data) == f"NotProver({collection.lower()}, {account.lower()})"
    assert decoder.describe_revert(data[:4], market) == "NotProver(?)"
    assert decoder.describe_revert(keccak(text="Panic(uint256)")[:4] + (17).to_bytes(32, "big")) == "Panic(17)"
    assert decoder.describe_revert(b"") == "reverted without a reason"
