"""Tree templates: one circuit, verifying key and Solidity verifier per shape (rows N, features F, depth d).

A template is built once from a reference tree (`build`): ONNX, settings at the smallest logrows that fits,
setup (the vk is committed), the generated verifier. Any tree of the same shape is then proven with the
template's proving key (`prove`): the tree is a hashed *parameter*, not part of the circuit, so the vk does not
depend on it. The public instances are always four field elements:

    [poseidon(test features), poseidon(test labels), poseidon(tree parameters), correct · 2^s]

where s is the circuit's output scale (`settings.json`; 12 for the committed templates).

`open_tree` is the customer's check of a delivered tree: the same commitment, the same count.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import ezkl
import numpy as np

from models.circuit import CircuitConfig

from ..build import fitting_logrows
from ..encoding import felt_from_ezkl_hex
from ..errors import ProofError
from ..pipeline import ModelArtifacts
from ..progress import Progress, log, stage
from .circuit import PAD, TreeParams, export_onnx
from .errors import CommitmentError, TreeError
from .schema import FRAC_BITS, FeatureSchema

#: The ezkl choices every tree template shares. Scale 4 is the schema's grid, so comparisons are exact; the
#: test set, labels and tree are hashed (one Poseidon commitment each), the count is public.
TREE_CIRCUIT = CircuitConfig(
    input_scale=FRAC_BITS,
    param_scale=FRAC_BITS,
    num_inner_cols=1,
    decomp_base=128,
    decomp_legs=4,
    input_visibility="hashed",
    param_visibility="hashed",
    output_visibility="public",
    scale_rebase_multiplier=10,
)
#: Instance order in every tree proof.
X_HASH, Y_HASH, MODEL_COMMITMENT, COUNT = range(4)


@dataclass(frozen=True)
class TreeTemplate:
    """The shape a tree circuit is built for, and the bundled scikit-learn dataset of its reference tree."""

    name: str
    dataset: str
    rows: int
    features: int
    depth: int
    classes: int
    salt_nodes: int = 8
    circuit: CircuitConfig = field(default=TREE_CIRCUIT)

    def artifacts(self, **roots) -> ModelArtifacts:
        """The template's files, under the same layout as a model's (proofs/artifacts/<name>/, its verifier)."""
        return ModelArtifacts(self.name, **roots)

    def shape_key(self) -> tuple[int, int, int, int, int]:
        return (self.rows, self.features, self.depth, self.classes, self.salt_nodes)


#: The committed templates: the CI one (iris, depth 3) and the demo one (wine, depth 4).
TEMPLATES = {
    t.name: t
    for t in (
        TreeTemplate("tree-iris-d3", dataset="iris", rows=48, features=4, depth=3, classes=3),
        TreeTemplate("tree-wine-d4", dataset="wine", rows=54, features=13, depth=4, classes=3),
    )
}


def get_template(name: str) -> TreeTemplate:
    """A template by name; a clear error for an unknown one."""
    if name not in TEMPLATES:
        raise TreeError(f"unknown tree template {name!r}; known: {', '.join(TEMPLATES)}")
    return TEMPLATES[name]


# --------------------------------------------------------------------------------------------------------
# Hashes the customer computes, and the proof's instances
# --------------------------------------------------------------------------------------------------------
def _felts(values: np.ndarray) -> list[str]:
    return [ezkl.float_to_felt(float(v), FRAC_BITS) for v in np.asarray(values, dtype=np.float64).reshape(-1)]


def poseidon(values: np.ndarray) -> int:
    """The Poseidon commitment ezkl's `hashed` visibility puts in the instances for these grid values."""
    return felt_from_ezkl_hex(ezkl.poseidon_hash(_felts(values))[0])


