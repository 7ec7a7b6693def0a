"""`ape run request`: the user's side. Claim a prompt (commit–reveal), pay for a generation, get the image.

    ape run request --network ethereum:devnet:node --account user --model micro --max-price 1000000000000
    ape run request ... --prompt 0x05f92a9c          # a chosen prompt (default: a random one for the model)
    ape run request ... --refund 7                   # after request 7's deadline: take the money back

Before paying it checks the listing against the manifest (vendor, verifier, model hash, every batchVerifier(n))
and refuses a development-SRS model off a local dev chain (--allow-dev-srs: test networks). Waits on block
timestamps for the commitment to age, pays at most --max-price into escrow, waits for a
prover to fulfil, then writes the image decoded from the token's on-chain tokenURI (.bmp, .svg).
"""

import os
import time
from pathlib import Path

import click
from ape import chain, project
from ape.cli import account_option
from ape.exceptions import ContractLogicError

from proofs.files import REPO_ROOT
from proofs.model_artifacts import artifacts_of
from zkaigc.client import claim_prompt, parse_prompt, request_generation
from zkaigc.connect import ChainCommand
from zkaigc.errors import ZkaigcError
from zkaigc.imagecheck import read_token_image
from zkaigc.listing import check_listing
from zkaigc.manifest import Manifest, network_manifest_path
from zkaigc.marketplace import Marketplace
from zkaigc.prover import check_manifest_chain
from zkaigc.reverts import RevertDecoder
from zkaigc.signing import enable_autosign
from zkaigc.soundness import check_dev_srs


def _hex_prompt(ctx, param, value: str | None) -> bytes | None:
    """--prompt as bytes, checked while the arguments are parsed (before any connection): one line if not hex."""
    if value is None:
        return None
    try:
        return parse_prompt(value)
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None  # "Error: --prompt '0xzz' is not hex ...", exit 1


@click.command(cls=ChainCommand)
@account_option()
@click.option("--model", default=None, help="Model to generate with (default: the manifest's first).")
@click.option(
    "--prompt",
    default=None,
    callback=_hex_prompt,
    help="Prompt bytes as hex (default: random latent for the model).",
)
@click.option("--max-price", type=int, default=None, help="Most wei to pay (default: the current quote).")
@click.option("--ttl", default=3600, show_default=True, help="Seconds until the request may be refunded.")
@click.option("--wait", default=600.0, show_default=True, help="Seconds to wait for the fulfilment.")
@click.option("--refund", "refund_id", type=int, default=None, help="Refund this request (after its deadline).")
@click.option("--manifest", type=click.Path(path_type=Path), default=None, help="Deployment manifest to read.")
@click.option("--out", type=click.Path(path_type=Path), default=REPO_ROOT / "request-output", show_default=True)
@click.option(
    "--allow-dev-srs", is_flag=True, help="Pay for a development-SRS model off a local dev chain (test networks)."
)
def cli(network, account, model, prompt, max_price, ttl, wait, refund_id, manifest, out, allow_dev_srs):
    """Claim, pay, wait, and write the generated image (or refund an expired request)."""
    try:
        found = Manifest.load(manifest or network_manifest_path(network))
        found.validated()
        check_manifest_chain(found, chain)
        enable_autosign(account)
        marketplace = Marketplace.at(found.marketplace.address)
        market = marketplace.contract
        if refund_id is not None:
            _refund(marketplace, account, refund_id)
            return
        deployed = found.models
        model = model or next(iter(deployed))
        if model not in deployed:
            raise ZkaigcError(f"{model} is not deployed here; deployed: {', '.join(deployed)}")
        # Before paying: the listing is the manifest's (vendor, verifier, model hash, every batch verifier), and
        # a development-SRS model (forgeable) is paid for only on a local dev chain.
        check_listing(market, model, deployed[model])
        check_dev_srs(chain.provider, [model], allow_dev_srs, "pay for", log=click.echo)
        collection = project.ERC7007Collection.at(deployed[model].collection)
        enc = artifacts_of(model).encoding()
        if prompt is not None and len(prompt) != enc.input_len:  # before the commit: nothing spent
            raise ZkaigcError(f"--prompt is {len(prompt)} bytes; {model} takes {enc.input_len}")
        data = prompt if prompt is not None else os.urandom(enc.input_len)
        quoted = marketplace.quote(collection.address)[0]
        if max_price is not None and quoted > max_price:  # before claiming: nothing spent
            raise ZkaigcError(f"the price is {quoted} wei, above --max-price {max_price} wei")
        click.echo(f"claiming prompt 0x{data.hex()} on {model} (commit, wait, reveal)")
        claim_prompt(chain, collection, data, account, progress=lambda line: click.echo(line, err=True))
        request = request_generation(chain, market, collection, data, account, ttl=ttl, max_price=max_price)
        click.echo(f"request {request.request_id}: paid {request.price} wei, deadline {request.deadline}")
        token_id = _wait_fulfilled(marketplace, request.request_id, request.block, wait)
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    except ContractLogicError as err:  # a revert: its custom error, decoded through the contracts' ABIs
        raise click.ClickException(RevertDecoder.from_project(project).describe(err)) from None
    token = read_token_image(collection, token_id)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{model}-{token_id:x}"[:80]
    stem.with_suffix(".bmp").write_bytes(token.bmp)
    stem.with_suffix(".svg").write_bytes(token.svg)
    click.echo(f"token {hex(token_id)[:18]}… minted to {account.address}; image {stem.with_suffix('.bmp')}")


def _wait_fulfilled(marketplace: Marketplace, request_id: int, block: int, timeout: float) -> int:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        request = marketplace.request(request_id)
        if request.fulfilled:
            return int(marketplace.fulfilled_logs(request_id, block)[0].tokenId)
        if request.refunded:
            raise ZkaigcError(f"request {request_id} was refunded")
        time.sleep(2)
    raise ZkaigcError(f"request {request_id} not fulfilled within {timeout:.0f} s; after its deadline: --refund")


def _refund(marketplace: Marketplace, account, request_id: int) -> None:
    request = marketplace.request(request_id)
    if not request.pending:
        raise ZkaigcError(f"request {request_id} is not pending (status {request.status.name})")
    if chain.blocks.head.timestamp <= request.deadline:
        raise ZkaigcError(f"request {request_id} may be refunded after its deadline {request.deadline}")
    marketplace.contract.refund(request_id, sender=account)
    click.echo(f"request {request_id} refunded: {request.price} wei back to {request.requester}")
