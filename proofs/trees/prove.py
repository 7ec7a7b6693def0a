"""Tree templates through the proof pipeline: build one circuit per shape, prove a tree on a test set, open it.

A template is built once from a reference tree (`build`, which `python -m proofs build-tree` runs through the shared,
atomic `proofs.build.build`): its ONNX, then the stages every build shares (`ModelArtifacts.build_from_onnx`:
settings at the smallest logrows that fits, setup writing the committed vk, the generated verifier). Any tree of the
same shape is then proven with the template's proving key (`prove`, through the shared stages and
`proofs.proven.prove_verified`): the tree is a hashed *parameter*, not part of
the circuit, so the vk does not depend on it. The circuit proves one *chunk* of the template's rows; a test set
of n rows is ceil(n / rows) chunks, proven one after the other (`prove` returns a `ChunkedProof`). The public
instances of every chunk proof:

    [poseidon(features), poseidon(labels | mask | label salt), poseidon(binding limbs), poseidon(tree),
     correct · 2^s, rows · 16, binding limb 0 · 16, ..., binding limb K-1 · 16]

where s is the circuit's output scale (`settings.json`) and the binding is the 128-bit value the market computes
for the one request and chunk the proof is for (`DatasetMarket.requestBinding(requestId, chunk)`), split into K
16-bit limbs. A request commits to all chunks with one hash: `test_set_commitment`, keccak256 over the chunks'
two Poseidon hashes in order, which the market recomputes from the proofs' first two instances.

`open_tree` is the customer's check of a delivered tree: the same commitment, the same count over every chunk.
What stays here is the trees' own: the Poseidon hashes of a test set and the commitment over its chunks, the request
binding's limbs, the chunk loop and the instance layout below.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import ezkl
import numpy as np
from eth_utils import keccak

from models.trees import CommitmentError, FeatureSchema, TestSet, TreeParams, TreeTemplate
from models.trees.circuit import PAD, export_onnx
from models.trees.schema import FRAC_BITS
from models.trees.templates import BIND_BITS

from ..encoding import felt_from_ezkl_hex
from ..errors import ProofError
from ..model_artifacts import ModelArtifacts
from ..progress import Progress, heartbeat, log
from ..proven import proof_instances, prove_verified

#: Instance order in every tree proof; the binding limbs follow BIND.
X_HASH, Y_HASH, BIND_HASH, MODEL_COMMITMENT, COUNT, ROWS, BIND = range(7)


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


def test_set_hashes(template: TreeTemplate, test_set: TestSet) -> list[tuple[int, int]]:
    """Per chunk, (poseidon(padded features), poseidon(labels, mask, label salt)): the circuit's first two
    instances."""
    return [(poseidon(x), poseidon(y)) for x, y in test_set.chunk_inputs(template)]


def commitment_of(hashes: list[tuple[int, int]]) -> bytes:
    """keccak256(abi.encodePacked(xHash_0, yHash_0, ...)): what `DatasetMarket.request` takes and `fulfil`
    recomputes from the chunk proofs."""
    return keccak(b"".join(h.to_bytes(32, "big") for pair in hashes for h in pair))


def test_set_commitment(template: TreeTemplate, test_set: TestSet) -> bytes:
    """The one hash a customer commits to at request: over every chunk's two Poseidon hashes, in order."""
    return commitment_of(test_set_hashes(template, test_set))


@dataclass
class TreeProof:
    """A proof that a committed tree gets `correct` of the `rows` rows of one chunk right, bound to one request's
    chunk."""

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


@dataclass
class ChunkedProof:
    """One proof per chunk of a test set, in chunk order: what `DatasetMarket.fulfil` takes."""

    chunks: list[TreeProof]

    @property
    def template(self) -> str:
        return self.chunks[0].template

    @property
    def proofs(self) -> list[bytes]:
        return [c.proof for c in self.chunks]

    @property
    def instances(self) -> list[list[int]]:
        return [c.instances for c in self.chunks]

    @property
    def correct(self) -> int:
        return sum(c.correct for c in self.chunks)

    @property
    def rows(self) -> int:
        return sum(c.rows for c in self.chunks)

    @property
    def model_commitment(self) -> int:
        return self.chunks[0].model_commitment

    @property
    def commitment(self) -> bytes:
        """The test-set commitment the chunks' hash instances make (the market recomputes it)."""
        return commitment_of([(c.x_hash, c.y_hash) for c in self.chunks])

    @property
    def seconds(self) -> float:
        return round(sum(c.seconds for c in self.chunks), 2)

    @property
    def output_scale(self) -> int:
        return self.chunks[0].output_scale

    def to_json(self) -> dict:
        return {"chunks": [c.to_json() for c in self.chunks]}

    @classmethod
    def from_json(cls, data: dict) -> ChunkedProof:
        return cls([TreeProof.from_json(c) for c in data["chunks"]])


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


def export_reference(template: TreeTemplate, art: ModelArtifacts) -> Path:
    """The template's ONNX (`art.onnx`): its circuit with the reference tree as the hashed parameters."""
    return _export(template, reference_tree(template)[0], art.onnx)


