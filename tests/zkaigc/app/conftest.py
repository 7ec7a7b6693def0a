"""The web app tests' shared fixtures: micro's preview service and the app over it, offline (no chain); and the
browser tests' rig: the app as `make app` starts it (its own anvil), headless Chromium, a page, a photo."""

import signal
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from proofs.files import REPO_ROOT
from support.browser import CHROMIUM, CHROMIUM_ARGS, MODELS, get_json
from zkaigc.app.api import create_app
from zkaigc.app.preview import PreviewService
from zkaigc.localchain import free_port


@pytest.fixture(scope="module")
def micro_preview(tmp_path_factory):
    service = PreviewService(["micro"], workdir=tmp_path_factory.mktemp("preview"))
    yield service
    service.close()


@pytest.fixture
def client(micro_preview):
    """The app over micro alone, no chain, no rate limit."""
    return TestClient(create_app(micro_preview))


# ------------------------------------------------------------------------------------------------ the browser rig
# For test_app_browser.py: the app as `make app` starts it, Chromium, a page, a photo (tests/support/browser.py).
@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """`ape run app` on a free port with its own anvil and a throwaway manifest; stopped (and its anvil) after."""
    tmp = tmp_path_factory.mktemp("app")
    port = free_port()
    log = open(tmp / "app.log", "w")
    command = ["ape", "run", "app", "--models", MODELS, "--port", str(port), "--manifest", str(tmp / "manifest.json")]
    process = subprocess.Popen(command + ["--interval", "0.5"], cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the app exited ({process.returncode}):\n{(tmp / 'app.log').read_text()[-3000:]}")
            try:
                if get_json(f"{url}/api/health")["chain"]:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not start:\n{(tmp / 'app.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)  # unwinds: stops the prover and closes the app's anvil
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []  # no uncaught exception in any page script


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    """A photo of the user's own: a small noun-like picture (a face with glasses on a plain background)."""
    image = Image.new("RGB", (320, 320), (170, 200, 230))
    pixels = image.load()
    for y in range(100, 300):
        for x in range(80, 240):
            pixels[x, y] = (240, 180, 130) if y < 240 else (60, 90, 200)
    for y in range(140, 170):
        for x in list(range(90, 150)) + list(range(170, 230)):
            pixels[x, y] = (230, 40, 40)
    path = tmp_path_factory.mktemp("photo") / "me.jpg"
    image.save(path, "JPEG", quality=90)
    return path
