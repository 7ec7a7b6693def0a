"""`ape run datamarket`: the vendor's and the customer's commands around the dataset market.

    ape run datamarket train  --out sale/                               # vendor: private split, schema, salted tree
    ape run datamarket hash   sale/test.csv --schema sale/schema.json \\
                              --salt sale/test-salt.json                # customer (draws the salt if the file is new)
    ape run datamarket prove  sale/tree.json sale/test.csv --schema sale/schema.json \\
                              --salt sale/test-salt.json --market 0x.. --request 1 --network ethereum:local:node
    ape run datamarket open   --market 0x.. --request 1 sale/tree.json sale/test.csv \\
                              --schema sale/schema.json --salt sale/test-salt.json --network ethereum:local:node

Every command takes `--template` (default the buyer-scale `tree-synth13-d5`: up to 1,000 rows in four chunks of
250; `tree-iris-d3` is the quick one). `train` writes the vendor's schema and salted tree and a customer test set
held out of the bundled dataset (a stand-in for a customer's own data, any number of rows up to the template's
capacity). The customer's label salt travels with the test set to the vendor. `hash` prints the one commitment a
request takes. `prove` proves every chunk, each bound to the request and its chunk (the market computes the
bindings), printing progress per chunk; its output is what `fulfil` takes. `open` reads the receipt from the
market and checks the delivered tree.
"""

import json
import tempfile
from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand

from models import registry
from models.trees import FeatureSchema, TestSet, TreeParams, TreeTemplate, label_salt, salt_values
from proofs.trees import prove, test_set_commitment, test_set_hashes
from zkaigc import datamarket as dm
from zkaigc.errors import DataMarketError, ZkaigcError

template_option = click.option(
    "--template",
    "name",
    type=click.Choice(sorted(registry.names(TreeTemplate))),
    default="tree-synth13-d5",
    show_default=True,
)
schema_option = click.option("--schema", type=click.Path(path_type=Path, exists=True), required=True)
salt_option = click.option(
    "--salt", type=click.Path(path_type=Path), required=True, help="The customer's label salt (JSON list)."
)
market_option = click.option("--market", "address", required=True, help="The DatasetMarket's address.")
request_option = click.option("--request", "request_id", type=int, required=True, help="The request.")


def _market(address: str):
    """The DatasetMarket at `address` on the connected chain; a one-line error if there is no contract there."""
    from ape import chain, project

    try:
        code = chain.provider.get_code(address)
    except Exception as err:  # noqa: BLE001 - a malformed address is the user's mistake: one line, no traceback
        raise DataMarketError(f"--market {address}: not an address ({str(err).splitlines()[0]})") from None
    if not code:
        raise DataMarketError(f"--market {address}: no contract there on chain {chain.chain_id}")
    return dm.market_at(project, address)


def _test_set(test_set: Path, schema: Path, salt: Path) -> TestSet:
    """The customer's test set on the published grid, with its label salt (a one-line error for a bad file)."""
    features, labels = dm.read_test_set(test_set)
    try:
        values = tuple(float(v) for v in json.loads(salt.read_text()))
    except (OSError, ValueError, TypeError) as err:
        raise DataMarketError(f"cannot read the label salt {salt}: {err}") from None
    return TestSet(dm.read_model(FeatureSchema, schema).quantize(features), labels, values)


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
    template = registry.get(name, TreeTemplate)
    sale = dm.prepare_sale(template, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "schema.json").write_text(sale.schema.model_dump_json(indent=1))
    (out / "tree.json").write_text(sale.tree.model_dump_json(indent=1))
    dm.write_test_set(out / "test.csv", sale.x_test, sale.y_test)
    (out / "test-salt.json").write_text(json.dumps(list(sale.label_salt)))
    right = int((sale.tree.predict(sale.xq) == sale.y_test).sum())
    click.echo(
        f"trained on {len(sale.y_private)} private rows; {right}/{len(sale.y_test)} right on {out / 'test.csv'} "
        f"(template capacity {template.capacity} rows: {template.chunks} chunks of {template.rows})"
    )


@cli.command(name="hash")
@template_option
@click.argument("test_set", type=click.Path(path_type=Path, exists=True))
@schema_option
@salt_option
def hash_(name, test_set, schema, salt):
    """Customer: the test set's commitment and row count, to pass to `request` (and each chunk's hashes)."""
    template = registry.get(name, TreeTemplate)
    if not salt.exists():  # a fresh salt for a new test set: it goes to the vendor with the rows
        salt.write_text(json.dumps(label_salt(salt_values(template))))
        click.echo(f"drew a fresh label salt -> {salt}", err=True)
    try:
        data = _test_set(test_set, schema, salt)
        hashes = test_set_hashes(template, data)
    except ZkaigcError as err:
        _fail(err)
    reply = {
        "testSetCommitment": "0x" + test_set_commitment(template, data).hex(),
        "rows": data.rows,
        "chunks": [{"testSetHash": hex(x), "labelHash": hex(y)} for x, y in hashes],
    }
    click.echo(json.dumps(reply))


@cli.command(name="prove", cls=ConnectedProviderCommand)
@template_option
@market_option
@request_option
@click.argument("tree", type=click.Path(path_type=Path, exists=True))
@click.argument("test_set", type=click.Path(path_type=Path, exists=True))
@schema_option
@salt_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("tree-proof.json"), show_default=True)
def prove_(name, address, request_id, tree, test_set, schema, salt, out):
    """Vendor: prove the tree's count on every chunk of the test set for one request; write the proofs and
    instances for `fulfil`."""
    template = registry.get(name, TreeTemplate)
    try:
        market = _market(address)
        bindings = dm.request_bindings(market, request_id)
        data = _test_set(test_set, schema, salt)
        if data.chunks(template) != len(bindings):
            raise DataMarketError(
                f"request {request_id} takes {len(bindings)} chunk proofs; this test set is {data.chunks(template)} "
                f"chunks of {template.rows} rows (is it the request's test set and template?)"
            )
        with tempfile.TemporaryDirectory() as tmp:
            proof = prove(template, dm.read_model(TreeParams, tree), data, bindings, Path(tmp))
    except ZkaigcError as err:
        _fail(err)
    out.write_text(json.dumps(proof.to_json(), indent=1))
    click.echo(
        f"{proof.correct}/{proof.rows} correct, {len(proof.chunks)} chunk proofs in {proof.seconds:.1f} s for request "
        f"{request_id} -> {out}"
    )


@cli.command(name="open", cls=ConnectedProviderCommand)
@template_option
@market_option
@request_option
@click.argument("tree", type=click.Path(path_type=Path, exists=True))
@click.argument("test_set", type=click.Path(path_type=Path, exists=True))
@schema_option
@salt_option
def open_(name, address, request_id, tree, test_set, schema, salt):
    """Customer: read the receipt and open the delivered tree against it."""
    try:
        market = _market(address)
        data = _test_set(test_set, schema, salt)
        receipt = dm.read_receipt(market, request_id)
        with tempfile.TemporaryDirectory() as tmp:
            opening = dm.verify_delivery(
                receipt, registry.get(name, TreeTemplate), dm.read_model(TreeParams, tree), data, Path(tmp)
            )
    except ZkaigcError as err:
        _fail(err)
    click.echo(f"the delivered tree opens receipt {request_id}: {opening.correct_local} correct, commitment matches")
