"""`zkaigc.settings`: the ZKAIGC_* environment in one place, read afresh by each `get_settings()`."""

from __future__ import annotations

import pytest

from zkaigc.errors import ZkaigcError
from zkaigc.settings import get_settings


def test_get_settings_reads_the_environment_if_variables_are_set(monkeypatch):
    monkeypatch.setenv("ZKAIGC_BROKER", "redis://10.0.0.7:6390/2")
    monkeypatch.setenv("ZKAIGC_RPC", "http://10.0.0.5:8545")
    monkeypatch.setenv("ZKAIGC_MODELS", "micro,pixel32")
    monkeypatch.setenv("ZKAIGC_ALLOW_DEV_SRS", "1")
    config = get_settings()
    assert config.broker == "redis://10.0.0.7:6390/2"
    assert config.rpc == "http://10.0.0.5:8545"
    assert config.model_list == ["micro", "pixel32"]
    assert config.allow_dev_srs is True


def test_get_settings_gives_the_defaults_if_nothing_is_set(monkeypatch):
    for name in ("BROKER", "RPC", "MODELS", "ALLOW_DEV_SRS", "LEASE_S", "REDELIVER_S", "QUEUE"):
        monkeypatch.delenv(f"ZKAIGC_{name}", raising=False)
    config = get_settings()
    assert (config.broker, config.rpc, config.model_list, config.allow_dev_srs) == (None, None, None, False)
    assert (config.queue, config.lease_s, config.redeliver_s) == ("zkaigc", 15.0, 60.0)


def test_get_settings_raises_one_line_naming_the_variable_if_a_value_is_invalid(monkeypatch):
    monkeypatch.setenv("ZKAIGC_LEASE_S", "-1")
    with pytest.raises(ZkaigcError, match=r"^ZKAIGC_LEASE_S: "):
        get_settings()
