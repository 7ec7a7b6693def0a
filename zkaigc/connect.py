"""Connecting the project's CLIs to a node: a dead or unreachable node is one line, not a traceback.

`ChainCommand` is Ape's `ConnectedProviderCommand` (what `ape run deploy|prover|request` use) with the
connection failures turned into a one-line click error that names the network and what to check. Ape's `node`
provider, finding nothing at a loopback URL, even tries to start geth: that too is "no node there".
"""

from __future__ import annotations

from typing import Any

import click
import requests
from ape.cli import ConnectedProviderCommand
from ape.exceptions import ProviderError

#: What a node that is not running (or not reachable) raises while Ape connects or during the first calls: the
#: `node` provider's "No (supported) node found" is a `ProviderError`, ape-node's "unable to start one" a requests
#: `ConnectionError`. (A `ProviderError` later in a command is a node failure too: one line is still right.)
NODE_DOWN = (requests.exceptions.ConnectionError, ProviderError, ConnectionError)


def node_down_line(err: BaseException, network: str | None) -> str:
    """One line for a connection failure: where, and what to do."""
    first = next((line.strip() for line in str(err).splitlines() if line.strip()), type(err).__name__)
    return (
        f"cannot reach the node of {network or 'the network'} ({first[:160]}): start it, or point --network / "
        "ape-config.yaml (or APE_NODE_ETHEREUM) at a running node"
    )


class ChainCommand(ConnectedProviderCommand):
    """`ConnectedProviderCommand` whose connection failures end in one line (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NODE_DOWN as err:
            raise click.ClickException(node_down_line(err, _label(ctx.params.get("network")))) from None


def _label(network: Any) -> str | None:
    """`ecosystem:network:provider (uri)` of the command's network parameter (a provider, a choice, or None)."""
    if network is None:
        return None
    label = getattr(network, "network_choice", None) or str(network)
    try:
        uri = getattr(network, "uri", None)
    except Exception:  # noqa: BLE001 - a provider without a configured URI
        uri = None
    return f"{label} at {uri}" if uri else label
