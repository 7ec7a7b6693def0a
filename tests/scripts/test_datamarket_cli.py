"""`ape run datamarket` as a user runs it: the vendor's `train` files, the customer's `hash`, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from models import registry
from models.trees import FeatureSchema, TestSet, TreeTemplate, salt_values
from proofs import trees as proof_trees
from proofs.files import REPO_ROOT
from zkaigc import datamarket as dm

pytestmark = pytest.mark.slow  # each test starts `ape run datamarket` in a subprocess: ~5 s apiece
IRIS = registry.get("tree-iris-d3", TreeTemplate)


def ape_run(*args: str) -> subprocess.CompletedProcess:
    ape = str(Path(sys.executable).parent / "ape")
    return subprocess.run([ape, "run", "datamarket", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def hash_of(sale: Path, template: str, salt: str = "test-salt.json") -> subprocess.CompletedProcess:
    files = [str(sale / "test.csv"), "--schema", str(sale / "schema.json"), "--salt", str(sale / salt)]
    return ape_run("hash", "--template", template, *files)


@pytest.fixture(scope="module")
def sale(tmp_path_factory):
    out = tmp_path_factory.mktemp("sale")
    result = ape_run("train", "--template", "tree-iris-d3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_train_writes_the_schema_tree_and_a_test_set_of_the_template(sale):
    features, labels = dm.read_test_set(sale / "test.csv")
    assert features.shape == (48, 4) and labels.shape == (48,)
    assert (sale / "schema.json").exists() and (sale / "tree.json").exists()
    assert len(json.loads((sale / "test-salt.json").read_text())) == salt_values(IRIS) == 16


def test_hash_prints_the_commitment_the_request_needs_and_each_chunks_hashes(sale):
    result = hash_of(sale, "tree-iris-d3")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    features, labels = dm.read_test_set(sale / "test.csv")
    schema = dm.read_model(FeatureSchema, sale / "schema.json")
    salt = tuple(json.loads((sale / "test-salt.json").read_text()))
    iris, test_set = IRIS, TestSet(schema.quantize(features), labels, salt)
    chunks = [{"testSetHash": hex(x), "labelHash": hex(y)} for x, y in proof_trees.test_set_hashes(iris, test_set)]
    commitment = "0x" + proof_trees.test_set_commitment(iris, test_set).hex()
    assert printed == {"testSetCommitment": commitment, "rows": 48, "chunks": chunks} and len(chunks) == 2


def test_hash_draws_and_keeps_a_fresh_salt_if_the_salt_file_is_new(sale):
    first = hash_of(sale, "tree-iris-d3", salt="fresh-salt.json")
    assert first.returncode == 0, first.stderr
    assert "fresh label salt" in first.stderr and (sale / "fresh-salt.json").exists()
    again = hash_of(sale, "tree-iris-d3", salt="fresh-salt.json")
    ours = hash_of(sale, "tree-iris-d3")
    last = [json.loads(r.stdout.strip().splitlines()[-1]) for r in (first, again, ours)]
    assert last[0] == last[1] and last[0]["testSetCommitment"] != last[2]["testSetCommitment"]
    assert [c["testSetHash"] for c in last[0]["chunks"]] == [c["testSetHash"] for c in last[2]["chunks"]]
    assert all(a["labelHash"] != b["labelHash"] for a, b in zip(last[0]["chunks"], last[2]["chunks"], strict=True))


def test_hash_fails_with_one_line_if_the_test_set_does_not_fit_the_template(sale):
    result = hash_of(sale, "tree-wine-d4")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "13 features" in result.stderr


def test_prove_fails_with_one_line_if_the_market_address_has_no_contract(sale):
    files = [str(sale / "tree.json"), str(sale / "test.csv"), "--schema", str(sale / "schema.json")]
    nowhere = "0x" + "00" * 19 + "01"
    result = ape_run(
        "prove", "--template", "tree-iris-d3", "--market", nowhere, "--request", "1", *files,
        "--salt", str(sale / "test-salt.json"), "--network", "ethereum:local:foundry",
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "no contract there" in result.stderr


def test_demo_data_sells_a_model_against_two_chunks_if_run_on_the_ci_template():
    ape = str(Path(sys.executable).parent / "ape")
    result = subprocess.run(
        [ape, "run", "demo_data", "--template", "tree-iris-d3"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "48 test rows (2 chunks of 24" in result.stdout
    assert "2 proofs verified on chain in one transaction" in result.stdout
    assert "matches" in result.stdout and "Traceback" not in result.stderr
