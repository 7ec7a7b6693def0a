"""The dataset market from Python: templates, listings, requests, fulfilment, receipts and the delivery check.

Over Ape contract instances of `DatasetMarket` (contracts/datamarket/). The vendor lists a dataset under a tree
template, trains a tree on its private data (`models.trees.train_tree`), proves it on every chunk of the customer's
test set for the one request it answers (`request_bindings`: one binding per chunk) and fulfils with all the chunk
proofs at once; the customer commits to the test set with one hash over its chunks' Poseidon hashes (the last chunk
padded, labels salted) when requesting, reads the receipt and opens the delivered tree against the receipt's model
commitment (`verify_delivery`). What a receipt proves, and what it does
not: docs/datamarket.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from eth_abi import encode
from eth_utils import keccak

from models.trees import (
    FeatureSchema,
    TestSet,
    TreeParams,
    TreeTemplate,
    label_salt,
    load_dataset,
    random_salt,
    salt_values,
    split,
    train_tree,
)
from proofs.model_artifacts import artifacts_of
from proofs.trees import ChunkedProof, Opening, open_tree, output_scale, test_set_commitment

from .enums import CurveType
from .errors import DataMarketError


def data_commitment(dataset: str, schema: FeatureSchema) -> bytes:
    """keccak256 of the dataset's name and its published feature schema: what a listing commits to."""
    return keccak(dataset.encode() + b"\n" + schema.model_dump_json().encode())


def min_correct(accuracy: float, rows: int) -> int:
    """The fewest correct rows that reach `accuracy` (0 < accuracy <= 1) on a test set of `rows`."""
    if not 0 < accuracy <= 1:
        raise DataMarketError(f"accuracy must be in (0, 1], got {accuracy}")
    return max(1, math.ceil(accuracy * rows - 1e-9))


def register_template(market, verifier, template: TreeTemplate, owner) -> int:
    """Register a built template's verifier for its shape (owner only); returns the template id."""
    scale = output_scale(artifacts_of(template.name))
    shape = (template.rows, template.chunks, template.features, template.depth, template.classes, scale)
    tx = market.registerTemplate(verifier, *shape, sender=owner)
    return int(next(iter(tx.decode_logs(market.TemplateRegistered))).templateId)


def list_dataset(
    market,
    template_id: int,
    commitment: bytes,
    vendor,
    spot_price: int,
    delta: int,
    curve: CurveType = CurveType.EXPONENTIAL,
    payout: str | None = None,
) -> int:
    """List a dataset with its own curve (start it low); returns the dataset id."""
    tx = market.listDataset(
        template_id, commitment, payout or vendor.address, int(curve), spot_price, delta, sender=vendor
    )
    return int(next(iter(tx.decode_logs(market.DatasetListed))).datasetId)


@dataclass(frozen=True)
class Listing:
    """A market with a template registered and one dataset listed under it."""

    market: Any
    verifier: Any
    template_id: int
    dataset_id: int


def market_at(project, address: str):
    """The `DatasetMarket` deployed at `address`, as an Ape contract instance."""
    # Imported here: the off-chain half (the CLI's `train` and `hash`, the benchmark's prover) runs without Ape.
    from ape import Contract

    return Contract(address, contract_type=project.DatasetMarket.contract_type)


def deploy_listing(
    project,
    template: TreeTemplate,
    schema: FeatureSchema,
    owner,
    vendor,
    spot_price: int,
    delta: int,
    curve: CurveType = CurveType.EXPONENTIAL,
    verifier=None,
) -> Listing:
    """Deploy a `DatasetMarket` owned by `owner` and the template's generated verifier (unless `verifier` is one
    already deployed), register the template, and list `vendor`'s dataset of the template with its `schema`."""
    market = project.DatasetMarket.deploy(owner, sender=owner)
    if verifier is None:
        verifier = getattr(project, artifacts_of(template.name).contract_name).deploy(sender=owner)
    template_id = register_template(market, verifier, template, owner)
    commitment = data_commitment(template.dataset, schema)
    dataset_id = list_dataset(market, template_id, commitment, vendor, spot_price, delta, curve)
    return Listing(market, verifier, template_id, dataset_id)


@dataclass
class ModelRequest:
    """A paid, escrowed request for a model."""

    request_id: int
    price: int
    deadline: int
    gas_used: int


def request_model(
    chain,
    market,
    dataset_id: int,
    template: TreeTemplate,
    test_set: TestSet,
    correct: int,
    customer,
    ttl: int = 3600,
    max_price: int | None = None,
) -> ModelRequest:
    """Commit to a test set (already on the dataset's grid, salted: one hash over its chunks) and pay the current
    price into escrow."""
    commitment = test_set_commitment(template, test_set)
    price = int(market.getDataset(dataset_id).spotPrice)
    if max_price is not None and price > max_price:
        raise DataMarketError(f"the price is {price} wei, above the limit {max_price} wei")
    limit = price if max_price is None else max_price
    deadline = chain.pending_timestamp + ttl
    tx = market.request(dataset_id, commitment, test_set.rows, correct, deadline, limit, value=limit, sender=customer)
    log = next(iter(tx.decode_logs(market.ModelRequested)))
    return ModelRequest(int(log.requestId), int(log.price), deadline, tx.gas_used)


def binding_of(chain_id: int, market: str, dataset_id: int, request_id: int, chunk: int = 0) -> int:
    """The binding `DatasetMarket.requestBinding` computes, offline: the low 128 bits of keccak256(abi.encode(
    chain id, market, dataset id, request id, chunk))."""
    types = ["uint256", "address", "uint256", "uint256", "uint256"]
    packed = encode(types, [chain_id, market, dataset_id, request_id, chunk])
    return int.from_bytes(keccak(packed), "big") & (2**128 - 1)


