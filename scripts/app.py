"""`ape run app` (`make app`): the web app on a local chain: preview every model, mint, browse the collection.

    ape run app                                  # a fresh anvil, every committed model, http://127.0.0.1:8000/
    ape run app --models micro,pixel32        # deploy and serve fewer models (faster start)
    ape run app --rpc http://127.0.0.1:8545      # attach to a running anvil (deploys what its manifest lacks)

Test account 0 is the vendor, account 1 the embedded prover; the pages sign with anvil's unlocked accounts, or
with an injected browser wallet.
"""

from pathlib import Path

import click

from zkaigc.app.server import run
from zkaigc.errors import ZkaigcError


@click.command()
@click.option("--rpc", default=None, help="JSON-RPC URL of a running anvil to attach to (default: start one).")
@click.option("--models", default=None, help="Comma-separated models to deploy and serve (default: all committed).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-prover", is_flag=True, help="Do not run the embedded prover (another prover serves requests).")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between the prover's polls.")
@click.option("--manifest", type=click.Path(path_type=Path), default=None, help="Deployment manifest to use.")
def cli(rpc, models, host, port, no_prover, interval, manifest):
    """Start or attach to a chain, deploy if needed, run the prover, serve the pages and the API."""
    try:
        run(
            rpc=rpc,
            models=models.split(",") if models else None,
            host=host,
            port=port,
            prover=not no_prover,
            interval=interval,
            manifest_path=manifest,
            log=lambda m: click.echo(m),
        )
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    except KeyboardInterrupt:
        click.echo("stopped")
