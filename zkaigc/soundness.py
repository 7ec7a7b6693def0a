"""The development-SRS rule: which chains are local dev chains, and which models may be deployed or served there.

A verifier set up with a development SRS (`ezkl.gen_srs`) accepts proofs its SRS maker forges for any image, so on
a chain where value moves it makes a collection a payment for nothing. Deploy and the prover apply one rule
(`check_dev_srs`): development-SRS models only on a local dev chain — an in-process test chain, or a dev node
(anvil, Hardhat, Ganache: what `web3_clientVersion` says) reached on a loopback address — unless the operator says
`--allow-dev-srs` (a test network), which is then said loudly. Everything else is "non-local": a public node, a
node on another machine, also an anvil on another host (nothing here can tell a dev node from a production node
behind a remote URL).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from urllib.parse import urlparse

from proofs.model_artifacts import CommittedModel, artifacts_of

from .errors import ZkaigcError

#: What a local dev node answers to `web3_clientVersion` (prefix, lower case).
DEV_CLIENTS = ("anvil", "hardhat", "ganache")


class DevSrsError(ZkaigcError):
    """Development-SRS verifiers on a chain that is not a local dev chain, without --allow-dev-srs."""


def is_loopback_host(host: str | None) -> bool:
    """Is `host` this machine's loopback (127.0.0.0/8, ::1, localhost)?"""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_local_dev_node(url: str | None, client_version: str | None) -> bool:
    """A node URL on loopback whose client is a dev node (anvil, Hardhat, Ganache)."""
    if not url or not is_loopback_host(urlparse(url).hostname):
        return False
    return str(client_version or "").lower().startswith(DEV_CLIENTS)


def provider_url(provider) -> str | None:
    """The HTTP (or WS) URL an Ape provider talks to, or None for an in-process one."""
    for attr in ("http_uri", "uri", "ws_uri"):
        try:
            value = getattr(provider, attr, None)
        except Exception:  # noqa: BLE001 - some providers raise when a URI kind is not configured
            value = None
        if value:
            return str(value)
    return None


def is_local_chain(provider) -> bool:
    """Is the connected Ape provider a local dev chain (in-process, or a dev node on loopback)?"""
    if provider.name == "test":  # ape's in-process EthTester chain
        return True
    url = provider_url(provider)
    try:
        version = provider.make_request("web3_clientVersion", [])
    except Exception:  # noqa: BLE001 - a node that does not say what it is is not a known dev node
        version = None
    return is_local_dev_node(url, version)


def dev_srs_models(names: Iterable[str]) -> list[str]:
    """The models among `names` any of whose committed circuits (single or batch) use a development SRS."""
    return [name for name in names if srs_kind(artifacts_of(name)) == "dev"]


def srs_kind(model: CommittedModel) -> str:
    """A model's SRS kind as a deployment records it: `dev` if any of its circuits uses a development SRS."""
    return "dev" if any(c.srs_kind == "dev" for c in model.circuits() if c.meta.exists()) else "ceremony"


def check_dev_srs(
    provider,
    names: Iterable[str],
    allow_dev_srs: bool,
    action: str,
    log: Callable[[str], None] = print,
) -> None:
    """Raise `DevSrsError` (one line: the models and the way out) if development-SRS models would be deployed or
    served on a chain that is not a local dev chain; with `allow_dev_srs`, say loudly that they are."""
    dev = dev_srs_models(names)
    if not dev or is_local_chain(provider):
        return
    where = f"{provider.network.ecosystem.name}:{provider.network.name} ({provider_url(provider) or provider.name})"
    if allow_dev_srs:
        log(
            f"WARNING: --allow-dev-srs: {action} DEVELOPMENT-SRS verifiers of {', '.join(dev)} on {where}, not a "
            "local dev chain: whoever made their SRS can forge proofs and take the escrow. Test networks only."
        )
        return
    raise DevSrsError(
        f"refusing to {action} development-SRS verifiers of {', '.join(dev)} on {where}, not a local dev chain "
        "(their SRS maker can forge proofs): rebuild with a ceremony SRS (`python -m proofs build MODEL "
        "--srs ceremony` or `--srs-file PATH`) and deploy with --redeploy; for a test network, --allow-dev-srs"
    )