def request_bindings(market, request_id: int) -> list[int]:
    """The 128-bit value each chunk's proof for `request_id` must carry, in chunk order (the market computes
    them); `DataMarketError` if there is no such request."""
    chunks = int(market.requestChunks(request_id))
    if chunks == 0:
        raise DataMarketError(f"the market at {market.address} has no request {request_id}")
    return [int(market.requestBinding(request_id, i)) for i in range(chunks)]


def fulfil(market, request_id: int, proof: ChunkedProof, vendor):
    """Submit every chunk's proof for `request_id` in one transaction (the dataset's vendor); returns the receipt."""
    return market.fulfil(request_id, proof.proofs, proof.instances, sender=vendor)


@dataclass(frozen=True)
class Receipt:
    """A fulfilled request as the chain stores it."""

    request_id: int
    dataset_id: int
    customer: str
    model_commitment: int
    correct: int
    rows: int
    test_set_commitment: bytes
    block: int


def read_receipt(market, request_id: int) -> Receipt:
    """The receipt of a fulfilled request; `DataMarketError` if there is none."""
    r = market.getReceipt(request_id)
    if int(r.blockNumber) == 0:
        raise DataMarketError(f"request {request_id} has no receipt (not fulfilled)")
    return Receipt(
        request_id,
        int(r.datasetId),
        str(r.customer),
        int(r.modelCommitment),
        int(r.correct),
        int(r.rows),
        bytes(r.testSetCommitment),
        int(r.blockNumber),
    )


def verify_delivery(
    receipt: Receipt,
    template: TreeTemplate,
    params: TreeParams,
    test_set: TestSet,
    workdir: Path,
) -> Opening:
    """The customer's check: the receipt is about this test set, and the delivered tree opens its commitment
    (same Poseidon hash, same count in the circuit and re-run locally). Raises `DataMarketError`/`CommitmentError`
    otherwise."""
    if test_set_commitment(template, test_set) != receipt.test_set_commitment or test_set.rows != receipt.rows:
        raise DataMarketError(f"receipt {receipt.request_id} is about another test set")
    return open_tree(template, params, test_set, receipt.model_commitment, receipt.correct, workdir)


# --------------------------------------------------------------------------------------------------------
# The vendor's side of a sale on a bundled dataset (the demo, the CLI's `train`, the tests, the benchmark)
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sale:
    """A bundled dataset split into the vendor's private rows and a customer's test set, the schema the vendor
    publishes, and a salted tree trained on the private rows."""

    schema: FeatureSchema
    tree: TreeParams
    x_private: np.ndarray
    y_private: np.ndarray
    x_test: np.ndarray  # raw features, as the customer holds them
    y_test: np.ndarray
    label_salt: tuple[float, ...]  # the customer's, drawn for its test set

    @property
    def xq(self) -> np.ndarray:
        """The test set on the published grid (what the customer commits to and the vendor proves on)."""
        return self.schema.quantize(self.x_test)

    @property
    def test_set(self) -> TestSet:
        """The customer's test set as the circuit takes it (grid rows, labels, label salt)."""
        return TestSet(self.xq, self.y_test, self.label_salt)


def prepare_sale(template: TreeTemplate, seed: int = 0, rows: int | None = None) -> Sale:
    """Split the template's bundled dataset (`seed`) into private rows and a test set of `rows` (default: the
    template's capacity, at most a third of the data), fit the schema on the private rows and train a tree of the
    template's depth with a fresh random salt."""
    features, labels = load_dataset(template.dataset)
    test_rows = rows or min(template.capacity, len(labels) // 3)
    (x_private, y_private), (x_test, y_test) = split(features, labels, test_rows, seed=seed)
    schema = FeatureSchema.fit(x_private)
    salt = random_salt(template.salt_nodes)
    tree = train_tree(schema, x_private, y_private, depth=template.depth, salt=salt)
    return Sale(schema, tree, x_private, y_private, x_test, y_test, tuple(label_salt(salt_values(template))))


# --------------------------------------------------------------------------------------------------------
# Files the CLIs exchange: test sets as CSV (features..., label), trees and schemas as JSON (pydantic)
# --------------------------------------------------------------------------------------------------------
def write_test_set(path: Path, features: np.ndarray, labels: np.ndarray) -> Path:
    """Raw test rows as CSV: one row per line, the features then the integer label."""
    rows = np.column_stack([np.asarray(features, dtype=np.float64), np.asarray(labels, dtype=np.float64)])
    np.savetxt(path, rows, delimiter=",", fmt="%.10g")
    return path


def read_test_set(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(raw features, integer labels) from a test-set CSV; `DataMarketError` for an unreadable file."""
    try:
        rows = np.loadtxt(path, delimiter=",", ndmin=2)
    except (OSError, ValueError) as err:
        raise DataMarketError(f"cannot read the test set {path}: {err}") from None
    if rows.shape[1] < 2 or not np.array_equal(rows[:, -1], np.round(rows[:, -1])):
        raise DataMarketError(f"{path}: expected rows of features followed by an integer label")
    return rows[:, :-1], rows[:, -1].astype(np.int64)


def read_model(cls, path: Path):
    """A pydantic file (`FeatureSchema`, `TreeParams`); `DataMarketError` if it is missing or malformed."""
    try:
        return cls.model_validate_json(Path(path).read_text())
    except (OSError, ValueError) as err:
        raise DataMarketError(f"cannot read {cls.__name__} from {path}: {str(err).splitlines()[0]}") from None
