"""`ape run demo` (`make demo`): the whole product on a local anvil chain, start to finish.

Deploys the marketplace and a model's collection, a user claims a random prompt and pays for a generation,
the prover service proves it with ezkl and fulfils on-chain, the NFT lands with the user, the vendor
withdraws, and the image rendered from the on-chain tokenURI is written to a file, after checking that it is the
circuit's output for the prompt: the preview `python -m proofs encode` shows for it (`check_token_image`).
"""

import io
import random
import tempfile
import time
from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand
from PIL import Image

from models.registry import preferred
from proofs.files import REPO_ROOT
from proofs.model_artifacts import artifacts_of, committed_models
from proofs.prompts import random_prompt
from zkaigc.client import claim_prompt, request_generation
from zkaigc.deploy import Deployer
from zkaigc.errors import ZkaigcError
from zkaigc.imagecheck import check_token_image
from zkaigc.prover import OutcomeStatus, boot


@click.command(cls=ConnectedProviderCommand)
@click.option("--model", default=None, help="Model to demo (default: the showcase model).")
@click.option("--seed", default=None, type=int, help="Seed for the random prompt (default: random).")
@click.option(
    "--prompt", default=None, help="Prompt to mint as hex, e.g. from `python -m proofs encode` (default: random)."
)
@click.option("--out", type=click.Path(path_type=Path), default=REPO_ROOT / "demo-output", show_default=True)
def cli(network, model, seed, prompt, out):
    """Run request -> prove -> fulfil -> withdraw and write the minted image."""
    if not network.is_dev:
        raise click.ClickException("the demo time-travels and uses test accounts: run it on a local network")
    model = model or preferred(committed_models())
    try:
        art = artifacts_of(model)
    except ZkaigcError as err:
        raise click.BadParameter(str(err), param_hint="--model") from None
    enc = art.encoding()
    if prompt is None and enc.prompt_limits is not None:  # a trait model: a random Noun
        prompt = random_prompt(enc, seed)
    elif prompt is None:
        rng = random.Random(seed)
        prompt = enc.encode_prompt([rng.randint(-96, 96) for _ in range(enc.input_len)])
    else:
        try:
            prompt = bytes.fromhex(prompt.removeprefix("0x"))
            enc.decode_prompt(prompt)
        except ValueError as err:  # not hex, or an EncodingError: not this model's length
            raise click.BadParameter(f"not a {model} prompt: {err}", param_hint="--prompt") from None
    vendor, user, prover = accounts.test_accounts[0], accounts.test_accounts[1], accounts.test_accounts[2]
    click.echo(f"== zkaigc demo on {network.ecosystem.name}:{network.name} (chain {chain.chain_id}), model {model}")

    deployer = Deployer(project, chain, vendor, log=lambda m: click.echo(f"   {m}"), prover=prover.address)
    deployed = deployer.all([model])
    market, collection = deployed["marketplace"], deployed[model]

    click.echo(f"1. user {user.address} claims prompt 0x{prompt.hex()} (commit-reveal)")
    claim_gas = claim_prompt(chain, collection, prompt, user)
    balance_before = user.balance
    request = request_generation(chain, market, collection, prompt, user)
    click.echo(f"2. user pays {request.price} wei into escrow: request {request.request_id}")

    click.echo("3. prover service picks the request up, proves with ezkl and fulfils")
    started = time.perf_counter()
    try:  # the proving key, made once into the cache: the "proving time" below is the proof alone
        art.setup()
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"   proving key ready in {time.perf_counter() - started:.1f} s (cached after the first run)")
    try:  # the prover's one start-up, as `ape run prover`, the bot and the app do it
        service = boot(
            prover,
            manifest=deployer.manifest.path,
            models=[model],
            state=out / "prover-state.json",
            start_block=chain.blocks.head.number - 1,  # a fresh chain: start from its current head
            log=lambda m: click.echo(f"   {m}"),
        )
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    outcomes = [o for o in service.poll() if o.request_id == request.request_id]
    if not outcomes or outcomes[0].status != OutcomeStatus.FULFILLED:
        raise click.ClickException(f"request {request.request_id} was not fulfilled: {outcomes}")
    outcome = outcomes[0]
    token_id = outcome.token_id
    owner = collection.ownerOf(token_id)
    if owner != user.address:
        raise click.ClickException(f"token went to {owner}, not the user")
    click.echo(f"4. NFT {hex(token_id)[:18]}... minted to the user")

    earnings = market.earningsOf(vendor.address)
    vendor_before = vendor.balance
    tx = market.withdrawEarnings(vendor.address, sender=vendor)
    received = vendor.balance - vendor_before + tx.total_fees_paid
    click.echo(f"5. vendor withdraws {received} wei of earnings ({earnings} credited)")

    out.mkdir(parents=True, exist_ok=True)
    try:  # the minted image must be the circuit's output for the prompt, pixel for pixel, as its preview shows
        with tempfile.TemporaryDirectory() as tmp:
            token = check_token_image(collection, token_id, model, prompt, Path(tmp))
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None
    image_path = out / f"{model}-{token_id:x}"[:80]
    image_path.with_suffix(".bmp").write_bytes(token.bmp)
    image_path.with_suffix(".svg").write_bytes(token.svg)
    written = image_path.with_suffix(".png")
    Image.open(io.BytesIO(token.bmp)).resize((256, 256), Image.NEAREST).save(written)

    click.echo("")
    click.echo("== summary")
    click.echo(f"   model            {model} (logrows {art.logrows}, SRS {art.read_meta().get('srs', {}).get('kind')})")
    click.echo(f"   price paid       {request.price} wei (user spent {balance_before - user.balance} incl. gas)")
    click.echo(f"   proving time     {outcome.prove_seconds:.1f} s")
    click.echo(f"   gas: claim       {claim_gas}")
    click.echo(f"   gas: request     {request.gas_used}")
    click.echo(f"   gas: fulfil      {outcome.gas_used} (verify + mint + credit)")
    click.echo(f"   gas: withdraw    {tx.gas_used}")
    click.echo(f"   next price       {market.quote(collection.address)[0]} wei")
    click.echo(f"   image            {written} (from the on-chain tokenURI; also .bmp and .svg)")
    click.echo("                    = the prompt's preview (`python -m proofs encode` / `text`), pixel for pixel")
