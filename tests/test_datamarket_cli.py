"""`ape run datamarket` as a user runs it: the vendor's `train` files, the customer's `hash`, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from proofs.files import REPO_ROOT
from proofs.trees import FeatureSchema, get_template
from proofs.trees import test_set_hashes as hashes_of
from zkaigc import datamarket as dm

pytestmark = pytest.mark.slow  # each test starts `ape run datamarket` in a subprocess: ~5 s apiece


def ape_run(*args: str) -> subprocess.CompletedProcess:
    ape = str(Path(sys.executable).parent / "ape")
    return subprocess.run([ape, "run", "datamarket", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def hash_of(sale: Path, template: str) -> subprocess.CompletedProcess:
    return ape_run("hash", "--template", template, str(sale / "test.csv"), "--schema", str(sale / "schema.json"))


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


def test_hash_prints_the_hashes_the_request_needs(sale):
    result = hash_of(sale, "tree-iris-d3")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    features, labels = dm.read_test_set(sale / "test.csv")
    schema = dm.read_model(FeatureSchema, sale / "schema.json")
    x_hash, y_hash = hashes_of(get_template("tree-iris-d3"), schema.quantize(features), labels)
    assert printed == {"testSetHash": hex(x_hash), "labelHash": hex(y_hash)}


def test_hash_fails_with_one_line_if_the_test_set_does_not_fit_the_template(sale):
    result = hash_of(sale, "tree-wine-d4")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "54 rows" in result.stderr
