"""The web app's API (`zkaigc.app`): previews that equal what a proof carries, prices from the bonding curve, and a
clear JSON error for every bad input (after which the app still serves).

Offline tests serve micro (and pixel32 in one test) without a chain; test_app_chain.py reads prices, addresses and
ABIs through the app from a deployment.
"""

import base64
import hashlib
import io
import threading
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from models import registry
from proofs import style, textprompt
from proofs.files import REPO_ROOT
from proofs.model_artifacts import ModelArtifacts, committed_models
from proofs.prompts import random_prompt
from support.images import png_header_only
from zkaigc.app.api import create_app
from zkaigc.app.assets import vendor_ethers
from zkaigc.app.preview import MAX_UPLOAD_BYTES, PreviewService
from zkaigc.app.ratelimit import RateLimiter
from zkaigc.errors import PreviewBusyError

MICRO_PROMPT = "0x9c3f07e1"


def png_bytes(size=(40, 30), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def micro_preview(tmp_path_factory):
    service = PreviewService(["micro"], workdir=tmp_path_factory.mktemp("preview"))
    yield service
    service.close()


@pytest.fixture
def client(micro_preview):
    """The app over micro alone, no chain, no rate limit."""
    return TestClient(create_app(micro_preview))


def assert_still_serves(client):
    """After a refused request the app answers a good one as before."""
    reply = client.post("/api/preview", json={"prompt": MICRO_PROMPT})
    assert reply.status_code == 200
    assert reply.json()["results"][0]["ok"] is True


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


def test_preview_image_returns_the_encoders_prompt_and_its_preview_if_upload_is_an_image(client):
    reply = client.post("/api/preview/image", files={"file": ("photo.png", png_bytes(), "image/png")})
    assert reply.status_code == 200
    [result] = reply.json()["results"]
    assert result["ok"] and result["model"] == "micro"
    assert len(bytes.fromhex(result["prompt"][2:])) == 4  # micro's prompt: 4 latent bytes
    again = client.post("/api/preview", json={"prompt": result["prompt"]}).json()["results"][0]
    assert again["aigcData"] == result["aigcData"] and again["cached"] is True


def test_preview_image_gives_the_prompt_and_preview_of_proofs_style_if_upload_is_a_wide_jpeg(client, tmp_path):
    # Wide, with dark and white margins: the centred crop decides the prompt, and a JPEG decoded at reduced size
    # would too; the app must give what `python -m proofs encode` gives the same file.
    array = np.zeros((48, 96, 3), np.uint8)
    array[:, 72:] = 255
    array[:, 24:72] = np.linspace(255, 0, 48, dtype=np.uint8)[None, :, None]
    array[:24, 24:72, 1] = 200
    photo = tmp_path / "photo.jpg"
    Image.fromarray(array).save(photo, "JPEG", quality=90)
    reply = client.post("/api/preview/image", files={"file": ("photo.jpg", photo.read_bytes(), "image/jpeg")})
    assert reply.status_code == 200
    [result] = reply.json()["results"]
    expected = style.encode(photo, "micro", preview=tmp_path / "style.png")
    assert result["prompt"] == "0x" + expected.prompt.hex()
    assert result["aigcData"] == "0x" + expected.aigc.hex()
    png = Image.open(io.BytesIO(base64.b64decode(result["image"].split(",", 1)[1])))
    assert np.array_equal(np.asarray(png), np.asarray(Image.open(expected.preview)))


def test_preview_image_answers_415_if_upload_is_not_an_image(client):
    reply = client.post("/api/preview/image", files={"file": ("notes.txt", b"just some text\n" * 10, "text/plain")})
    assert reply.status_code == 415
    assert reply.json()["error"]["code"] == "not_an_image"
    assert_still_serves(client)


def test_preview_image_answers_413_if_upload_is_5_mb_or_more(client, micro_preview):
    before = micro_preview.jobs_run
    big = b"\x89PNG" + bytes(MAX_UPLOAD_BYTES + 100_000)  # refused from its Content-Length, before parsing
    reply = client.post("/api/preview/image", files={"file": ("big.png", big, "image/png")})
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "upload_too_large"
    assert micro_preview.jobs_run == before
    assert_still_serves(client)


@pytest.mark.parametrize("side", [10_000, 50_000], ids=["over-pil-warning", "over-pil-error"])
def test_preview_image_answers_413_if_image_has_more_pixels_than_pil_allows(client, micro_preview, side):
    # A few bytes claiming side² pixels: PIL warns (over 89M) or raises (over 179M) in `open`, before any check of
    # ours; both must be a clean 413, not a 500.
    before = micro_preview.jobs_run
    bomb = png_header_only(side, side)
    reply = client.post("/api/preview/image", files={"file": ("bomb.png", bomb, "image/png")})
    assert reply.status_code == 413, reply.text
    assert reply.json()["error"]["code"] == "upload_too_large"
    assert micro_preview.jobs_run == before
    assert_still_serves(client)


def test_preview_image_answers_413_if_upload_is_exactly_5_mb(client, micro_preview):
    before = micro_preview.jobs_run
    reply = client.post("/api/preview/image", files={"file": ("big.png", bytes(MAX_UPLOAD_BYTES), "image/png")})
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "upload_too_large"
    assert micro_preview.jobs_run == before
    assert_still_serves(client)


def test_preview_answers_429_with_retry_after_if_client_exceeds_rate_limit(micro_preview):
    client = TestClient(create_app(micro_preview, limiter=RateLimiter(rate=0.5, burst=2)))
    codes = [client.post("/api/preview", json={"prompt": MICRO_PROMPT}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = client.post("/api/preview", json={"prompt": MICRO_PROMPT})
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert client.get("/api/models").status_code == 200  # only previews are limited


def test_preview_answers_503_if_every_slot_stays_busy(micro_preview, tmp_path):
    service = PreviewService({"micro": ModelArtifacts("micro")}, workdir=tmp_path, max_jobs=1, wait_seconds=0.05)
    client = TestClient(create_app(service))
    service._slots.acquire()  # a long job holds the only slot
    try:
        reply = client.post("/api/preview", json={"prompt": "0x05060708"})
    finally:
        service._slots.release()
        service.close()
    assert reply.status_code == 503
    assert reply.json()["error"]["code"] == "busy" and reply.headers["Retry-After"] == "1"
    assert service.preview("micro", bytes.fromhex("05060708")).cached is False  # nothing half-cached


def test_preview_runs_at_most_max_jobs_witnesses_at_once_if_many_requests_arrive(tmp_path):
    art = ModelArtifacts("micro")
    running, peak, lock = [0], [0], threading.Lock()
    witness = art.witness

    def counting(latent, workdir):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        try:
            return witness(latent, workdir)
        finally:
            with lock:
                running[0] -= 1

    art.witness = counting
    service = PreviewService({"micro": art}, workdir=tmp_path, max_jobs=2)
    threads = [threading.Thread(target=service.preview, args=("micro", bytes([i, 1, 2, 3]))) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    service.close()
    assert service.jobs_run == 6 and peak[0] == 2


def test_preview_raises_busy_error_if_no_slot_frees_in_time(tmp_path):
    service = PreviewService(["micro"], workdir=tmp_path, max_jobs=1, wait_seconds=0.01)
    service._slots.acquire()
    try:
        with pytest.raises(PreviewBusyError):
            service.preview("micro", bytes(4))
    finally:
        service._slots.release()
        service.close()


def test_rate_limiter_refills_tokens_over_time_if_client_waits():
    now = [0.0]
    limiter = RateLimiter(rate=1.0, burst=2, clock=lambda: now[0])
    assert [limiter.take("a"), limiter.take("a")] == [0.0, 0.0]
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0.0  # per client
    now[0] = 1.0
    assert limiter.take("a") == 0.0


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
