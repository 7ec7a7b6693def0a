"""The ezkl (Halo2/KZG) pipeline as a library: one artifact directory per model, stages in their natural order.

    settings -> compile -> srs -> setup -> witness -> prove -> verify -> evm verifier -> calldata

Committed, per model (``proofs/artifacts/<name>/``): ``network.onnx``, ``settings.json``, ``vk.key``,
``meta.json`` and ``samples/``; the generated verifier goes to ``contracts/verifiers/<Contract>.sol``. A model's
batch circuits (one proof for N prompts, `ModelSpec.batch_sizes`) have the same files under ``batch-<N>/`` and
their own verifier, ``<Name>Batch<N>Verifier.sol``.
Regenerated on demand into the gitignored cache (``.cache/zkaigc/<name>/``): ``network.compiled``,
``pk.key`` (hundreds of MB) and per-run witnesses/proofs. Setup is deterministic given SRS and circuit, so
the cache can always be rebuilt and matches the committed vk.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import ezkl

from models import registry
from models.circuit import CircuitConfig

from .encoding import Encoding, felt_from_ezkl_hex
from .errors import ArtifactsError, ProofError
from .files import ARTIFACTS_ROOT, CACHE_ROOT, SRS_ROOT, VERIFIERS_ROOT, sha256_file
from .progress import Progress, log, stage
from .srs import DEV_SRS_WARNING, ceremony_srs, dev_srs, install_srs_file, warn_dev_srs

__all__ = [
    "CircuitConfig",
    "ModelArtifacts",
    "ProvenBatch",
    "ProvenSample",
    "artifacts_of",
    "batch_artifacts_of",
    "committed_models",
    "normalize_settings",
    "prove_latent",
    "prove_batch",
    "run_args",
    "sample_from_proof",
    "witness_instances",
]


def run_args(config: CircuitConfig) -> ezkl.PyRunArgs:
    """A circuit config as ezkl's PyRunArgs."""
    ra = ezkl.PyRunArgs()
    ra.input_scale = config.input_scale
    ra.param_scale = config.param_scale
    ra.num_inner_cols = config.num_inner_cols
    ra.lookup_range = tuple(config.lookup_range)
    ra.decomp_base = config.decomp_base
    ra.decomp_legs = config.decomp_legs
    ra.input_visibility = config.input_visibility
    ra.output_visibility = config.output_visibility
    ra.param_visibility = config.param_visibility
    ra.ignore_range_check_inputs_outputs = config.ignore_range_check_inputs_outputs
    ra.rebase_frac_zero_constants = config.rebase_frac_zero_constants
    ra.scale_rebase_multiplier = config.scale_rebase_multiplier
    ra.disable_freivalds = config.disable_freivalds
    if config.logrows is not None:
        ra.logrows = config.logrows
    return ra


def normalize_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """ezkl's settings made reproducible: the same ONNX and config give the same bytes, vk and model hash.

    ezkl lists the required range checks and lookups in hash-map order, and the circuit lays out one table per
    entry in that order, so two builds of the same model gave different vks; it also stamps the time. Sorted
    lists and a zero timestamp (ezkl reads it only as metadata) make a rebuild byte-identical.
    """
    out = dict(settings)
    for key in ("required_range_checks", "required_lookups"):
        if isinstance(out.get(key), list):
            out[key] = sorted(out[key], key=lambda entry: json.dumps(entry, sort_keys=True))
    if "timestamp" in out:
        out["timestamp"] = 0
    return out


