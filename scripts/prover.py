"""`ape run prover`: watch the marketplace for requests on our models, prove them and fulfil on-chain.

    ape run prover --network ethereum:devnet:node --account prover
    ape run prover --once      # one pass over new requests and due retries, then exit

One process, no other service (the embedded default; `silverback run zkaigc.bot:bot` is the same engine as
a Silverback bot). Startup checks fail in one line: the manifest is for the connected chain, no
development-SRS model is served on a chain that is not a local dev chain (unless --allow-dev-srs), the served
collections commit to the local artifacts' model hash, their listing matches the manifest (vendor, verifier,
every batchVerifier(n)), and the account is an allowed prover of each. A node that is not running is one line.
A keyfile account signs unattended with APE_ACCOUNTS_<alias>_PASSPHRASE set. Metrics are printed on exit.
All of it is `zkaigc.prover.boot`, the start-up the bot and the app share; unset options fall back to the
ZKAIGC_* settings (`zkaigc.settings.ProverSettings`).
"""

from pathlib import Path

import click
from ape import chain
from ape.cli import account_option

from zkaigc.connect import ChainCommand
from zkaigc.errors import ZkaigcError
from zkaigc.prover import boot


@click.command(cls=ChainCommand)
@account_option()
@click.option("--models", default=None, help="Comma-separated models to serve (default: all in the manifest).")
@click.option("--manifest", type=click.Path(path_type=Path), default=None, help="Deployment manifest to read.")
@click.option("--state", type=click.Path(path_type=Path), default=None, help="Where to keep progress.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--retry-base", type=float, default=None, help="First retry delay (s), doubling [ZKAIGC_RETRY_BASE, 5].")
@click.option("--retry-cap", type=float, default=None, help="Longest retry delay (s) [ZKAIGC_RETRY_CAP, 300].")
@click.option("--once", is_flag=True, help="Process new requests and due retries once, then exit.")
@click.option(
    "--allow-dev-srs",
    is_flag=True,
    help="DANGEROUS: serve development-SRS collections on a chain that is not a local dev chain (test networks).",
)
def cli(network, account, models, manifest, state, interval, retry_base, retry_cap, once, allow_dev_srs):
    """Serve proofs for the listed models until interrupted."""
    try:
        service = boot(
            account,
            manifest=manifest,
            models=models.split(",") if models else None,
            state=state,
            allow_dev_srs=allow_dev_srs,
            log=click.echo,
            **{k: v for k, v in {"retry_base": retry_base, "retry_cap": retry_cap}.items() if v is not None},
        )
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
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