def check_test_set(template: TreeTemplate, xq: np.ndarray, labels: np.ndarray) -> None:
    """A clear error unless the test set has the template's shape, on the grid, with labels it can classify."""
    xq, labels = np.asarray(xq, dtype=np.float64), np.asarray(labels)
    if xq.shape != (template.rows, template.features) or labels.shape != (template.rows,):
        raise TreeError(
            f"{template.name} proves test sets of {template.rows} rows × {template.features} features; "
            f"got features {xq.shape}, labels {labels.shape}"
        )
    if not np.array_equal(np.round(xq * 2**FRAC_BITS), xq * 2**FRAC_BITS):
        raise TreeError("test features are not on the schema's 1/16 grid: quantize them with the FeatureSchema")
    if not np.all((labels >= 0) & (labels < template.classes) & (labels == np.round(labels))):
        raise TreeError(f"labels must be classes 0..{template.classes - 1}")


def test_set_hashes(template: TreeTemplate, xq: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """(poseidon(features), poseidon(labels)): what a customer commits to when requesting."""
    check_test_set(template, xq, labels)
    return poseidon(xq), poseidon(labels)


@dataclass
class TreeProof:
    """A proof that a committed tree gets `correct` of the template's rows right, ready for the contract."""

    template: str
    proof: bytes
    instances: list[int]
    output_scale: int
    seconds: float = 0.0

    @property
    def x_hash(self) -> int:
        return self.instances[X_HASH]

    @property
    def y_hash(self) -> int:
        return self.instances[Y_HASH]

    @property
    def model_commitment(self) -> int:
        return self.instances[MODEL_COMMITMENT]

    @property
    def correct(self) -> int:
        return self.instances[COUNT] >> self.output_scale

    def to_json(self) -> dict:
        return {
            "template": self.template,
            "proof": "0x" + self.proof.hex(),
            "instances": [hex(i) for i in self.instances],
            "output_scale": self.output_scale,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, data: dict) -> TreeProof:
        return cls(
            template=data["template"],
            proof=bytes.fromhex(data["proof"][2:]),
            instances=[int(i, 16) for i in data["instances"]],
            output_scale=int(data["output_scale"]),
            seconds=float(data.get("seconds", 0.0)),
        )


# --------------------------------------------------------------------------------------------------------
# Build, witness, prove, open
# --------------------------------------------------------------------------------------------------------
def output_scale(art: ModelArtifacts) -> int:
    """The count instance is `correct << output_scale` (ezkl's output scale for the template)."""
    return int(art.load_settings()["model_output_scales"][0])


def reference_tree(template: TreeTemplate) -> tuple[TreeParams, FeatureSchema]:
    """The tree a template is built from: trained on its bundled dataset (any tree of the shape would do)."""
    from .train import load_dataset, split, train_tree

    features, labels = load_dataset(template.dataset)
    train, _ = split(features, labels, template.rows)
    schema = FeatureSchema.fit(train[0])
    salt = [PAD] * template.salt_nodes  # the reference tree's salt is irrelevant: the vk does not depend on it
    return train_tree(schema, *train, depth=template.depth, salt=salt), schema


def build(template: TreeTemplate, srs_kind: str = "dev", progress: Progress = log, **roots) -> ModelArtifacts:
    """ONNX, settings at the smallest logrows, setup (writes vk), Solidity verifier, meta.json."""
    art = template.artifacts(**roots)
    art.progress = progress
    start = time.perf_counter()
    params, _ = reference_tree(template)
    with stage(f"{template.name}: export ONNX", progress):
        export_onnx(params, template.rows, art.onnx)
    settings = art.gen_settings(template.circuit)
    settings["run_args"]["logrows"] = fitting_logrows(settings)
    art.settings.write_text(json.dumps(settings))
    art.write_meta(logrows=art.logrows)
    progress(f"{template.name}: {settings['num_rows']} rows -> logrows {art.logrows}")
    art.setup(srs_kind=srs_kind, write_vk=True)
    art.create_evm_verifier()
    art.write_meta(
        template=asdict(template) | {"circuit": asdict(template.circuit)},
        ezkl_version=ezkl.__version__,
        contract=art.contract_name,
        output_scale=output_scale(art),
    )
    progress(f"{template.name}: built in {time.perf_counter() - start:.1f}s -> {art.dir}, {art.verifier_sol}")
    return art


def witness(
    template: TreeTemplate, art: ModelArtifacts, params: TreeParams, xq: np.ndarray, labels: np.ndarray, workdir: Path
) -> dict:
    """Compile `params` into the template's circuit and run it on the test set: ezkl's witness."""
    check_test_set(template, xq, labels)
    params.validate_shape(template.features, template.depth, template.salt_nodes, template.classes)
    workdir.mkdir(parents=True, exist_ok=True)
    onnx, compiled = workdir / "network.onnx", workdir / "network.compiled"
    data, wit = workdir / "input.json", workdir / "witness.json"
    export_onnx(params, template.rows, onnx)
    with stage(f"{template.name}: compile the tree", art.progress):
        if not ezkl.compile_circuit(str(onnx), str(compiled), str(art.settings)):
            raise ProofError("ezkl.compile_circuit failed")
    data.write_text(json.dumps({"input_data": [np.asarray(xq).reshape(-1).tolist(), np.asarray(labels).tolist()]}))
    with stage(f"{template.name}: gen_witness", art.progress):
        ezkl.gen_witness(str(data), str(compiled), str(wit))
    return json.loads(wit.read_text())


def prove(
    template: TreeTemplate, params: TreeParams, xq: np.ndarray, labels: np.ndarray, workdir: Path, **roots
) -> TreeProof:
    """Prove how many of the test rows `params` classifies correctly; verify it off-chain before returning."""
    art = template.artifacts(**roots)
    pk = art.setup()  # the template's proving key (cached; checked against the committed vk)
    start = time.perf_counter()
    witness(template, art, params, xq, labels, workdir)
    proof_path = workdir / "proof.json"
    with stage(f"{template.name}: prove", art.progress):
        if not ezkl.prove(
            str(workdir / "witness.json"),
            str(workdir / "network.compiled"),
            str(pk),
            str(proof_path),
            srs_path=str(art.srs()),
        ):
            raise ProofError("ezkl.prove failed")
    seconds = time.perf_counter() - start
    if not art.verify(proof_path):
        raise ProofError("ezkl rejected its own tree proof")
    raw = json.loads(proof_path.read_text())
    instances = [felt_from_ezkl_hex(h) for h in raw["instances"][0]]
    if len(instances) != 4:
        raise ProofError(f"a tree proof has 4 instances, this one {len(instances)}: rebuild {template.name}")
    result = TreeProof(
        template.name, bytes.fromhex(raw["hex_proof"][2:]), instances, output_scale(art), round(seconds, 2)
    )
    if result.correct != int((params.predict(xq) == np.asarray(labels)).sum()):
        raise ProofError("the circuit's count differs from the tree's own predictions")
    return result


@dataclass(frozen=True)
class Opening:
    """The customer's check of a delivered tree: its commitment and its count on the test set."""

    model_commitment: int
    correct: int
    correct_local: int


def open_tree(
    template: TreeTemplate,
    params: TreeParams,
    xq: np.ndarray,
    labels: np.ndarray,
    model_commitment: int,
    correct: int,
    workdir: Path,
    **roots,
) -> Opening:
    """Re-hash a delivered tree and re-run it on the test set; `CommitmentError` unless both match the receipt."""
    wit = witness(template, template.artifacts(**roots), params, xq, labels, workdir)
    committed = felt_from_ezkl_hex(wit["processed_params"]["poseidon_hash"][0])
    counted = round(float(wit["pretty_elements"]["rescaled_outputs"][0][0]))
    local = int((params.predict(xq) == np.asarray(labels)).sum())
    if committed != model_commitment:
        raise CommitmentError(f"the delivered tree hashes to {committed:#x}, the receipt binds {model_commitment:#x}")
    if counted != correct or local != correct:
        raise CommitmentError(f"the delivered tree gets {local} right (circuit {counted}), the receipt says {correct}")
    return Opening(committed, counted, local)
