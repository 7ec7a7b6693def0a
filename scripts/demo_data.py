"""`ape run demo_data` (`make demo-data`): the dataset market on a local anvil chain, start to finish.

The owner deploys the market and registers a tree template's verifier; a vendor lists a private dataset (a
bundled dataset) on an exponential curve starting at 1 gwei; a customer commits to a test set and pays for a tree
that gets at least `--accuracy` of it right; the vendor trains a salted tree on its private rows, proves it with
ezkl one chunk at a time and fulfils with every chunk's proof in one transaction; the customer reads the receipt
and opens the delivered tree against it. The default template is the buyer-scale one: 1,000 test rows, 13
features, depth 5, four chunk proofs (several minutes; its 3 GB proving key is built on first use).
"""

import tempfile
import time
from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from models import registry
from models.trees import TreeTemplate
from proofs.model_artifacts import artifacts_of
from proofs.trees import prove
from zkaigc import datamarket as dm
from zkaigc.errors import ZkaigcError

SPOT = 10**9  # 1 gwei: a new dataset starts egregiously low
DELTA = 15 * 10**17  # ×1.5 per model sold


@click.command(cls=ConnectedProviderCommand)
@click.option(
    "--template",
    "name",
    default="tree-synth13-d5",
    type=click.Choice(sorted(registry.names(TreeTemplate))),
    show_default=True,
)
# synth13 is 4 classes from 8 informative of 13 features: a depth-5 tree gets about two thirds right (chance: 1/4).
@click.option("--accuracy", default=0.6, show_default=True, help="Accuracy the customer pays for (0-1].")
@click.option("--seed", default=0, show_default=True, help="Seed of the vendor/customer split.")
def cli(network, name, accuracy, seed):
    """List a dataset, request a model, prove, fulfil, and open the delivered tree."""
    if not network.is_dev:
        raise click.ClickException("the demo uses test accounts: run it on a local network")
    try:
        run(name, accuracy, seed)
    except ZkaigcError as err:
        raise click.ClickException(str(err)) from None


def run(name: str, accuracy: float, seed: int) -> None:
    template = registry.get(name, TreeTemplate)
    owner, vendor, customer = accounts.test_accounts[0], accounts.test_accounts[1], accounts.test_accounts[2]
    click.echo(f"== dataset market demo on chain {chain.chain_id}, template {name}")

    sale = dm.prepare_sale(template, seed=seed)
    listing = dm.deploy_listing(project, template, sale.schema, owner, vendor, SPOT, DELTA)
    market, dataset_id = listing.market, listing.dataset_id
    verifier_name = artifacts_of(name).contract_name
    code = len(chain.provider.get_code(listing.verifier.address))
    click.echo(f"1. owner deploys DatasetMarket and {verifier_name} ({code:,} bytes of code, EIP-170 max 24,576)")
    click.echo(
        f"2. vendor lists {template.dataset} ({len(sale.y_private)} private rows) as dataset {dataset_id}, "
        f"price {SPOT} wei, ×{DELTA / 1e18} per sale"
    )

    test_set = sale.test_set  # the customer applies the published schema to its own test set and salts its labels
    n = test_set.rows
    k = dm.min_correct(accuracy, n)
    request = dm.request_model(chain, market, dataset_id, template, test_set, k, customer)
    click.echo(
        f"3. customer commits to {n} test rows ({test_set.chunks(template)} chunks of {template.rows}, labels salted) "
        f"and asks for >= {k}/{n} "
        f"correct ({accuracy:.0%}): request {request.request_id}, paid {request.price} wei, gas {request.gas_used:,}"
    )

    tree = sale.tree
    right = int((tree.predict(test_set.xq) == test_set.labels).sum())
    click.echo(f"4. vendor trains a depth-{template.depth} tree (salted); it gets {right}/{n} right")
    bindings = dm.request_bindings(market, request.request_id)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        click.echo(f"5. vendor proves {len(bindings)} chunks with ezkl (progress per chunk below)")
        proof = prove(template, tree, test_set, bindings, Path(tmp) / "prove")
        prove_s = time.perf_counter() - start
        click.echo(
            f"   proven in {prove_s:.1f} s ({len(proof.chunks)} proofs of {len(proof.proofs[0]):,} bytes), each bound "
            f"to request {request.request_id} and its chunk"
        )
        if proof.correct < k:
            raise click.ClickException(f"the tree gets {proof.correct} right, below {k}: the market would refuse it")
        tx = dm.fulfil(market, request.request_id, proof, vendor)
        chunks = len(proof.chunks)
        click.echo(f"6. vendor fulfils: {chunks} proofs verified on chain in one transaction, gas {tx.gas_used:,}")

        receipt = dm.read_receipt(market, request.request_id)
        opening = dm.verify_delivery(receipt, template, tree, test_set, Path(tmp) / "open")
        click.echo(
            f"7. customer opens the delivered tree: commitment {opening.model_commitment:#x} matches, "
            f"{opening.correct}/{n} correct in the circuit, {opening.correct_local}/{n} re-run locally"
        )
    earned = market.earningsOf(vendor.address)
    before = vendor.balance
    withdraw = market.withdrawEarnings(vendor.address, sender=vendor)
    click.echo(f"8. vendor withdraws {vendor.balance - before + withdraw.total_fees_paid} wei ({earned} credited)")

    click.echo("")
    click.echo("== receipt")
    click.echo(f"   request          {receipt.request_id} (dataset {receipt.dataset_id}, block {receipt.block})")
    click.echo(f"   customer         {receipt.customer}")
    click.echo(f"   model commitment {receipt.model_commitment:#x}")
    click.echo(f"   test set         0x{receipt.test_set_commitment.hex()}")
    click.echo(f"   accuracy         {receipt.correct}/{receipt.rows} = {receipt.correct / receipt.rows:.1%}")
    click.echo("== summary")
    click.echo(f"   price paid       {request.price} wei; next price {market.getDataset(dataset_id).spotPrice} wei")
    click.echo(f"   prove            {prove_s:.1f} s (template logrows {artifacts_of(name).logrows})")
    click.echo(f"   gas: request     {request.gas_used:,}")
    click.echo(f"   gas: fulfil      {tx.gas_used:,} ({chunks} chunks: bindings + verify + receipt + credit)")
    click.echo(f"   gas: withdraw    {withdraw.gas_used:,}")
