"""The ezkl (Halo2/KZG) pipeline as a library: one artifact directory per model, stages in their natural order.

    settings -> compile -> srs -> setup -> witness -> prove -> verify -> evm verifier -> calldata

Committed, per model (``proofs/artifacts/<name>/``): ``network.onnx``, ``settings.json``, ``vk.key``,
``meta.json`` and ``samples/``; the generated verifier goes to ``contracts/verifiers/<Contract>.sol``.
Regenerated on demand into the gitignored cache (``.cache/zkaigc/<name>/``): ``network.compiled``,
``pk.key`` (hundreds of MB) and per-run witnesses/proofs. Setup is deterministic given SRS and circuit, so
the cache can always be rebuilt and matches the committed vk.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import ezkl

from .encoding import Encoding, felt_from_ezkl_hex

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_ROOT = REPO_ROOT / "proofs" / "artifacts"
SRS_ROOT = REPO_ROOT / "proofs" / "srs"
VERIFIERS_ROOT = REPO_ROOT / "contracts" / "verifiers"
CACHE_ROOT = Path(os.environ.get("ZKAIGC_CACHE", REPO_ROOT / ".cache" / "zkaigc"))

#: Git rejects files over 32 MB here; larger SRS files are committed in parts of this size.
SRS_PART_BYTES = 30 * 1024 * 1024

DEV_SRS_WARNING = (
    "WARNING: DEVELOPMENT SRS. This KZG setup was generated locally by `ezkl.gen_srs`; whoever generated it "
    "knows its toxic waste and can FORGE PROOFS for any statement. Fine for tests and local demos, never "
    "for value on a public network: use the ceremony SRS (`--srs ceremony`, needs internet)."
)

Progress = Callable[[str], None]


def log(message: str) -> None:
    """Default progress sink: one line on stderr."""
    print(f"[zkaigc] {message}", file=sys.stderr, flush=True)


@contextmanager
def stage(name: str, progress: Progress = log) -> Iterator[dict]:
    """Announce a stage, time it, and report how long it took."""
    progress(f"{name} ...")
    timing: dict[str, float] = {}
    start = time.perf_counter()
    yield timing
    timing["seconds"] = time.perf_counter() - start
    progress(f"{name} done in {timing['seconds']:.1f}s")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class CircuitConfig:
    """The settings choices that decide circuit size and proving time (see docs/design-space.md)."""

    input_scale: int = 5  # int8 latents: q/32 covers [-4, 4)
    param_scale: int = 5  # int8-representable weights after QAT
    num_inner_cols: int = 2
    lookup_range: tuple[int, int] = (-1024, 1024)
    decomp_base: int = 1024  # range checks decompose into legs of this base: table size = base
    decomp_legs: int = 3
    logrows: int | None = None  # None: the smallest that fits, as ezkl computes it
    input_visibility: str = "public"
    output_visibility: str = "public"
    param_visibility: str = "fixed"
    # The contracts decode public inputs/outputs from int8/int16 bytes, so they are in range by construction;
    # skipping ezkl's own range checks on them saves ~20 cells per output value.
    ignore_range_check_inputs_outputs: bool = False

    def run_args(self) -> "ezkl.PyRunArgs":
        """This config as ezkl's PyRunArgs."""
        ra = ezkl.PyRunArgs()
        ra.input_scale = self.input_scale
        ra.param_scale = self.param_scale
        ra.num_inner_cols = self.num_inner_cols
        ra.lookup_range = tuple(self.lookup_range)
        ra.decomp_base = self.decomp_base
        ra.decomp_legs = self.decomp_legs
        ra.input_visibility = self.input_visibility
        ra.output_visibility = self.output_visibility
        ra.param_visibility = self.param_visibility
        ra.ignore_range_check_inputs_outputs = self.ignore_range_check_inputs_outputs
        if self.logrows is not None:
            ra.logrows = self.logrows
        return ra


