"""The web app tests' shared fixtures: micro's preview service and the app over it, offline (no chain)."""

import pytest
from fastapi.testclient import TestClient

from zkaigc.app.api import create_app
from zkaigc.app.preview import PreviewService


@pytest.fixture(scope="module")
def micro_preview(tmp_path_factory):
    service = PreviewService(["micro"], workdir=tmp_path_factory.mktemp("preview"))
    yield service
    service.close()


@pytest.fixture
def client(micro_preview):
    """The app over micro alone, no chain, no rate limit."""
    return TestClient(create_app(micro_preview))
