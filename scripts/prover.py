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

from proofs.deploy import DEPLOYMENTS_ROOT, Manifest
from proofs.pipeline import ModelArtifacts
from proofs.prover import ProverService, ProverState


@click.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--models", default=None, help="Comma-separated models to serve (default: all in the manifest).")
@click.option("--manifest", type=click.Path(path_type=Path), default=None, help="Deployment manifest to read.")
@click.option("--state", type=click.Path(path_type=Path), default=None, help="Where to keep progress.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Process new requests once, then exit.")
def cli(network, account, models, manifest, state, interval, once):
    """Serve proofs for the listed models until interrupted."""
    name = f"{network.ecosystem.name}-{network.name}"
    manifest = Manifest.load(manifest or DEPLOYMENTS_ROOT / f"{name}.json")
    if not manifest.data.get("models"):
        raise click.ClickException(f"{manifest.path} lists no deployed models: run `ape run deploy` first")
    wanted = models.split(",") if models else list(manifest.data["models"])
    served = {}
    for model in wanted:
        if model not in manifest.data["models"]:
            raise click.BadParameter(f"{model} is not deployed on {name}", param_hint="--models")
        served[manifest.data["models"][model]["collection"]] = ModelArtifacts(model)
    market = project.ModelMarketplace.at(manifest.contract("marketplace")["address"])
    start = manifest.contract("marketplace")["block"]
    state_path = state or DEPLOYMENTS_ROOT / f"{name}.prover-{account.address[:10].lower()}.json"
    service = ProverService(market, served, account, ProverState.load(state_path, start, genesis=chain.blocks[0].hash.hex()), log=click.echo)
    click.echo(f"prover {account.address} serving {', '.join(wanted)} on {name}; state {state_path}; "
               f"resuming after block {service.state.last_block}")
    service.run(interval=interval, max_polls=1 if once else None)
