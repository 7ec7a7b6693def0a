"""The architecture as a test: data flows one way (models -> proofs -> zkaigc -> scripts/benchmarks/research/tests)."""

import ast
import re
from pathlib import Path

import pytest

from zkaigc.enums import CurveType, RequestStatus

ROOT = Path(__file__).resolve().parent.parent
#: Each layer and the project packages it may import (itself included).
LAYERS = {
    "models": {"models"},
    "proofs": {"models", "proofs"},
    "zkaigc": {"models", "proofs", "zkaigc"},
    "benchmarks": {"models", "proofs", "zkaigc", "benchmarks"},
    "research": {"models", "proofs", "zkaigc", "benchmarks", "research"},
    "scripts": {"models", "proofs", "zkaigc"},
}
PROJECT = set(LAYERS) | {"tests", "support"}
#: Modules that parse arguments: nothing imports them (`__main__` is their only caller).
CLI_MODULES = {"models.cli", "proofs.cli"}


def imports_of(path: Path) -> list[str]:
    """Absolute module names a file imports (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


def sources(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_imports_only_layers_below_it(layer):
    upward = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(layer)
        for name in imports_of(path)
        if name.split(".")[0] in PROJECT and name.split(".")[0] not in LAYERS[layer]
    ]
    assert upward == []


@pytest.mark.parametrize("layer", sorted(LAYERS) + ["tests"])
def test_nothing_imports_a_cli_module(layer):
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(layer)
        if path.name != "__main__.py"
        for name in imports_of(path)
        if name in CLI_MODULES or name.startswith("scripts")
    ]
    assert offenders == []


def test_imports_of_resolves_relative_imports_if_given_a_package_module():
    assert "proofs.model_artifacts.ModelArtifacts" in imports_of(ROOT / "proofs" / "build.py")
    assert "models.registry" in imports_of(ROOT / "models" / "model.py")
    assert "models.circuit.CircuitConfig" in imports_of(ROOT / "models" / "trees" / "templates.py")
    assert "proofs.model_artifacts.ModelArtifacts" in imports_of(ROOT / "proofs" / "trees" / "prove.py")


#: The proof pipeline's rooms, lowest first: each imports only the rooms before it. `trees` (a package) proves the
#: tree templates on the rooms below it; `build` builds either kind of registered model.
PIPELINE_ROOMS = ["stages", "model_artifacts", "proven", "trees", "build"]


def room_sources(room: str) -> list[Path]:
    """A pipeline room's files: `proofs/<room>.py`, or every file of the package `proofs/<room>/`."""
    package = ROOT / "proofs" / room
    return sorted(package.rglob("*.py")) if package.is_dir() else [ROOT / "proofs" / f"{room}.py"]


@pytest.mark.parametrize("room", PIPELINE_ROOMS)
def test_pipeline_room_imports_only_the_rooms_below_it(room):
    """The ezkl stages know no model, a model's artifacts know no proof, the proven outputs and the tree proofs know
    no build."""
    above = {f"proofs.{r}" for r in PIPELINE_ROOMS[PIPELINE_ROOMS.index(room) + 1 :]}
    names = [name for path in room_sources(room) for name in imports_of(path)]
    upward = [name for name in names if any(name == r or name.startswith(f"{r}.") for r in above)]
    assert upward == []


def test_build_builds_the_tree_templates_through_the_tree_room():
    assert "proofs.trees.build" in imports_of(ROOT / "proofs" / "build.py")


def ezkl_calls(path: Path) -> set[str]:
    """The `ezkl.<name>` attributes a file uses."""
    tree = ast.parse(path.read_text())
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ezkl"
    }


def test_tree_proofs_call_ezkl_only_for_the_test_set_poseidon_hashes():
    """Every circuit stage of a tree template (settings, compile, setup, witness, prove, verify, verifier) is the
    shared pipeline's; what the trees call ezkl for themselves is the customer's Poseidon hashes."""
    used = set().union(*(ezkl_calls(path) for path in room_sources("trees")))
    assert used == {"float_to_felt", "poseidon_hash"}


#: The classes whose instances are the registry's entries, one per kind.
REGISTRY_KINDS = {"ModelSpec", "TreeTemplate"}


def test_only_the_registry_creates_registry_entries_if_in_a_library_layer():
    """One registry for every model kind: no library module keeps a list of models (or templates) of its own."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for layer in ("models", "proofs", "zkaigc", "scripts")
        for path in sources(layer)
        if path != ROOT / "models" / "registry.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REGISTRY_KINDS
    ]
    assert offenders == []


def test_the_tree_model_code_does_not_import_the_registry():
    """The registry holds the tree kind (it imports `models.trees`), never the other way round."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "models" / "trees").glob("*.py"))
        for name in imports_of(path)
        if name == "models.registry" or name.startswith("models.registry.")
    ]
    assert offenders == []


def test_models_never_call_ezkl():
    """What a model is (the image models, the trees) is written without the prover: ezkl runs in proofs/ only."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources("models")
        for name in imports_of(path)
        if name.split(".")[0] == "ezkl"
    ]
    assert offenders == []


def test_tree_model_code_lives_in_models_and_its_proving_in_proofs():
    assert sorted(p.name for p in (ROOT / "models" / "trees").glob("*.py")) == [
        "__init__.py",
        "circuit.py",
        "errors.py",
        "schema.py",
        "templates.py",
        "testset.py",
        "train.py",
    ]
    assert sorted(p.name for p in (ROOT / "proofs" / "trees").glob("*.py")) == ["__init__.py", "prove.py"]


def solidity_enum(path: str, name: str) -> list[str]:
    """The member names of a Solidity enum, in declaration order."""
    body = re.search(rf"enum {name} \{{([^}}]*)\}}", (ROOT / path).read_text()).group(1)
    return [member.strip() for member in body.split(",") if member.strip()]


@pytest.mark.parametrize(
    ("enum", "path", "name"),
    [
        (RequestStatus, "contracts/payments/interfaces/IRequestEscrow.sol", "RequestStatus"),
        (CurveType, "contracts/pricing/CurveType.sol", "CurveType"),
    ],
)
def test_python_enum_mirrors_solidity_enum_if_compared_by_name_and_value(enum, path, name):
    members = solidity_enum(path, name)
    assert [(m.name, m.value) for m in enum] == [(n.upper(), i) for i, n in enumerate(members)]
