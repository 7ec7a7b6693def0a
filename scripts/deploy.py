"""`ape run deploy`: the marketplace and, per committed model, its verifier, collection and listing.

    ape run deploy                                   # local anvil, test account 0
    ape run deploy --network ethereum:devnet:node --account deployer --models micro

Idempotent: what the per-network manifest (deployments/<ecosystem>-<network>.json) records and the chain
confirms is skipped. Asks for confirmation on non-local networks unless --yes.
"""

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option

from proofs.pipeline import committed_models
from zkaigc.deploy import Deployer


@click.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--models", default=None, help="Comma-separated model names (default: every committed model).")
@click.option("--prover", default=None, help="Address allowed to fulfil requests (default: the deploying account).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation on non-local networks.")
def cli(network, account, models, prover, yes):
    """Deploy (or resume deploying) zkaigc on the connected network and write its manifest."""
    committed = committed_models()
    names = models.split(",") if models else committed
    unknown = sorted(set(names) - set(committed))
    if unknown:
        raise click.BadParameter(
            f"no committed artifacts for {', '.join(unknown)}; known: {', '.join(committed)}", param_hint="--models"
        )
    if not network.is_local and not yes:
        click.confirm(
            f"Deploy {', '.join(names)} to {network.ecosystem.name}:{network.name} "
            f"(chain id {chain.chain_id}) from {account.address}?",
            abort=True,
        )
    deployer = Deployer(project, chain, account, log=click.echo, prover=prover)
    deployed = deployer.all(names)
    click.echo(f"manifest: {deployer.manifest.path}")
    click.echo(f"marketplace: {deployed['marketplace'].address}")
    for name in names:
        click.echo(f"{name}: collection {deployed[name].address}")