# --------------------------------------------------------------------------------------------------------
# SRS
# --------------------------------------------------------------------------------------------------------
def dev_srs_parts(logrows: int, root: Path = SRS_ROOT) -> list[Path]:
    """The committed parts of the development SRS for `logrows`, in order (empty if none)."""
    whole = root / f"dev-k{logrows}.srs"
    if whole.exists():
        return [whole]
    return sorted(root.glob(f"dev-k{logrows}.srs.part*"), key=lambda p: int(p.suffix.removeprefix(".part")))


def dev_srs(logrows: int, progress: Progress = log, root: Path = SRS_ROOT, create: bool = True) -> Path:
    """A development SRS of exactly `logrows`: the committed one, or a new one (committed in ≤30 MB parts)."""
    cached = root / ".assembled" / f"dev-k{logrows}.srs" if root != SRS_ROOT else CACHE_ROOT / "srs" / f"dev-k{logrows}.srs"
    parts = dev_srs_parts(logrows, root)
    if parts:
        if len(parts) == 1:
            return parts[0]
        if not cached.exists() or cached.stat().st_size != sum(p.stat().st_size for p in parts):
            cached.parent.mkdir(parents=True, exist_ok=True)
            with open(cached.with_suffix(".tmp"), "wb") as out:
                for part in parts:
                    out.write(part.read_bytes())
            cached.with_suffix(".tmp").replace(cached)
        return cached
    if not create:
        raise FileNotFoundError(f"no development SRS for logrows {logrows} under {root}")
    progress(DEV_SRS_WARNING)
    root.mkdir(parents=True, exist_ok=True)
    with stage(f"gen_srs (development, logrows {logrows})", progress):
        cached.parent.mkdir(parents=True, exist_ok=True)
        ezkl.gen_srs(str(cached), logrows)
    data = cached.read_bytes()
    if len(data) <= SRS_PART_BYTES:
        (root / f"dev-k{logrows}.srs").write_bytes(data)
        return root / f"dev-k{logrows}.srs"
    for i in range(0, len(data), SRS_PART_BYTES):
        (root / f"dev-k{logrows}.srs.part{i // SRS_PART_BYTES}").write_bytes(data[i : i + SRS_PART_BYTES])
    return cached


