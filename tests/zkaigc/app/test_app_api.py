"""The web app's API (`zkaigc.app`): previews that equal what a proof carries, and a clear JSON error for every bad
prompt or text (after which the app still serves); the pages, the vendored ethers and JSON errors.

Offline tests serve micro (and pixel32 in one test) without a chain; test_app_chain.py reads prices, addresses and
ABIs through the app from a deployment. Uploaded images: test_app_uploads.py; rate limits and busy slots:
test_app_limits.py.
"""

import base64
import hashlib
import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from models import registry
from proofs import textprompt
from proofs.files import REPO_ROOT
from proofs.model_artifacts import ModelArtifacts, committed_models
from proofs.prompts import random_prompt
from support.app import MICRO_PROMPT, assert_still_serves
from zkaigc.app.api import create_app
from zkaigc.app.assets import vendor_ethers
from zkaigc.app.preview import PreviewService


# --- previews ---------------------------------------------------------------------------------------------------
def test_preview_equals_the_committed_proofs_aigc_data_if_prompt_is_the_samples(client, micro):
    prompt = "0x" + micro.sample.prompt.hex()
    reply = client.post("/api/preview", json={"prompt": prompt})
    assert reply.status_code == 200
    [result] = reply.json()["results"]
    assert result["ok"] and result["model"] == "micro" and result["prompt"] == prompt
    assert result["aigcData"] == "0x" + micro.sample.aigc.hex()  # what the proven, minted token stores
    image = Image.open(io.BytesIO(base64.b64decode(result["image"].split(",", 1)[1])))
    scale = image.width // 4
    pixels = [image.convert("L").getpixel((x * scale, y * scale)) for y in range(4) for x in range(4)]
    assert pixels == micro.enc.pixels(micro.sample.aigc)


def test_preview_returns_every_model_side_by_side_and_a_length_error_if_prompt_fits_only_one(tmp_path):
    service = PreviewService(["micro", "pixel32"], workdir=tmp_path)  # the one pixel model preview of the suite
    try:
        reply = TestClient(create_app(service)).post("/api/preview", json={"prompt": MICRO_PROMPT})
    finally:
        service.close()
    assert reply.status_code == 200
    micro_result, pixel_result = reply.json()["results"]
    assert micro_result["model"] == "micro" and micro_result["ok"] is True
    assert pixel_result == {
        "model": "pixel32",
        "ok": False,
        "error": {"code": "wrong_prompt_length", "message": "pixel32 takes a 16-byte prompt, not 4 bytes"},
    }
    assert service.jobs_run == 1


@pytest.mark.parametrize("text", ["a red fox at dawn", MICRO_PROMPT, "0x" + "ab" * 16, "head: shark"])
def test_preview_text_previews_every_model_with_its_own_prompt_if_formats_differ(tmp_path, text):
    # One text, two prompt lengths (micro 4 bytes, pixel32 16): each model maps it to its own prompt, none errors.
    service = PreviewService(["micro", "pixel32"], workdir=tmp_path)
    try:
        reply = TestClient(create_app(service)).post("/api/preview/text", json={"text": text})
    finally:
        service.close()
    assert reply.status_code == 200, reply.text
    results = {r["model"]: r for r in reply.json()["results"]}
    assert all(r["ok"] for r in results.values()), results
    for name, length in (("micro", 4), ("pixel32", 16)):
        prompt, how = textprompt.prompt_for(name, text)
        assert results[name]["prompt"] == "0x" + prompt.hex() and results[name]["mapping"] == how
        assert len(prompt) == length
    raw = text.removeprefix("0x")
    assert results["micro"]["mapping"] == ("hex" if len(raw) == 8 else "hash")
    assert results["pixel32"]["mapping"] == ("hex" if len(raw) == 32 else "hash")


def test_preview_text_answers_422_if_text_is_empty(client):
    reply = client.post("/api/preview/text", json={"text": "   "})
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "invalid_text"
    assert_still_serves(client)


def test_hashed_prompt_is_the_documented_sha256_if_model_reads_plain_text():
    digest = hashlib.sha256(b"zkaigc text prompt v1\0micro\0a red fox").digest()
    assert textprompt.prompt_for("micro", "  a red fox ") == (digest[:4], "hash")
    assert len(textprompt.hashed_prompt("micro", "x", 40)) == 40  # extended past one digest


