"""The web app's limits on previews: a rate limit per client (429 with Retry-After), a bounded number of witnesses at
once, and a clear 503 when every slot stays busy (nothing half-cached)."""

import threading
import time

import pytest
from fastapi.testclient import TestClient

from proofs.model_artifacts import ModelArtifacts
from support.app import MICRO_PROMPT
from zkaigc.app.api import create_app
from zkaigc.app.preview import PreviewService
from zkaigc.app.ratelimit import RateLimiter
from zkaigc.errors import PreviewBusyError


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
