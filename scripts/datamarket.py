"""`ape run datamarket`: the vendor's and the customer's commands around the dataset market.

    ape run datamarket train  --template tree-iris-d3 --out sale/      # vendor: private split, schema, salted tree
    ape run datamarket hash   --template tree-iris-d3 sale/test.csv --schema sale/schema.json   # customer
    ape run datamarket prove  --template tree-iris-d3 sale/tree.json sale/test.csv --schema sale/schema.json
    ape run datamarket open   --template tree-iris-d3 --market 0x.. --request 1 sale/tree.json sale/test.csv \\
                              --schema sale/schema.json --network ethereum:local:node     # customer, on chain

`train` writes the vendor's schema and salted tree and a customer test set held out of the bundled dataset (a
stand-in for a customer's own data). `open` reads the receipt from the market and checks the delivered tree.
"""

import json
import tempfile
from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand

from proofs.trees import TEMPLATES, FeatureSchema, TreeParams, get_template, prove
from zkaigc import datamarket as dm
from zkaigc.errors import ZkaigcError

template_option = click.option("--template", "name", type=click.Choice(sorted(TEMPLATES)), required=True)
schema_option = click.option("--schema", type=click.Path(path_type=Path, exists=True), required=True)


def _fail(err: ZkaigcError):
    raise click.ClickException(str(err)) from None


@click.group()
def cli():
    """Vendor and customer commands of the dataset market."""


@cli.command()
@template_option
@click.option("--seed", default=0, show_default=True, help="Seed of the private/test split.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder for schema, tree and test set.")
def train(name, seed, out):
    """Vendor: train a salted tree on the private split; write schema.json, tree.json and a test.csv."""
    template = get_template(name)
    sale = dm.prepare_sale(template, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "schema.json").write_text(sale.schema.model_dump_json(indent=1))
    (out / "tree.json").write_text(sale.tree.model_dump_json(indent=1))
    dm.write_test_set(out / "test.csv", sale.x_test, sale.y_test)
    right = int((sale.tree.predict(sale.xq) == sale.y_test).sum())
    click.echo(f"trained on {len(sale.y_private)} private rows; {right}/{template.rows} right on {out / 'test.csv'}")


@cli.command(name="hash")
@template_option
@click.argument("test_set", type=click.Path(path_type=Path, exists=True))
@schema_option
def hash_(name, test_set, schema):
    """Customer: the Poseidon hashes of a test set, to pass to `request`."""
    try:
        features, labels = dm.read_test_set(test_set)
        xq = dm.read_model(FeatureSchema, schema).quantize(features)
        x_hash, y_hash = dm.test_set_hashes(get_template(name), xq, labels)
    except ZkaigcError as err:
        _fail(err)
    click.echo(json.dumps({"testSetHash": hex(x_hash), "labelHash": hex(y_hash)}))


@cli.command(name="prove")
@template_option
@click.argument("tree", type=click.Path(path_type=Path, exists=True))
@click.argument("test_set", type=click.Path(path_type=Path, exists=True))
@schema_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("tree-proof.json"), show_default=True)
def prove_(name, tree, test_set, schema, out):
    """Vendor: prove the tree's count on the test set; write the proof and instances for `fulfil`."""
    try:
        features, labels = dm.read_test_set(test_set)
        xq = dm.read_model(FeatureSchema, schema).quantize(features)
        with tempfile.TemporaryDirectory() as tmp:
            proof = prove(get_template(name), dm.read_model(TreeParams, tree), xq, labels, Path(tmp))
    except ZkaigcError as err:
        _fail(err)
    out.write_text(json.dumps(proof.to_json(), indent=1))
    click.echo(f"{proof.correct} correct, proven in {proof.seconds:.1f} s -> {out}")


@cli.command(name="open", cls=ConnectedProviderCommand)
@template_option
@click.option("--market", "address", required=True, help="The DatasetMarket's address.")
@click.option("--request", "request_id", type=int, required=True, help="The fulfilled request.")
@click.argument("tree", type=click.Path(path_type=Path, exists=True))
@click.argument("test_set", type=click.Path(path_type=Path, exists=True))
@schema_option
def open_(name, address, request_id, tree, test_set, schema):
    """Customer: read the receipt and open the delivered tree against it."""
    from ape import project

    market = dm.market_at(project, address)
    try:
        features, labels = dm.read_test_set(test_set)
        xq = dm.read_model(FeatureSchema, schema).quantize(features)
        receipt = dm.read_receipt(market, request_id)
        with tempfile.TemporaryDirectory() as tmp:
            opening = dm.verify_delivery(
                receipt, get_template(name), dm.read_model(TreeParams, tree), xq, labels, Path(tmp)
            )
    except ZkaigcError as err:
        _fail(err)
    click.echo(f"the delivered tree opens receipt {request_id}: {opening.correct_local} correct, commitment matches")
