"""Patches that make each Ape call cheaper in a test session without changing what it does or what a test sees.

Ape recomputes, on every contract call, things that are fixed for a whole test session: a test account's key (a
PBKDF2 derivation), the provider's settings (a pydantic-settings model rebuilt from the config), the ecosystem's
custom networks (new pydantic classes built from ape-config.yaml's `networks.custom`), and for a reverted call the
trace it prints. Each patch keeps one result per input for the session; the values are the ones Ape computes.
They are applied when pytest is configured and undone after Ape's own teardown (which disconnects the provider
through the same code paths). Measured in docs/testing.md.
"""

from __future__ import annotations

from functools import cached_property

import pytest

_patch = pytest.MonkeyPatch()


def accounts_derived_once(patch: pytest.MonkeyPatch) -> None:
    """Ape derives a test account from its mnemonic (a PBKDF2 seed, ~0.1 s) on every look-up, and ape-foundry looks
    up every test account for each address in the trace it prints of a reverted call: a revert cost seconds. The
    accounts are fixed by the mnemonic and the index, so each is derived once."""
    from ape_test.accounts import TestAccountContainer

    derive, derived = TestAccountContainer.generate_account, {}

    def generate_account(container, index=None):
        if index is None or index >= container.number_of_accounts:  # a new account each call: not cached
            return derive(container, index)
        key = (container.mnemonic, container.hd_path, index)
        if key not in derived:
            derived[key] = derive(container, index)
        return derived[key]

    patch.setattr(TestAccountContainer, "generate_account", generate_account)


def reverts_not_traced(patch: pytest.MonkeyPatch) -> None:
    """ape-foundry prints the call trace of every reverted call: it fetches the step trace (for a rejected proof,
    the whole verifier's run) and decodes it, for output no test reads. `ape.reverts` matches the error itself,
    decoded without printing the trace; a failing test still shows its error."""
    from ape_ethereum.trace import Trace

    patch.setattr(Trace, "show", lambda trace, *args, **kwargs: None)


def provider_settings_built_once(patch: pytest.MonkeyPatch) -> None:
    """`ProviderAPI.settings` validates a new pydantic-settings model from the plugin config and the provider's own
    settings on every access, several times per call (the RPC URI, the network config, the timeout) and for every
    known provider when one disconnects. It depends on nothing else, so it is built once per provider, config and
    provider settings."""
    from ape.api.providers import ProviderAPI

    build, built = ProviderAPI.settings.fget, {}

    def settings(provider):
        key = (id(provider), id(provider.config), repr(provider.provider_settings))
        if key not in built:  # keeps the provider and its config alive, so their ids are not reused
            built[key] = (provider, provider.config, build(provider))
        return built[key][2]

    patch.setattr(ProviderAPI, "settings", property(settings))


def custom_networks_built_once(patch: pytest.MonkeyPatch) -> None:
    """`EcosystemAPI._custom_networks` builds a new network class per network in ape-config.yaml's
    `networks.custom` (here the devnet and its fork) on every access, and every transaction Ape encodes reads it
    (for the default transaction type). Ape keeps the plugins' networks in a `cached_property`; this keeps the
    configured ones the same way, as the config does not change during a session."""
    from ape.api.networks import EcosystemAPI

    cached = cached_property(EcosystemAPI._custom_networks.fget)
    cached.__set_name__(EcosystemAPI, "_custom_networks")
    patch.setattr(EcosystemAPI, "_custom_networks", cached)


def pytest_configure(config):
    for apply in (accounts_derived_once, reverts_not_traced, provider_settings_built_once, custom_networks_built_once):
        apply(_patch)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    _patch.undo()
