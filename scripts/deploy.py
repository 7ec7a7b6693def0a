"""`ape run deploy`: the marketplace and, per committed model, its verifier, collection and listing.

    ape run deploy                                   # local anvil, test account 0, the showcase model
    ape run deploy --network ethereum:devnet:node --account deployer --models micro --prover 0xProverAddress
    ape run deploy ... --redeploy                    # the committed artifacts were rebuilt: new collection

`--prover` is the address `ape run prover --account …` signs with (default: the deploying account); a fleet
lists one per worker machine, comma-separated (`--prover 0xA,0xB`).
Refuses to continue when a model's committed artifacts differ from those its deployed collection is bound
to (a rebuilt model), unless --redeploy.

Refuses development-SRS verifiers (their SRS maker can forge proofs) on any chain that is not a local dev chain
(an in-process chain, or anvil/Hardhat on loopback) before sending anything, naming the models;
`--allow-dev-srs` deploys them anyway, loudly (test networks only). A node that is not running is one line.

Idempotent: what the per-network manifest (deployments/<ecosystem>-<network>.json) records and the chain
confirms is skipped. Asks for confirmation on non-local networks unless --yes.
"""

from pathlib import Path

import click
from ape import chain, project
from ape.cli import account_option

from models.registry import preferred
from proofs.model_artifacts import committed_models
from zkaigc.connect import ChainCommand
from zkaigc.deploy import Deployer
from zkaigc.errors import ZkaigcError
from zkaigc.soundness import check_dev_srs


@click.command(cls=ChainCommand)
@account_option()
@click.option("--models", default=None, help="Comma-separated model names, or 'all' (default: the showcase model).")
@click.option(
    "--prover",
    default=None,
    help="Address(es) allowed to fulfil requests, comma-separated: one per worker machine (default: the deployer).",
)
@click.option(
    "--manifest", type=click.Path(path_type=Path), default=None, help="Manifest to write (default: per network)."
)
@click.option("--redeploy", is_flag=True, help="Deploy a new verifier and collection for rebuilt artifacts.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation on non-local networks.")
@click.option(
    "--allow-dev-srs",
    is_flag=True,
    help="DANGEROUS: deploy development-SRS verifiers (forgeable by their SRS maker) to a chain that is not a "
    "local dev chain; for test networks only.",
)
def cli(network, account, models, prover, manifest, redeploy, yes, allow_dev_srs):
    """Deploy (or resume deploying) zkaigc on the connected network and write its manifest."""
    committed = committed_models()
    if models == "all":
        names = committed
    else:
        names = models.split(",") if models else [preferred(committed)]
    unknown = sorted(set(names) - set(committed))
    if unknown:
        raise click.BadParameter(
            f"no committed artifacts for {', '.join(unknown)}; known: {', '.join(committed)}", param_hint="--models"
        )
    try:  # before anything is sent (and before any question): development-SRS verifiers only on a local dev chain
        if not allow_dev_srs:  # allowed: the Deployer says so, loudly, before its first transaction
            check_dev_srs(chain.provider, names, False, "deploy")
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    if not network.is_local and not yes:
        click.confirm(
            f"Deploy {', '.join(names)} to {network.ecosystem.name}:{network.name} "
            f"(chain id {chain.chain_id}) from {account.address}?",
            abort=True,
        )
    try:
        deployer = Deployer(
            project,
            chain,
            account,
            log=click.echo,
            prover=prover.split(",") if prover else None,
            redeploy=redeploy,
            allow_dev_srs=allow_dev_srs,
            manifest_path=manifest,
        )
        deployed = deployer.all(names)
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"manifest: {deployer.manifest.path}")
    click.echo(f"marketplace: {deployed['marketplace'].address}")
    for name in names:
        click.echo(f"{name}: collection {deployed[name].address}")