def ceremony_srs(settings_path: Path, logrows: int, progress: Progress = log) -> Path:
    """The public ceremony SRS (needs internet): the production path."""
    dest = CACHE_ROOT / "srs" / f"ceremony-k{logrows}.srs"
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        with stage(f"get_srs (public ceremony, logrows {logrows})", progress):
            result = ezkl.get_srs(settings_path=str(settings_path), logrows=logrows, srs_path=str(dest))
            if asyncio.iscoroutine(result):
                result = asyncio.run(result)
            if not result or not dest.exists():
                raise RuntimeError("could not download the ceremony SRS (offline?); use --srs dev for local work")
    return dest


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

    # committed
    @property
    def dir(self) -> Path:
        return self.root / self.name

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
        return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", self.name) if p) + "Verifier"

    @property
    def verifier_sol(self) -> Path:
        return self.verifiers_root / f"{self.contract_name}.sol"

    # regenerated
    @property
    def cache(self) -> Path:
        return self.cache_root / self.name

    @property
    def compiled(self) -> Path:
        return self.cache / "network.compiled"

    @property
    def pk(self) -> Path:
        return self.cache / "pk.key"

    # --- metadata ----------------------------------------------------------------------------------
    def load_settings(self) -> dict[str, Any]:
        return json.loads(self.settings.read_text())

    @property
    def logrows(self) -> int:
        return int(self.load_settings()["run_args"]["logrows"])

    def encoding(self) -> Encoding:
        """The prompt/aigcData encoding this circuit's public instances follow."""
        s = self.load_settings()
        shapes = s["model_instance_shapes"]
        if len(shapes) != 2 or len(s["model_input_scales"]) != 1 or len(s["model_output_scales"]) != 1:
            raise ValueError(f"{self.name}: expected one public input and one public output, got {shapes}")
        size = lambda shape: int(__import__("math").prod(shape))  # noqa: E731
        return Encoding(
            input_len=size(shapes[0]),
            output_len=size(shapes[1]),
            input_scale=int(s["model_input_scales"][0]),
            output_scale=int(s["model_output_scales"][0]),
        )

    def output_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of the circuit's public output (leading unit dimensions dropped, padded to three)."""
        shape = self.load_settings()["model_instance_shapes"][1]
        shape = [d for d in shape if d != 1][-3:] if len(shape) > 3 else shape
        while len(shape) < 3:
            shape = [1, *shape]
        return tuple(int(d) for d in shape[-3:])

    def encoding_struct(self) -> tuple[int, int, int, int, int, int, int]:
        """The contracts' `ModelEncoding`: (inputLen, outputLen, inputScale, outputScale, width, height, channels)."""
        enc = self.encoding()
        channels, height, width = self.output_shape()
        return (enc.input_len, enc.output_len, enc.input_scale, enc.output_scale, width, height, channels)

    def read_meta(self) -> dict[str, Any]:
        return json.loads(self.meta.read_text()) if self.meta.exists() else {}

    def write_meta(self, **updates: Any) -> dict[str, Any]:
        meta = self.read_meta()
        meta.update(updates)
        self.meta.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        return meta

    def model_hash(self) -> str:
        """sha256 over the sha256 of the ONNX, settings and vk: the model commitment a collection stores."""
        digest = hashlib.sha256()
        for path in (self.onnx, self.settings, self.vk):
            digest.update(bytes.fromhex(sha256_file(path)))
        return "0x" + digest.hexdigest()

    # --- stages --------------------------------------------------------------------------------------
    def gen_settings(self, config: CircuitConfig, calibration: list[list[float]] | None = None) -> dict:
        """settings.json from the ONNX and the config; optionally calibrated on sample latents."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with stage(f"{self.name}: gen_settings", self.progress):
            if not ezkl.gen_settings(str(self.onnx), str(self.settings), py_run_args=config.run_args()):
                raise RuntimeError("ezkl.gen_settings failed")
            if calibration is not None:
                self.calibration_data.write_text(json.dumps({"input_data": calibration}))
                # Calibrate only the lookup range: the scales are fixed by quantization-aware training.
                ezkl.calibrate_settings(
                    str(self.calibration_data), str(self.onnx), str(self.settings), "resources",
                    scales=[config.input_scale],
                )
            if config.logrows is not None:
                settings = self.load_settings()
                settings["run_args"]["logrows"] = max(config.logrows, settings["run_args"]["logrows"])
                self.settings.write_text(json.dumps(settings))
        settings = self.load_settings()
        self.write_meta(config=asdict(config), logrows=settings["run_args"]["logrows"],
                        num_rows=settings.get("num_rows"))
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
                raise RuntimeError("ezkl.compile_circuit failed")
        stamp.write_text(src)
        return self.compiled

    def srs(self, kind: str | None = None) -> Path:
        """The SRS this model uses: `dev` (committed, insecure) or `ceremony` (downloaded)."""
        kind = kind or self.read_meta().get("srs", {}).get("kind", "dev")
        if kind == "ceremony":
            return ceremony_srs(self.settings, self.logrows, self.progress)
        if kind != "dev":
            raise ValueError(f"unknown SRS kind {kind!r}: use 'dev' or 'ceremony'")
        return dev_srs(self.logrows, self.progress, root=self.srs_root)

    def setup(self, srs_kind: str | None = None, write_vk: bool = False) -> Path:
        """The proving key in the cache; with `write_vk`, also (re)write the committed vk."""
        compiled = self.compile()
        srs = self.srs(srs_kind)
        stamp = self.cache / "pk.key.src"
        src = sha256_file(compiled) + sha256_file(srs)
        if self.pk.exists() and stamp.exists() and stamp.read_text() == src and not write_vk:
            return self.pk
        if srs_kind == "dev" or (srs_kind is None and self.read_meta().get("srs", {}).get("kind", "dev") == "dev"):
            self.progress(DEV_SRS_WARNING)
        vk_out = self.vk if write_vk else self.cache / "vk.key"
        with stage(f"{self.name}: setup (logrows {self.logrows})", self.progress):
            if not ezkl.setup(str(compiled), str(vk_out), str(self.pk), srs_path=str(srs)):
                raise RuntimeError("ezkl.setup failed")
        if not write_vk and vk_out.read_bytes() != self.vk.read_bytes():
            raise RuntimeError(
                f"{self.name}: the regenerated vk differs from the committed {self.vk}; the SRS or circuit "
                "changed since the artifacts were made (rerun the model's `build`)"
            )
        stamp.write_text(src)
        if write_vk:
            kind = srs_kind or "dev"
            self.write_meta(srs={"kind": kind, "logrows": self.logrows, "sha256": sha256_file(srs),
                                 "warning": DEV_SRS_WARNING if kind == "dev" else None})
        return self.pk

    def witness(self, latent: Sequence[float], workdir: Path) -> dict:
        """Run the circuit on a latent: the witness, with the quantized public inputs and outputs."""
        workdir.mkdir(parents=True, exist_ok=True)
        data, wit = workdir / "input.json", workdir / "witness.json"
        data.write_text(json.dumps({"input_data": [list(map(float, latent))]}))
        with stage(f"{self.name}: gen_witness", self.progress):
            ezkl.gen_witness(str(data), str(self.compile()), str(wit))
        return json.loads(wit.read_text())

    def prove(self, workdir: Path) -> dict:
        """A proof of the witness in `workdir`."""
        self.setup()
        proof_path = workdir / "proof.json"
        with stage(f"{self.name}: prove", self.progress):
            if not ezkl.prove(str(workdir / "witness.json"), str(self.compiled), str(self.pk),
                              str(proof_path), srs_path=str(self.srs())):
                raise RuntimeError("ezkl.prove failed")
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
            return await ezkl.create_evm_verifier(str(self.vk), str(self.settings), str(tmp_sol),
                                                  str(tmp_abi), srs_path=str(self.srs()))

        with stage(f"{self.name}: create_evm_verifier", self.progress):
            if not asyncio.run(generate()):
                raise RuntimeError("ezkl.create_evm_verifier failed")
        source = tmp_sol.read_text()
        if "contract Halo2Verifier" not in source:
            raise RuntimeError("unexpected verifier source: no `contract Halo2Verifier`")
        header = (
            f"// GENERATED by proofs.pipeline from proofs/artifacts/{self.name}/ (ezkl {ezkl.__version__}); "
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
        return {"prompt": "0x" + self.prompt.hex(), "aigcData": "0x" + self.aigc.hex(),
                "proof": "0x" + self.proof.hex(), "instances": [hex(i) for i in self.instances]}

    @classmethod
    def from_json(cls, data: dict) -> "ProvenSample":
        return cls(prompt=bytes.fromhex(data["prompt"][2:]), aigc=bytes.fromhex(data["aigcData"][2:]),
                   proof=bytes.fromhex(data["proof"][2:]), instances=[int(i, 16) for i in data["instances"]])


def sample_from_proof(artifacts: ModelArtifacts, proof: dict) -> ProvenSample:
    """Turn ezkl's proof.json into the bytes the contracts take; checks the encoding round-trips."""
    instances = [felt_from_ezkl_hex(h) for h in proof["instances"][0]]
    encoding = artifacts.encoding()
    prompt, aigc = encoding.split_instances(instances)
    if encoding.instances(prompt, aigc) != instances:
        raise AssertionError("encoding does not round-trip the proof's instances")
    return ProvenSample(prompt=prompt, aigc=aigc, proof=bytes.fromhex(proof["hex_proof"][2:]), instances=instances)


def prove_latent(artifacts: ModelArtifacts, latent: Sequence[float], workdir: Path, verify: bool = True) -> ProvenSample:
    """Quantize a latent to the prompt grid, prove it, verify it, and return the contract-ready sample."""
    encoding = artifacts.encoding()
    grid = encoding.dequantize_latent(encoding.quantize_latent(latent))  # the prompt bytes are the truth
    artifacts.witness(grid, workdir)
    proof = artifacts.prove(workdir)
    if verify and not artifacts.verify(workdir / "proof.json"):
        raise RuntimeError("ezkl rejected its own proof")
    sample = sample_from_proof(artifacts, proof)
    if sample.prompt != encoding.encode_prompt(encoding.quantize_latent(latent)):
        raise AssertionError("the proven prompt differs from the requested one")
    return sample