def test_preview_is_cached_by_model_and_prompt_if_asked_twice(client, micro_preview):
    before = micro_preview.jobs_run
    first = client.post("/api/preview", json={"prompt": "0x01020304"}).json()["results"][0]
    second = client.post("/api/preview", json={"prompt": "0x01020304"}).json()["results"][0]
    assert (first["cached"], second["cached"]) == (False, True)
    assert first["aigcData"] == second["aigcData"]
    assert micro_preview.jobs_run == before + 1


def test_preview_answers_422_if_prompt_fits_no_model(client):
    reply = client.post("/api/preview", json={"prompt": "0x010203"})
    assert reply.status_code == 422
    assert reply.json() == {"error": {"code": "wrong_prompt_length", "message": "the prompt is 3 bytes; micro takes 4"}}
    assert_still_serves(client)


@pytest.mark.parametrize("prompt", ["0xzz", "hello", "0x123"])
def test_preview_answers_422_if_prompt_is_not_hex(client, prompt):
    reply = client.post("/api/preview", json={"prompt": prompt})
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "invalid_prompt"
    assert_still_serves(client)


def test_preview_answers_422_if_body_has_no_prompt(client):
    reply = client.post("/api/preview", json={"models": ["micro"]})
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "invalid_request"
    assert "prompt" in reply.json()["error"]["message"]


def test_preview_answers_404_if_model_is_unknown(client, micro_preview):
    before = micro_preview.jobs_run
    reply = client.post("/api/preview", json={"prompt": MICRO_PROMPT, "models": ["micro", "nosuchmodel"]})
    assert reply.status_code == 404
    assert reply.json()["error"]["code"] == "unknown_model"
    assert "nosuchmodel" in reply.json()["error"]["message"]
    assert micro_preview.jobs_run == before  # refused before any witness ran
    assert_still_serves(client)


@pytest.mark.slow
def test_preview_many_draws_every_showcase_model_and_caches_it_if_prompts_are_valid(tmp_path):
    """One valid prompt per showcase model (a random Noun for the trait model, random bytes for the others): every
    model's preview is its circuit's aigcData, and asking again is served from the cache, byte for byte. (How long
    a witness takes is measured by `make bench`, not asserted here.)"""
    showcase = [n for n in committed_models() if registry.get(n).role == "showcase"]
    service = PreviewService(showcase, workdir=tmp_path)
    service.warm()
    prompts = {name: random_prompt(ModelArtifacts(name).encoding(), seed=5) for name in showcase}
    first = service.preview_many(prompts)
    again = service.preview_many(prompts)
    service.close()
    for name in showcase:
        assert not isinstance(first[name], Exception), first[name]
        assert len(first[name].aigc) == ModelArtifacts(name).encoding().aigc_len
        assert again[name].cached and again[name].aigc == first[name].aigc and again[name].png == first[name].png


# --- pages, assets, errors as JSON ------------------------------------------------------------------------------
def test_pages_and_vendored_ethers_are_served_if_app_starts(client):
    vendor_ethers()
    for page, text in [("/", "Try a prompt"), ("/mint.html", "Mint a prompt"), ("/collection.html", "Collection")]:
        reply = client.get(page)
        assert reply.status_code == 200 and text in reply.text
    ethers = client.get("/vendor/ethers.min.js")
    assert ethers.status_code == 200
    assert ethers.content == (REPO_ROOT / "node_modules/ethers/dist/ethers.min.js").read_bytes()


def test_vendor_ethers_copies_the_npm_module_if_missing(tmp_path):
    target = vendor_ethers(vendor_dir=tmp_path / "vendor")
    assert target.read_bytes()[:100] == (REPO_ROOT / "node_modules/ethers/dist/ethers.min.js").read_bytes()[:100]


def test_unknown_api_path_answers_json_404(client):
    reply = client.get("/api/nothing-here")
    assert reply.status_code == 404
    assert reply.json()["error"]["code"] == "not_found"


def test_contracts_and_rpc_answer_503_if_app_has_no_chain(client):
    assert client.get("/api/contracts").status_code == 503
    reply = client.post("/rpc", json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []})
    assert reply.status_code == 503 and reply.json()["error"]["code"] == "no_chain"


def test_enums_are_the_contracts_enums_so_the_pages_never_hard_code_them(client):
    from zkaigc.enums import CurveType, RequestStatus

    served = client.get("/api/enums").json()
    assert served["RequestStatus"] == {s.name: s.value for s in RequestStatus}
    assert served["CurveType"] == {c.name: c.value for c in CurveType}
