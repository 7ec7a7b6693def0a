"""`ape run prover`: watch the marketplace for requests on our models, prove them and fulfil on-chain.

    ape run prover --network ethereum:devnet:node --account prover
    ape run prover --once      # one pass over new requests, then exit

Reads addresses from the network's deployment manifest; keeps its progress in a state file so a restart
resumes from the last processed block. Several provers may serve the same model: the contract accepts one
fulfilment per request and the others log a lost race.
"""

from pathlib import Path

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option

from zkaigc.errors import ZkaigcError
from zkaigc.manifest import Manifest, network_manifest_path
from zkaigc.prover import ProverService, ProverState, served_models, state_path


@click.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--models", default=None, help="Comma-separated models to serve (default: all in the manifest).")
@click.option("--manifest", type=click.Path(path_type=Path), default=None, help="Deployment manifest to read.")
@click.option("--state", type=click.Path(path_type=Path), default=None, help="Where to keep progress.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Process new requests once, then exit.")
def cli(network, account, models, manifest, state, interval, once):
    """Serve proofs for the listed models until interrupted."""
    try:
        found = Manifest.load(manifest or network_manifest_path(network))
        served = served_models(found, models.split(",") if models else None)
        path = state or state_path(found, account.address)
        start = found.contract("marketplace")["block"]
        prover_state = ProverState.load(path, start, genesis=chain.blocks[0].hash.hex())
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    market = project.ModelMarketplace.at(found.contract("marketplace")["address"])
    service = ProverService(market, served, account, prover_state, log=click.echo)
    names = ", ".join(art.name for art in served.values())
    click.echo(
        f"prover {account.address} serving {names} on {found.data.get('network')}; state {path}; "
        f"resuming after block {service.state.last_block}"
    )
    service.run(interval=interval, max_polls=1 if once else None)
