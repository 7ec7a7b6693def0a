"""`ape run prover`: watch the marketplace for requests on our models, prove them and fulfil on-chain.

    ape run prover --network ethereum:devnet:node --account prover
    ape run prover --once      # one pass over new requests and due retries, then exit

One process, no other service (the embedded default; `silverback run zkaigc.bot:bot` is the same engine as
a Silverback bot). Startup checks fail in one line: the manifest is for the connected chain, no
development-SRS model is served on a chain that is not a local dev chain (unless --allow-dev-srs), the served
collections commit to the local artifacts' model hash, their listing matches the manifest (vendor, verifier,
every batchVerifier(n)), and the account is an allowed prover of each. A node that is not running is one line.
A keyfile account signs unattended with APE_ACCOUNTS_<alias>_PASSPHRASE set. Metrics are printed on exit.
"""

from pathlib import Path

import click
from ape import chain, project
from ape.cli import account_option

from zkaigc.connect import ChainCommand
from zkaigc.errors import ZkaigcError
from zkaigc.manifest import Manifest, network_manifest_path
from zkaigc.prover import (
    ProverService,
    ProverState,
    check_manifest_chain,
    check_served,
    served_models,
    state_path,
)
from zkaigc.reverts import RevertDecoder
from zkaigc.signing import enable_autosign
from zkaigc.soundness import check_dev_srs


@click.command(cls=ChainCommand)
@account_option()
@click.option("--models", default=None, help="Comma-separated models to serve (default: all in the manifest).")
@click.option("--manifest", type=click.Path(path_type=Path), default=None, help="Deployment manifest to read.")
@click.option("--state", type=click.Path(path_type=Path), default=None, help="Where to keep progress.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--retry-base", default=5.0, show_default=True, help="First retry delay (s); doubles, capped.")
@click.option("--retry-cap", default=300.0, show_default=True, help="Longest retry delay (s).")
@click.option("--once", is_flag=True, help="Process new requests and due retries once, then exit.")
@click.option(
    "--allow-dev-srs",
    is_flag=True,
    help="DANGEROUS: serve development-SRS collections on a chain that is not a local dev chain (test networks).",
)
def cli(network, account, models, manifest, state, interval, retry_base, retry_cap, once, allow_dev_srs):
    """Serve proofs for the listed models until interrupted."""
    try:
        found = Manifest.load(manifest or network_manifest_path(network))
        found.validated()
        check_manifest_chain(found, chain)
        served = served_models(found, models.split(",") if models else None)
        check_dev_srs(chain.provider, [a.name for a in served.values()], allow_dev_srs, "serve", log=click.echo)
        market = project.ModelMarketplace.at(found.contract("marketplace")["address"])
        check_served(market, served, account, found)
        enable_autosign(account)
        path = state or state_path(found, account.address)
        start = found.contract("marketplace")["block"]
        prover_state = ProverState.load(path, start, genesis=chain.blocks[0].hash.hex())
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    if prover_state.moved_aside:
        click.echo(f"state was for another chain: moved aside to {prover_state.moved_aside}")
    service = ProverService(
        market,
        served,
        account,
        prover_state,
        log=click.echo,
        decoder=RevertDecoder.from_project(project),
        retry_base=retry_base,
        retry_cap=retry_cap,
    )
    names = ", ".join(art.name for art in served.values())
    click.echo(
        f"prover {account.address} serving {names} on {found.data.get('network')}; state {path}; "
        f"resuming after block {service.state.last_block}, {len(service.state.retry)} to retry"
    )
    try:
        service.run(interval=interval, max_polls=1 if once else None, reconnect=_reconnect)
    except KeyboardInterrupt:
        click.echo("interrupted")
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    finally:
        click.echo(service.metrics.summary())


def _reconnect() -> None:
    provider = chain.provider
    provider.disconnect()
    provider.connect()