def build(template: TreeTemplate, srs_kind: str = "dev", progress: Progress = log, **roots) -> ModelArtifacts:
    """The reference tree's ONNX, then `build_from_onnx` (settings at the smallest logrows, setup writing the vk,
    the Solidity verifier), and the template and its count's output scale in meta.json."""
    art = ModelArtifacts(template.name, progress=progress, **roots)
    start = time.perf_counter()
    export_reference(template, art)
    art.build_from_onnx(template.circuit, srs_kind)
    art.write_meta(template=asdict(template) | {"circuit": asdict(template.circuit)}, output_scale=output_scale(art))
    progress(f"{template.name}: built in {time.perf_counter() - start:.1f}s -> {art.dir}, {art.verifier_sol}")
    return art


def compile_tree(template: TreeTemplate, art: ModelArtifacts, params: TreeParams, workdir: Path) -> Path:
    """Compile `params` into the template's circuit (once per tree: every chunk runs the same compiled graph)."""
    params.validate_shape(template.features, template.depth, template.salt_nodes, template.classes)
    workdir.mkdir(parents=True, exist_ok=True)
    return art.compile_graph(_export(template, params, workdir / "network.onnx"), workdir / "network.compiled")


def witness(
    template: TreeTemplate,
    art: ModelArtifacts,
    compiled: Path,
    test_set: TestSet,
    chunk: int,
    binding: int,
    workdir: Path,
) -> dict:
    """Run the compiled tree on chunk `chunk` of the test set, for `binding`: ezkl's witness."""
    x, y = test_set.inputs(template, chunk)
    limbs = bind_limbs(binding, template.bind_limbs)
    return art.witness_inputs([x.reshape(-1), y, limbs], workdir, compiled)


def prove(
    template: TreeTemplate,
    params: TreeParams,
    test_set: TestSet,
    bindings: list[int],
    workdir: Path,
    progress: Progress = log,
    **roots,
) -> ChunkedProof:
    """Prove how many of the test rows `params` classifies correctly, one proof per chunk, chunk i for the
    request's `bindings[i]`; each is verified off-chain before it is returned."""
    chunks = test_set.chunks(template)
    if len(bindings) != chunks:
        raise ProofError(f"a test set of {test_set.rows} rows is {chunks} chunks; got {len(bindings)} bindings")
    art = ModelArtifacts(template.name, progress=progress, **roots)
    art.setup()  # the template's proving key (cached, built on first use; checked against the committed vk)
    compiled = compile_tree(template, art, params, workdir)
    predicted = params.predict(test_set.xq) == np.asarray(test_set.labels)
    proofs = []
    for i, binding in enumerate(bindings):
        start = time.perf_counter()
        chunk_dir = workdir / f"chunk-{i}"
        chunk_dir.mkdir(parents=True, exist_ok=True)
        witness(template, art, compiled, test_set, i, binding, chunk_dir)
        # One blocking ezkl call, minutes long on a large template: say every 30 s that it is alive.
        with heartbeat(f"{template.name}: prove chunk {i + 1}/{chunks}", progress):
            raw = prove_verified(art, chunk_dir, compiled, what=f"proof of chunk {i}")
        instances = proof_instances(raw)
        if len(instances) != BIND + template.bind_limbs:
            raise ProofError(f"a tree proof has {BIND + template.bind_limbs} instances, this one {len(instances)}")
        seconds = round(time.perf_counter() - start, 2)
        proof = TreeProof(template.name, bytes.fromhex(raw["hex_proof"][2:]), instances, output_scale(art), seconds)
        rows = slice(i * template.rows, (i + 1) * template.rows)
        local = int(predicted[rows].sum())
        if (proof.correct, proof.rows, proof.binding) != (local, len(predicted[rows]), binding):
            raise ProofError(f"chunk {i}: the circuit's count, rows or binding differ from the tree and request")
        progress(f"{template.name}: chunk {i + 1}/{chunks} proven in {seconds:.1f}s ({proof.correct}/{proof.rows})")
        proofs.append(proof)
    return ChunkedProof(proofs)


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
    """Re-hash a delivered tree and re-run it on every chunk of the test set; `CommitmentError` unless both match
    the receipt.

    The count that counts is the circuit's (its witness, on the quantized grid); numpy's must agree with it."""
    art = ModelArtifacts(template.name, **roots)
    compiled = compile_tree(template, art, params, workdir)
    committed, counted = 0, 0
    for i in range(test_set.chunks(template)):
        wit = witness(template, art, compiled, test_set, i, 0, workdir / f"chunk-{i}")
        committed = felt_from_ezkl_hex(wit["processed_params"]["poseidon_hash"][0])  # one tree: the same each time
        counted += round(float(wit["pretty_elements"]["rescaled_outputs"][0][0]))
    local = int((params.predict(test_set.xq) == np.asarray(test_set.labels)).sum())
    if committed != model_commitment:
        raise CommitmentError(f"the delivered tree hashes to {committed:#x}, the receipt binds {model_commitment:#x}")
    if counted != correct or local != correct:
        raise CommitmentError(f"the delivered tree gets {local} right (circuit {counted}), the receipt says {correct}")
    return Opening(committed, counted, local)
