"""The artifacts of a model: its files, what they record, its commitment, and which models are committed.

Committed, per model (``proofs/artifacts/<name>/``): ``network.onnx``, ``settings.json``, ``vk.key``,
``meta.json`` and ``samples/``; the generated verifier goes to ``contracts/verifiers/<Contract>.sol``. A model's
batch circuits (one proof for N prompts, `ModelSpec.batch_sizes`) have the same files under ``batch-<N>/`` and
their own verifier, ``<Name>Batch<N>Verifier.sol``. Regenerated on demand into the gitignored cache
(``.cache/zkaigc/<name>/``): ``network.compiled``, ``pk.key`` and per-run witnesses and proofs.

A tree template (`models.trees.TreeTemplate`, the registry's other kind) has the same layout, without samples
(every sale proves a new tree).

`ModelArtifacts` is the layout (every ezkl stage, `proofs.stages`, is one of its methods) and reads its files
afresh each time, since a build rewrites them. `CommittedModel`, what `artifacts_of` gives, is a committed model of
either kind as its readers hold it: its registry entry, and each file parsed once.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from models import registry
from models.registry import Entry, ModelSpec
from models.trees import TreeTemplate

from .encoding import Encoding
from .errors import ArtifactsError
from .files import ARTIFACTS_ROOT, CACHE_ROOT, SRS_ROOT, VERIFIERS_ROOT, sha256_file
from .progress import Progress, log
from .stages import CircuitStages


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


@dataclass
class ModelArtifacts(CircuitStages):
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
        meta = {**self.read_meta(), **updates}
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
            batch_sizes = registry.batch_sizes(self.name)
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

    @property
    def committed(self) -> bool:
        """Whether the files a deployment needs are all there: artifacts, generated verifier and, but for a tree
        template (every sale proves a new tree), a sample proof."""
        needed = [self.onnx, self.settings, self.vk, self.meta, self.verifier_sol]
        if self.name not in registry.names(TreeTemplate):
            needed.append(self.samples / "sample-0.json")
        return all(path.exists() for path in needed)


@dataclass
class CommittedModel(ModelArtifacts):
    """A committed model (or tree template) as its readers hold it: its registry entry, and settings.json, meta.json
    and the encoding each parsed once (committed files do not change under a reader; a build writes through a plain
    `ModelArtifacts`, and the handle's own writes drop what it parsed)."""

    @cached_property
    def spec(self) -> ModelSpec | TreeTemplate:
        """The model's registry entry (a `TreeTemplate` for a tree template)."""
        return registry.get(self.name, Entry)

    def circuits(self) -> list[CommittedModel]:
        """The single circuit, then each batch circuit of the registry's `batch_sizes`."""
        return [self.batch_circuit(n) for n in (1, *registry.batch_sizes(self.name))]

    def committed_batch(self, batch: int) -> CommittedModel:
        """The committed batch-`batch` circuit; a clear error if the model has none."""
        art, sizes = self.batch_circuit(batch), registry.batch_sizes(self.name)
        if batch not in sizes or not art.verifier_sol.exists() or not art.vk.exists():
            raise ArtifactsError(f"{self.name} has no committed batch-{batch} circuit (batch sizes: {sizes or 'none'})")
        return art

    @cached_property
    def _settings(self) -> dict[str, Any]:
        return super().load_settings()

    @cached_property
    def _meta(self) -> dict[str, Any]:
        return super().read_meta()

    @cached_property
    def _encoding(self) -> Encoding:
        return super().encoding()

    def load_settings(self) -> dict[str, Any]:
        return self._settings

    def read_meta(self) -> dict[str, Any]:
        return self._meta

    def encoding(self) -> Encoding:
        return self._encoding

    def gen_settings(self, *args: Any, **kwargs: Any) -> dict:
        self._forget()  # ezkl rewrites settings.json itself
        return super().gen_settings(*args, **kwargs)

    def write_settings(self, settings: dict[str, Any]) -> None:
        super().write_settings(settings)
        self._forget()

    def write_meta(self, **updates: Any) -> dict[str, Any]:
        meta = super().write_meta(**updates)
        self._forget()
        return meta

    def _forget(self) -> None:
        for parsed in ("_settings", "_meta", "_encoding"):
            self.__dict__.pop(parsed, None)


def committed_models(root: Path = ARTIFACTS_ROOT, kind: type = ModelSpec) -> list[str]:
    """Registered models of `kind` (default: the image models; `TreeTemplate`: the tree templates) whose committed
    files are all present (`ModelArtifacts.committed`), in registry order (the test model first). The one answer to
    "which models can be deployed, proved and tested"."""
    return [name for name in registry.names(kind) if ModelArtifacts(name, root=root).committed]


def artifacts_of(name: str) -> CommittedModel:
    """A committed model's (or tree template's) handle; a clear error if the name is unknown or not built."""
    model = CommittedModel(name)
    if name not in registry.names(Entry) or not model.committed:
        registry.get(name, Entry)  # UnknownModelError for a name the registry does not know
        build = "build-tree" if name in registry.names(TreeTemplate) else "build"
        raise ArtifactsError(f"no committed artifacts for {name!r}: run `python -m proofs {build} {name}`")
    return model