# --------------------------------------------------------------------------------------------------------
# Artifacts of one model
# --------------------------------------------------------------------------------------------------------
@dataclass
class ModelArtifacts:
    """Fixed artifact names for one model; every stage reads and writes only these paths."""

    name: str
    root: Path = ARTIFACTS_ROOT
    cache_root: Path = CACHE_ROOT
    verifiers_root: Path = VERIFIERS_ROOT
    srs_root: Path = SRS_ROOT
    progress: Progress = field(default=log, repr=False)
    # Prompts per proof: 1 for the model's circuit, N for its batch-N circuit (the same network, N latents at once).
    batch: int = 1
    # A ceremony SRS file the vendor obtained elsewhere (`--srs-file`): used, after its checks, by a `ceremony` setup.
    srs_file: Path | None = None

    # committed
    @property
    def dir(self) -> Path:
        return self.root / self.name / self.subdir

    @property
    def subdir(self) -> str:
        """Where a batch circuit's files live below the model's (`batch-<N>`), or "" for the single circuit."""
        return f"batch-{self.batch}" if self.batch > 1 else ""

    def batch_circuit(self, batch: int) -> ModelArtifacts:
        """The same model's circuit for `batch` prompts per proof (1: the single circuit), under the same roots."""
        return replace(self, batch=batch)

    @property
    def onnx(self) -> Path:
        return self.dir / "network.onnx"

    @property
    def settings(self) -> Path:
        return self.dir / "settings.json"

    @property
    def calibration_data(self) -> Path:
        return self.dir / "calibration.json"

    @property
    def vk(self) -> Path:
        return self.dir / "vk.key"

    @property
    def meta(self) -> Path:
        return self.dir / "meta.json"

    @property
    def samples(self) -> Path:
        return self.dir / "samples"

    @property
    def contract_name(self) -> str:
        """Unique Solidity name of this model's verifier, e.g. `pixel32` -> `Pixel32Verifier`."""
        stem = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", self.name) if p)
        return stem + (f"Batch{self.batch}" if self.batch > 1 else "") + "Verifier"

    @property
    def verifier_sol(self) -> Path:
        return self.verifiers_root / f"{self.contract_name}.sol"

    # regenerated
    @property
    def cache(self) -> Path:
        return self.cache_root / self.name / self.subdir

    @property
    def compiled(self) -> Path:
        return self.cache / "network.compiled"

    @property
    def pk(self) -> Path:
        return self.cache / "pk.key"

    # --- metadata ----------------------------------------------------------------------------------
    @property
    def srs_kind(self) -> str:
        """The SRS the committed artifacts were set up with: `dev` or `ceremony`."""
        return self.read_meta().get("srs", {}).get("kind", "dev")

    def load_settings(self) -> dict[str, Any]:
        return json.loads(self.settings.read_text())

    def write_settings(self, settings: dict[str, Any]) -> None:
        """settings.json in its reproducible form (`normalize_settings`)."""
        self.settings.write_text(json.dumps(normalize_settings(settings), sort_keys=True))

    @property
    def logrows(self) -> int:
        return int(self.load_settings()["run_args"]["logrows"])

    def encoding(self) -> Encoding:
        """The prompt/aigcData encoding this circuit's public instances follow.

        The proven grid's shape comes from meta.json (`proven_shape`, written at build time): the public outputs
        are packed 16 digits per element, so their shape no longer tells the image's.
        """
        s = self.load_settings()
        shapes = s["model_instance_shapes"]
        # A packed prompt is the circuit's first output (the latent is private): the instances are then
        # [prompts (B, 1), images (B, k)], as the old stage's were [latents (B, n), images (B, k)].
        packed = str(s["run_args"]["input_visibility"]).lower() == "private"
        if len(shapes) != 2 or len(s["model_input_scales"]) != 1 or len(s["model_output_scales"]) != 1 + packed:
            raise ArtifactsError(f"{self.name}: expected a public prompt and one public output, got {shapes}")
        if self.batch > 1 and (shapes[0][0] != self.batch or shapes[1][0] != self.batch):
            raise ArtifactsError(f"{self.name}: batch-{self.batch} circuit has instance shapes {shapes}")
        # A batch circuit's instances are its N slots' instances one after the other: the encoding is per slot.
        shapes = [[1, *shape[1:]] if self.batch > 1 else shape for shape in shapes]
        meta = self.read_meta()
        enc = Encoding(
            input_len=int(meta["input_len"]) if packed else math.prod(shapes[0]),
            output_len=math.prod(self.output_shape()),
            input_scale=int(s["model_input_scales"][0]),
            output_scale=int(s["model_output_scales"][-1]),
            digit_bits=self.digit_bits(),
            packed_prompt=packed,
            **meta.get("prompt_space", {}),
        )
        if math.prod(shapes[1]) != enc.output_instances:
            raise ArtifactsError(
                f"{self.name}: {math.prod(shapes[1])} public outputs, but {enc.output_len} digits pack into "
                f"{enc.output_instances}: rebuild the artifacts (`python -m proofs build {self.name}`)"
            )
        return enc

    def output_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of the proven grid (meta.json's `proven_shape`)."""
        shape = self.read_meta().get("proven_shape")
        if shape is None:
            raise ArtifactsError(f"{self.name}: meta.json has no proven_shape; rebuild the artifacts")
        return tuple(int(d) for d in shape)

    def digit_bits(self) -> int:
        """Bits per output digit (meta.json's `digit_bits`): 7 for the clamp stage, 8 for the sigmoid stage."""
        return int(self.read_meta().get("digit_bits", 7))

    def render_factor(self) -> int:
        """Rendered pixels per grid cell along each axis (the nearest upsample the renderer does)."""
        return int(self.read_meta().get("render", 1))

    def encoding_struct(self) -> tuple[int, int, int, int, int, int, int, int, int]:
        """The contracts' `ModelEncoding`: (inputLen, outputLen, inputScale, outputScale, width, height, channels,
        render, digitBits)."""
        enc = self.encoding()
        channels, height, width = self.output_shape()
        return (
            enc.input_len,
            enc.output_len,
            enc.input_scale,
            enc.output_scale,
            width,
            height,
            channels,
            self.render_factor(),
            enc.digit_bits,
        )

    def read_meta(self) -> dict[str, Any]:
        return json.loads(self.meta.read_text()) if self.meta.exists() else {}

    def write_meta(self, **updates: Any) -> dict[str, Any]:
        meta = self.read_meta()
        meta.update(updates)
        self.meta.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        return meta

    def model_hash(self, batch_sizes: Sequence[int] | None = None) -> str:
        """The model commitment a collection stores: sha256 over the sha256 of the ONNX, settings and vk of the
        single circuit, then of each batch circuit the collection accepts (`batch_sizes`, default the registry's),
        in that order, then of the geometry.

        The geometry (`{"proven_shape": [C, H, W], "render": k}` as compact sorted JSON) is part of the model: two
        models may share one circuit and draw it at different sizes (pixel32 and pixel64), and their hashes differ.
        """
        if batch_sizes is None:  # an unregistered (scratch) model has no batch circuits
            batch_sizes = registry.get(self.name).batch_sizes if self.name in registry.names() else ()
        geometry = json.dumps(
            {"proven_shape": list(self.output_shape()), "render": self.render_factor()},
            sort_keys=True,
            separators=(",", ":"),
        )
        digest = hashlib.sha256()
        for art in (self.batch_circuit(1), *(self.batch_circuit(n) for n in batch_sizes)):
            for path in (art.onnx, art.settings, art.vk):
                digest.update(bytes.fromhex(sha256_file(path)))
        digest.update(hashlib.sha256(geometry.encode()).digest())
        return "0x" + digest.hexdigest()

    # --- stages --------------------------------------------------------------------------------------
    def gen_settings(self, config: CircuitConfig, calibration: list[list[float]] | None = None) -> dict:
        """settings.json from the ONNX and the config; optionally calibrated on sample latents."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with stage(f"{self.name}: gen_settings", self.progress):
            if not ezkl.gen_settings(str(self.onnx), str(self.settings), py_run_args=run_args(config)):
                raise ProofError("ezkl.gen_settings failed")
            if calibration is not None:
                self.calibration_data.write_text(json.dumps({"input_data": calibration}))
                # Calibrate only the lookup range: the scales are fixed by quantization-aware training.
                ezkl.calibrate_settings(
                    str(self.calibration_data),
                    str(self.onnx),
                    str(self.settings),
                    "resources",
                    scales=[config.input_scale],
                )
            settings = self.load_settings()
            if config.logrows is not None:
                settings["run_args"]["logrows"] = max(config.logrows, settings["run_args"]["logrows"])
            self.write_settings(settings)
        settings = self.load_settings()
        self.write_meta(
            config=asdict(config), logrows=settings["run_args"]["logrows"], num_rows=settings.get("num_rows")
        )
        return settings

    def compile(self) -> Path:
        """The compiled circuit (regenerated into the cache when stale)."""
        stamp = self.cache / "network.compiled.src"
        src = sha256_file(self.onnx) + sha256_file(self.settings)
        if self.compiled.exists() and stamp.exists() and stamp.read_text() == src:
            return self.compiled
        self.cache.mkdir(parents=True, exist_ok=True)
        with stage(f"{self.name}: compile_circuit", self.progress):
            if not ezkl.compile_circuit(str(self.onnx), str(self.compiled), str(self.settings)):
                raise ProofError("ezkl.compile_circuit failed")
        stamp.write_text(src)
        return self.compiled

    def srs(self, kind: str | None = None) -> Path:
        """The SRS this model uses: `dev` (committed, insecure) or `ceremony` (the file meta.json records by
        sha256, from the cache; else `srs_file`, else ezkl's download)."""
        return self._srs(kind)[0]

    def _srs(self, kind: str | None = None) -> tuple[Path, dict[str, Any]]:
        """The SRS file and what meta.json records about it (kind, its logrows, sha256, source)."""
        kind = kind or self.srs_kind
        if kind == "ceremony":
            recorded = self.read_meta().get("srs") or {}
            if self.srs_file is not None:
                path, sha256, k = install_srs_file(self.srs_file, self.logrows)
                return path, {"kind": kind, "logrows": k, "sha256": sha256, "source": f"file {self.srs_file.name}"}
            known = recorded.get("sha256") if recorded.get("kind") == "ceremony" else None
            path, sha256 = ceremony_srs(self.logrows, self.progress, sha256=known)
            source = recorded.get("source", "ezkl get_srs") if known else "ezkl get_srs"
            return path, {"kind": kind, "logrows": self.logrows, "sha256": sha256, "source": source}
        if kind != "dev":
            raise ArtifactsError(f"unknown SRS kind {kind!r}: use 'dev' or 'ceremony'")
        path = dev_srs(self.logrows, self.progress, root=self.srs_root)
        return path, {"kind": kind, "logrows": self.logrows, "sha256": None, "source": "ezkl gen_srs"}

    def setup(self, srs_kind: str | None = None, write_vk: bool = False) -> Path:
        """The proving key in the cache; with `write_vk`, also (re)write the committed vk."""
        compiled = self.compile()
        srs, srs_record = self._srs(srs_kind)
        stamp = self.cache / "pk.key.src"
        src = sha256_file(compiled) + sha256_file(srs)
        if self.pk.exists() and stamp.exists() and stamp.read_text() == src and not write_vk:
            return self.pk
        if (srs_kind or self.srs_kind) == "dev":
            warn_dev_srs(self.progress)
        vk_out = self.vk if write_vk else self.cache / "vk.key"
        with stage(f"{self.name}: setup (logrows {self.logrows})", self.progress):
            if not ezkl.setup(str(compiled), str(vk_out), str(self.pk), srs_path=str(srs)):
                raise ProofError("ezkl.setup failed")
        if not write_vk and vk_out.read_bytes() != self.vk.read_bytes():
            raise ArtifactsError(
                f"{self.name}: the regenerated vk differs from the committed {self.vk}; the SRS or circuit "
                "changed since the artifacts were made (rerun the model's `build`)"
            )
        stamp.write_text(src)
        if write_vk:
            if srs_record["kind"] == "dev":  # the committed dev SRS files keep their historical record
                srs_record = {"kind": "dev", "logrows": self.logrows, "sha256": sha256_file(srs)}
            self.write_meta(srs={**srs_record, "warning": DEV_SRS_WARNING if srs_record["kind"] == "dev" else None})
        return self.pk

    def witness(self, latent: Sequence[float], workdir: Path) -> dict:
        """Run the circuit on a latent (a batch circuit: its N latents, concatenated in slot order): the witness,
        with the quantized public inputs and outputs."""
        workdir.mkdir(parents=True, exist_ok=True)
        data, wit = workdir / "input.json", workdir / "witness.json"
        data.write_text(json.dumps({"input_data": [list(map(float, latent))]}))
        with stage(f"{self.name}: gen_witness", self.progress):
            ezkl.gen_witness(str(data), str(self.compile()), str(wit))
        return json.loads(wit.read_text())

    def compile_graph(self, onnx: Path, compiled: Path) -> Path:
        """Compile another ONNX export of this circuit with its settings (a tree template's: the same graph with one
        tree's hashed parameters, so the committed vk still holds) into `compiled`."""
        with stage(f"{self.name}: compile_circuit", self.progress):
            if not ezkl.compile_circuit(str(onnx), str(compiled), str(self.settings)):
                raise ProofError("ezkl.compile_circuit failed")
        return compiled

    def witness_inputs(self, inputs: Sequence[Sequence[float]], workdir: Path, compiled: Path | None = None) -> dict:
        """Run a circuit of several inputs (each flattened) on them, with `compiled` or the committed circuit."""
        workdir.mkdir(parents=True, exist_ok=True)
        data, wit = workdir / "input.json", workdir / "witness.json"
        data.write_text(json.dumps({"input_data": [list(map(float, values)) for values in inputs]}))
        with stage(f"{self.name}: gen_witness", self.progress):
            ezkl.gen_witness(str(data), str(compiled or self.compile()), str(wit))
        return json.loads(wit.read_text())

    def prove(self, workdir: Path, compiled: Path | None = None) -> dict:
        """A proof of the witness in `workdir` (made with `compiled`, by default the committed circuit)."""
        self.setup()
        proof_path = workdir / "proof.json"
        with stage(f"{self.name}: prove", self.progress):
            if not ezkl.prove(
                str(workdir / "witness.json"),
                str(compiled or self.compiled),
                str(self.pk),
                str(proof_path),
                srs_path=str(self.srs()),
            ):
                raise ProofError("ezkl.prove failed")
        return json.loads(proof_path.read_text())

    def verify(self, proof_path: Path) -> bool:
        """Verify a proof off-chain against the committed vk."""
        with stage(f"{self.name}: verify", self.progress):
            return bool(ezkl.verify(str(proof_path), str(self.settings), str(self.vk), srs_path=str(self.srs())))

    def create_evm_verifier(self) -> Path:
        """Generate the Solidity verifier into contracts/verifiers/ under this model's unique name."""
        self.verifiers_root.mkdir(parents=True, exist_ok=True)
        tmp_sol, tmp_abi = self.cache / "Verifier.sol", self.cache / "Verifier.abi"
        self.cache.mkdir(parents=True, exist_ok=True)

        async def generate() -> bool:  # ezkl 23 must be awaited inside a running loop
            return await ezkl.create_evm_verifier(
                str(self.vk), str(self.settings), str(tmp_sol), str(tmp_abi), srs_path=str(self.srs())
            )

        with stage(f"{self.name}: create_evm_verifier", self.progress):
            if not asyncio.run(generate()):
                raise ProofError("ezkl.create_evm_verifier failed")
        source = tmp_sol.read_text()
        if "contract Halo2Verifier" not in source:
            raise ProofError("unexpected verifier source: no `contract Halo2Verifier`")
        header = (
            # The committed path, also when the build runs in a staging folder (`proofs.build` is atomic).
            f"// GENERATED by proofs.pipeline from {Path('proofs', 'artifacts', self.name, self.subdir)}/ (ezkl "
            f"{ezkl.__version__}); "
            "do not edit.\n"
            f"// SRS: {self.read_meta().get('srs', {}).get('kind', 'dev')}"
            " (a development SRS lets its maker forge proofs).\n"
        )
        source = source.replace("contract Halo2Verifier", f"contract {self.contract_name}", 1)
        source = re.sub(r"pragma solidity \^0\.8\.\d+;", "pragma solidity 0.8.20;", source, count=1)
        self.verifier_sol.write_text(header + source)
        return self.verifier_sol


@dataclass
class ProvenSample:
    """What a prover submits and a contract checks: prompt, aigcData, proof bytes (and the raw instances)."""

    prompt: bytes
    aigc: bytes
    proof: bytes
    instances: list[int]

    def to_json(self) -> dict:
        return {
            "prompt": "0x" + self.prompt.hex(),
            "aigcData": "0x" + self.aigc.hex(),
            "proof": "0x" + self.proof.hex(),
            "instances": [hex(i) for i in self.instances],
        }

    @classmethod
    def from_json(cls, data: dict) -> ProvenSample:
        return cls(
            prompt=bytes.fromhex(data["prompt"][2:]),
            aigc=bytes.fromhex(data["aigcData"][2:]),
            proof=bytes.fromhex(data["proof"][2:]),
            instances=[int(i, 16) for i in data["instances"]],
        )


def sample_from_proof(artifacts: ModelArtifacts, proof: dict) -> ProvenSample:
    """Turn ezkl's proof.json into the bytes the contracts take; checks the encoding round-trips."""
    instances = [felt_from_ezkl_hex(h) for h in proof["instances"][0]]
    encoding = artifacts.encoding()
    prompt, aigc = encoding.split_instances(instances)
    if encoding.instances(prompt, aigc) != instances:
        raise ProofError("the encoding does not round-trip the proof's instances")
    return ProvenSample(prompt=prompt, aigc=aigc, proof=bytes.fromhex(proof["hex_proof"][2:]), instances=instances)


def prove_latent(
    artifacts: ModelArtifacts, latent: Sequence[float], workdir: Path, verify: bool = True
) -> ProvenSample:
    """Quantize a latent to the prompt grid, prove it, verify it, and return the contract-ready sample."""
    encoding = artifacts.encoding()
    grid = encoding.dequantize_latent(encoding.quantize_latent(latent))  # the prompt bytes are the truth
    artifacts.witness(grid, workdir)
    proof = artifacts.prove(workdir)
    if verify and not artifacts.verify(workdir / "proof.json"):
        raise ProofError("ezkl rejected its own proof")
    sample = sample_from_proof(artifacts, proof)
    if sample.prompt != encoding.encode_prompt(encoding.quantize_latent(latent)):
        raise ProofError("the proven prompt differs from the requested one")
    return sample


@dataclass
class ProvenBatch:
    """What a prover submits for a batch: N prompts and their aigcData (slot order), one proof, the instances."""

    prompts: list[bytes]
    aigcs: list[bytes]
    proof: bytes
    instances: list[int]

    @property
    def batch(self) -> int:
        return len(self.prompts)

    @property
    def prompts_bytes(self) -> bytes:
        """The prompts concatenated in slot order, as `mintBatch` takes them."""
        return b"".join(self.prompts)

    @property
    def aigcs_bytes(self) -> bytes:
        """The aigcData concatenated in slot order, as `mintBatch` takes them."""
        return b"".join(self.aigcs)

    def to_json(self) -> dict:
        return {
            "prompts": ["0x" + p.hex() for p in self.prompts],
            "aigcDatas": ["0x" + a.hex() for a in self.aigcs],
            "proof": "0x" + self.proof.hex(),
            "instances": [hex(i) for i in self.instances],
        }

    @classmethod
    def from_json(cls, data: dict) -> ProvenBatch:
        return cls(
            prompts=[bytes.fromhex(p[2:]) for p in data["prompts"]],
            aigcs=[bytes.fromhex(a[2:]) for a in data["aigcDatas"]],
            proof=bytes.fromhex(data["proof"][2:]),
            instances=[int(i, 16) for i in data["instances"]],
        )


def witness_instances(witness: dict, encoding: Encoding) -> list[int]:
    """The public instances a witness commits to: its outputs (a packed prompt, then the image), or, in the old
    stage, its quantized inputs and then its one output."""
    public = [*witness["outputs"]] if encoding.packed_prompt else [witness["inputs"][0], witness["outputs"][0]]
    return [felt_from_ezkl_hex(h) for tensor in public for h in tensor]


def batch_from_proof(artifacts: ModelArtifacts, proof: dict) -> ProvenBatch:
    """A batch circuit's proof.json as the bytes `mintBatch` takes; checks the encoding round-trips per slot."""
    instances = [felt_from_ezkl_hex(h) for h in proof["instances"][0]]
    encoding = artifacts.encoding()
    slots = encoding.split_batch_instances(instances, artifacts.batch)
    if encoding.batch_instances(slots) != instances:
        raise ProofError("the encoding does not round-trip the batch proof's instances")
    return ProvenBatch(
        prompts=[p for p, _ in slots],
        aigcs=[a for _, a in slots],
        proof=bytes.fromhex(proof["hex_proof"][2:]),
        instances=instances,
    )


def prove_batch(
    artifacts: ModelArtifacts, latents: Sequence[Sequence[float]], workdir: Path, verify: bool = True
) -> ProvenBatch:
    """Prove a batch circuit on exactly `artifacts.batch` latents (slot order); returns the contract-ready batch."""
    if len(latents) != artifacts.batch:
        raise ProofError(f"{artifacts.contract_name} proves {artifacts.batch} prompts, got {len(latents)}")
    encoding = artifacts.encoding()
    grids = [encoding.dequantize_latent(encoding.quantize_latent(z)) for z in latents]
    artifacts.witness([x for grid in grids for x in grid], workdir)
    proof = artifacts.prove(workdir)
    if verify and not artifacts.verify(workdir / "proof.json"):
        raise ProofError("ezkl rejected its own batch proof")
    batch = batch_from_proof(artifacts, proof)
    if batch.prompts != [encoding.encode_prompt(encoding.quantize_latent(z)) for z in latents]:
        raise ProofError("the proven prompts differ from the requested ones")
    return batch


def committed_models(root: Path = ARTIFACTS_ROOT) -> list[str]:
    """Registered models whose artifacts, sample proof and generated verifier are all committed, in registry
    order (the test model first). The one answer to "which models can be deployed, proved and tested"."""
    found = []
    for name in registry.names():
        art = ModelArtifacts(name, root=root)
        needed = (art.onnx, art.settings, art.vk, art.meta, art.samples / "sample-0.json", art.verifier_sol)
        if all(path.exists() for path in needed):
            found.append(name)
    return found


def batch_artifacts_of(name: str, batch: int) -> ModelArtifacts:
    """The committed batch-`batch` circuit of a model; a clear error if the model has none."""
    art = artifacts_of(name).batch_circuit(batch)
    if batch not in registry.get(name).batch_sizes or not art.verifier_sol.exists() or not art.vk.exists():
        raise ArtifactsError(
            f"{name} has no committed batch-{batch} circuit (batch sizes: {registry.get(name).batch_sizes or 'none'})"
        )
    return art


def artifacts_of(name: str) -> ModelArtifacts:
    """The committed artifacts of a model; a clear error if the model is unknown or not built."""
    if name not in committed_models():
        registry.get(name)  # UnknownModelError for a name the registry does not know
        raise ArtifactsError(f"no committed artifacts for {name!r}: run `python -m proofs build {name}`")
    return ModelArtifacts(name)
