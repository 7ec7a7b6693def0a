"""Tree templates through the proof pipeline: build one circuit per shape, prove a tree on a test set, open it.

A template is built once from a reference tree (`build`): ONNX, settings at the smallest logrows that fits,
setup (the vk is committed), the generated verifier, all by `ModelArtifacts`. Any tree of the same
shape is then proven with the template's proving key (`prove`): the tree is a hashed *parameter*, not part of
the circuit, so the vk does not depend on it. The public instances of every tree proof:

    [poseidon(features), poseidon(labels | mask | label salt), poseidon(binding limbs), poseidon(tree),
     correct · 2^s, rows · 16, binding limb 0 · 16, ..., binding limb K-1 · 16]

where s is the circuit's output scale (`settings.json`) and the binding is the 128-bit value the market computes
for the one request the proof is for (`DatasetMarket.requestBinding`), split into K 16-bit limbs.

`open_tree` is the customer's check of a delivered tree: the same commitment, the same count.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import ezkl
import numpy as np

from models.trees import CommitmentError, FeatureSchema, TestSet, TreeParams, TreeTemplate
from models.trees.circuit import PAD, export_onnx
from models.trees.schema import FRAC_BITS
from models.trees.templates import BIND_BITS

from ..encoding import felt_from_ezkl_hex
from ..errors import ProofError
from ..model_artifacts import ModelArtifacts, fitting_logrows
from ..progress import Progress, heartbeat, log

#: Instance order in every tree proof; the binding limbs follow BIND.
X_HASH, Y_HASH, BIND_HASH, MODEL_COMMITMENT, COUNT, ROWS, BIND = range(7)


def artifacts_of(template: TreeTemplate, **roots) -> ModelArtifacts:
    """The template's files, under the same layout as a model's (proofs/artifacts/<name>/, its verifier)."""
    return ModelArtifacts(template.name, **roots)


def bind_limbs(binding: int, limbs: int) -> list[int]:
    """The request binding as `limbs` little-endian limbs of BIND_BITS bits (the circuit's `bind` input)."""
    if not 0 <= binding < 2 ** (BIND_BITS * limbs):
        raise ProofError(f"a request binding is {BIND_BITS * limbs} bits; got {binding:#x}")
    return [(binding >> (BIND_BITS * i)) & (2**BIND_BITS - 1) for i in range(limbs)]


# --------------------------------------------------------------------------------------------------------
# Hashes the customer computes, and the proof's instances
# --------------------------------------------------------------------------------------------------------
def poseidon(values: np.ndarray) -> int:
    """The Poseidon commitment ezkl's `hashed` visibility puts in the instances for these grid values."""
    felts = [ezkl.float_to_felt(float(v), FRAC_BITS) for v in np.asarray(values, dtype=np.float64).reshape(-1)]
    return felt_from_ezkl_hex(ezkl.poseidon_hash(felts)[0])


def test_set_hashes(template: TreeTemplate, test_set: TestSet) -> tuple[int, int]:
    """(poseidon(padded features), poseidon(labels, mask, label salt)): what a customer commits to at request."""
    x, y = test_set.inputs(template)
    return poseidon(x), poseidon(y)


@dataclass
class TreeProof:
    """A proof that a committed tree gets `correct` of `rows` test rows right, bound to one request."""

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

    @property
    def rows(self) -> int:
        return self.instances[ROWS] >> FRAC_BITS

    @property
    def binding(self) -> int:
        return sum((limb >> FRAC_BITS) << (BIND_BITS * i) for i, limb in enumerate(self.instances[BIND:]))

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
    from models.trees import load_dataset, split, train_tree

    features, labels = load_dataset(template.dataset)
    train, _ = split(features, labels, min(template.rows, len(labels) // 3))
    schema = FeatureSchema.fit(train[0])
    salt = [PAD] * template.salt_nodes  # the reference tree's salt is irrelevant: the vk does not depend on it
    return train_tree(schema, *train, depth=template.depth, salt=salt), schema


def _export(template: TreeTemplate, params: TreeParams, path: Path) -> Path:
    return export_onnx(params, template.rows, template.label_salt, template.bind_limbs, path)


def build(template: TreeTemplate, srs_kind: str = "dev", progress: Progress = log, **roots) -> ModelArtifacts:
    """ONNX, settings at the smallest logrows, setup (writes vk), Solidity verifier, meta.json."""
    art = artifacts_of(template, **roots)
    art.progress = progress
    start = time.perf_counter()
    params, _ = reference_tree(template)
    _export(template, params, art.onnx)
    settings = art.gen_settings(template.circuit)
    settings["run_args"]["logrows"] = fitting_logrows(settings)
    art.write_settings(settings)
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
    template: TreeTemplate, art: ModelArtifacts, params: TreeParams, test_set: TestSet, binding: int, workdir: Path
) -> dict:
    """Compile `params` into the template's circuit and run it on the test set: ezkl's witness."""
    x, y = test_set.inputs(template)
    params.validate_shape(template.features, template.depth, template.salt_nodes, template.classes)
    workdir.mkdir(parents=True, exist_ok=True)
    compiled = art.compile_graph(_export(template, params, workdir / "network.onnx"), workdir / "network.compiled")
    limbs = bind_limbs(binding, template.bind_limbs)
    return art.witness_inputs([x.reshape(-1), y, limbs], workdir, compiled)


def prove(
    template: TreeTemplate,
    params: TreeParams,
    test_set: TestSet,
    binding: int,
    workdir: Path,
    progress: Progress = log,
    **roots,
) -> TreeProof:
    """Prove how many of the test rows `params` classifies correctly, for the request `binding` names; verify it
    off-chain before returning."""
    art = artifacts_of(template, **roots)
    art.progress = progress
    art.setup()  # the template's proving key (cached; checked against the committed vk)
    start = time.perf_counter()
    witness(template, art, params, test_set, binding, workdir)
    # One blocking ezkl call, minutes long on a large template: say every 30 s that it is alive.
    with heartbeat(f"{template.name}: prove", progress):
        raw = art.prove(workdir, workdir / "network.compiled")
    seconds = time.perf_counter() - start
    if not art.verify(workdir / "proof.json"):
        raise ProofError("ezkl rejected its own tree proof")
    instances = [felt_from_ezkl_hex(h) for h in raw["instances"][0]]
    if len(instances) != BIND + template.bind_limbs:
        raise ProofError(f"a tree proof has {BIND + template.bind_limbs} instances, this one {len(instances)}")
    result = TreeProof(
        template.name, bytes.fromhex(raw["hex_proof"][2:]), instances, output_scale(art), round(seconds, 2)
    )
    local = int((params.predict(test_set.xq) == np.asarray(test_set.labels)).sum())
    if (result.correct, result.rows, result.binding) != (local, test_set.rows, binding):
        raise ProofError("the circuit's count, rows or binding differ from the tree's own predictions and request")
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
    test_set: TestSet,
    model_commitment: int,
    correct: int,
    workdir: Path,
    **roots,
) -> Opening:
    """Re-hash a delivered tree and re-run it on the test set; `CommitmentError` unless both match the receipt.

    The count that counts is the circuit's (its witness, on the quantized grid); numpy's must agree with it."""
    art = artifacts_of(template, **roots)
    art.progress = log
    wit = witness(template, art, params, test_set, 0, workdir)
    committed = felt_from_ezkl_hex(wit["processed_params"]["poseidon_hash"][0])
    counted = round(float(wit["pretty_elements"]["rescaled_outputs"][0][0]))
    local = int((params.predict(test_set.xq) == np.asarray(test_set.labels)).sum())
    if committed != model_commitment:
        raise CommitmentError(f"the delivered tree hashes to {committed:#x}, the receipt binds {model_commitment:#x}")
    if counted != correct or local != correct:
        raise CommitmentError(f"the delivered tree gets {local} right (circuit {counted}), the receipt says {correct}")
    return Opening(committed, counted, local)
