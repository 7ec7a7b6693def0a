"""The ezkl (Halo2/KZG) stages of one circuit, in their natural order.

    settings -> compile -> srs -> setup -> witness -> prove -> verify -> evm verifier

`CircuitStages` holds them as methods of every `ModelArtifacts` (proofs/model_artifacts.py), whose files they read and
write: ``settings.json`` and ``vk.key`` are committed; the compiled circuit, the proving key (hundreds of MB) and
per-run witnesses and proofs are regenerated into the cache. `build_from_onnx` is what every build (an image model's
circuits, a tree template's) runs once its ONNX is exported: settings at the smallest logrows that fits
(`fit_settings`), setup, the verifier. Setup is deterministic given SRS and circuit, so the cache can always be
rebuilt and matches the committed vk. What a proof decodes to is `proofs.proven`.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import ezkl

from models.circuit import CircuitConfig

from .errors import ArtifactsError, ProofError
from .files import cache_lock, sha256_file
from .progress import stage
from .srs import DEV_SRS_WARNING, ceremony_srs, dev_srs, install_srs_file, warn_dev_srs

#: Rows halo2 reserves at the bottom of every column (blinding factors and the last-row marker), with margin.
RESERVED_ROWS = 16


def fitting_logrows(settings: dict) -> int:
    """The smallest logrows that holds the circuit's rows and its range-check and lookup tables."""
    ra = settings["run_args"]
    lo, hi = ra["lookup_range"]
    need = max(
        int(settings["num_rows"]), int(ra["decomp_base"]), hi - lo + 1 if settings.get("required_lookups") else 0
    )
    return max(6, math.ceil(math.log2(need + RESERVED_ROWS)))


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


class CircuitStages:
    """The ezkl stages over one circuit's files; mixed into `ModelArtifacts`, whose paths and metadata they use."""

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

    def fit_settings(self, config: CircuitConfig) -> dict:
        """settings.json at `config.logrows`, or, if None, at the smallest logrows that holds the circuit
        (`fitting_logrows`; gen_settings' default is far too big)."""
        settings = self.gen_settings(config)
        if config.logrows is None:
            settings["run_args"]["logrows"] = fitting_logrows(settings)
            self.write_settings(settings)
            self.write_meta(logrows=settings["run_args"]["logrows"])
        return settings

    def build_from_onnx(self, config: CircuitConfig, srs_kind: str) -> dict:
        """A build's stages after the export: settings that fit (`fit_settings`), setup (writes the committed vk) and
        the generated verifier; meta.json records ezkl's version and the verifier's contract. Returns the settings."""
        settings = self.fit_settings(config)
        self.progress(f"{Path(self.name, self.subdir)}: {settings['num_rows']} rows -> logrows {self.logrows}")
        self.setup(srs_kind=srs_kind, write_vk=True)
        self.create_evm_verifier()
        self.write_meta(ezkl_version=ezkl.__version__, contract=self.contract_name)
        return settings

    def compile(self) -> Path:
        """The compiled circuit (regenerated into the cache when stale)."""
        stamp = self.cache / "network.compiled.src"
        src = sha256_file(self.onnx) + sha256_file(self.settings)
        with cache_lock(self.compiled):
            if self.compiled.exists() and stamp.exists() and stamp.read_text() == src:
                return self.compiled
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
        with cache_lock(self.pk):  # before the compiled circuit's lock, never after (compile takes only that one)
            return self._setup(srs_kind, write_vk)

    def _setup(self, srs_kind: str | None, write_vk: bool) -> Path:
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
        return self.witness_inputs([latent], workdir)

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
            # The committed path, also when the build runs in a staging folder (`proofs.build` is atomic). The
            # header's words are those every committed verifier carries (the stages were `proofs.pipeline` then):
            # a rebuild of unchanged artifacts gives the same file, byte for byte.
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
