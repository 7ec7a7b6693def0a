"""Building a registered model's artifacts, and proving prompts with committed ones (what the CLI runs).

`build` exports the decoder, fixes the circuit's settings at the smallest logrows that fits, runs setup (the vk
is committed), generates the Solidity verifier (`build_from_onnx`, the stages every build shares) and proves sample
fixtures; then the same for each of the model's batch circuits (`ModelSpec.batch_sizes`), whose sample proves that
every slot equals the single circuit's output for that slot's prompt. A tree template's build (`proofs.trees.build`)
goes through the same `build`. `prove_prompt` proves one prompt and checks that the proof's public instances decode
back to it.

Builds are atomic (`staged`): everything is written into a staging copy in the cache and moved into
``proofs/artifacts/<name>/`` and ``contracts/verifiers/`` only once the whole build succeeded, so a failed build
(no network for the ceremony SRS, a bad SRS file, an interrupt) leaves the committed files byte-identical.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from models import registry
from models.circuit import CircuitConfig
from models.model import export_decoder_onnx, load_model, sigmoid_input_range
from models.trees import TreeTemplate

from .encoding import DIGIT_WIDTHS, Encoding
from .errors import ProofError
from .files import ARTIFACTS_ROOT, CACHE_ROOT, VERIFIERS_ROOT
from .model_artifacts import ModelArtifacts, artifacts_of
from .progress import log, stage
from .prompts import latent_of, random_prompt
from .proven import ProvenBatch, ProvenSample, prove_batch, prove_latent, witness_instances
from .render import render_png
from .srs import warn_dev_srs
from .trees import build as build_tree


def fidelity(name: str, latent: Sequence[float], sample: ProvenSample, encoding: Encoding) -> dict:
    """How far the proven art grid is from the PyTorch model on the same latent, in 1/255 units.

    `max_abs_diff`: the proven value q / 2^output_scale against the model's (clamped) output. `max_pixel_diff`:
    the rendered pixel q·255//127 against the model's output drawn the same way without rounding, y·2^s·255/127.
    """
    import torch

    model, _ = load_model(name)
    z = torch.tensor([list(latent)], dtype=torch.float32)  # (1, latent_dim)
    digits = torch.tensor(encoding.decode_aigc(sample.aigc), dtype=torch.float64)
    proven = digits / 2**encoding.output_scale
    pixels = torch.tensor(encoding.pixels(sample.aigc), dtype=torch.float64)
    out = {}
    with torch.no_grad():
        for label, quant in (("int8_model", True), ("float_eval", False)):
            model.set_quant(quant)
            ref = model.decoder.art(z).flatten().double()
            out[f"max_abs_diff_vs_{label}_255"] = round(float((proven - ref).abs().max()) * 255, 3)
            ref_pixels = ref * 2**encoding.output_scale * 255 / encoding.digit_max
            out[f"max_pixel_diff_vs_{label}_255"] = round(float((pixels - ref_pixels).abs().max()), 3)
    model.set_quant(True)
    return out


def staged(
    name: str,
    make: Callable[[dict[str, Path]], ModelArtifacts],
    root: Path = ARTIFACTS_ROOT,
    verifiers_root: Path = VERIFIERS_ROOT,
) -> ModelArtifacts:
    """Run `make(roots)` on a staging copy of `root/name` and move its files into place only if it succeeds.

    `make` gets the staging `root` and `verifiers_root` to build into. On success the model's folder is swapped in
    whole and each generated verifier replaces its committed file; on any failure the staging copy is deleted and
    nothing under `root` or `verifiers_root` has changed. Returns the artifacts at their committed place.
    """
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"build-{name}-", dir=CACHE_ROOT))
    roots = {"root": staging / "artifacts", "verifiers_root": staging / "verifiers"}
    try:
        roots["root"].mkdir()
        if (root / name).exists():  # start from the committed files: a build updates meta.json, never drops keys
            shutil.copytree(root / name, roots["root"] / name)
        art = make(roots)
        dest, old = root / name, root / f".{name}.replaced"
        root.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(old, ignore_errors=True)
        if dest.exists():
            os.replace(dest, old)
        shutil.move(roots["root"] / name, dest)
        shutil.rmtree(old, ignore_errors=True)
        verifiers_root.mkdir(parents=True, exist_ok=True)
        for sol in sorted(roots["verifiers_root"].glob("*.sol")):
            tmp = verifiers_root / f".{sol.name}.tmp"
            shutil.copyfile(sol, tmp)
            os.replace(tmp, verifiers_root / sol.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return replace(art, root=root, verifiers_root=verifiers_root)


def build(
    name: str,
    srs_kind: str = "dev",
    samples: int = 1,
    batch_sizes: Sequence[int] | None = None,
    srs_file: Path | None = None,
    root: Path = ARTIFACTS_ROOT,
    verifiers_root: Path = VERIFIERS_ROOT,
    cache_root: Path = CACHE_ROOT,
    **overrides,
) -> ModelArtifacts:
    """Export, settings, setup (writes vk), verifier and sample fixtures for a trained, registered model, then for
    each of its batch circuits (`batch_sizes`, default the registry's); atomically (`staged`). A tree template's
    name builds the template (`proofs.trees.build`: no samples, no batch circuits), as atomically.

    `srs_file`: a ceremony SRS file obtained elsewhere (implies `srs_kind="ceremony"`); checked against each
    circuit's logrows, and its sha256 recorded in meta.json.
    """
    if srs_file is not None:
        srs_kind = "ceremony"

    def make(roots: dict[str, Path]) -> ModelArtifacts:
        roots = {**roots, "cache_root": cache_root}
        if name in registry.names(TreeTemplate):
            return build_tree(registry.get(name, TreeTemplate), srs_kind, srs_file=srs_file, **roots)
        return _build(name, srs_kind, samples, batch_sizes, srs_file, roots, overrides)

    art = staged(name, make, root=root, verifiers_root=verifiers_root)
    log(f"{name}: moved into place -> {art.dir}, {art.verifier_sol}")
    return art


def _build(name, srs_kind, samples, batch_sizes, srs_file, roots, overrides) -> ModelArtifacts:
    spec = registry.get(name)
    batch_sizes = spec.batch_sizes if batch_sizes is None else tuple(batch_sizes)
    art = ModelArtifacts(name, srs_file=srs_file, **roots)
    total = time.perf_counter()
    model, extra = load_model(name)
    if model.cfg.out_bits not in DIGIT_WIDTHS:
        raise ProofError(f"{name}: the encoding needs a model with out_bits 7 (clamp) or 8 (sigmoid)")
    build_circuit(art, model, replace(spec.circuit_for(model.cfg), **overrides), srs_kind)
    art.write_meta(
        model=name,
        checkpoint=f"models/checkpoints/{spec.checkpoint_name}.pt",
        derived=extra.get("changes"),
        model_config=dict(vars(model.cfg)),
        training_metrics=extra.get("metrics"),
        encoding=vars(art.encoding()),
        output_shape=list(art.output_shape()),
    )
    art.samples.mkdir(parents=True, exist_ok=True)
    fid, times = [], []
    for i in range(samples):
        started = time.perf_counter()
        sample, latent = prove_prompt(art, random_prompt(art.encoding(), seed=i), art.cache / "build" / str(i))
        times.append(time.perf_counter() - started)
        (art.samples / f"sample-{i}.json").write_text(json.dumps(sample.to_json(), indent=1) + "\n")
        render_png(art, sample.aigc, art.samples / f"sample-{i}.png")
        fid.append(fidelity(name, latent, sample, art.encoding()))
    # Witness, proof and verification of a sample on the building machine: the prover's expected proving time
    # (zkaigc.prover.plan) until it has timed proofs of its own.
    art.write_meta(sample_fidelity=fid, prove_s=round(max(times), 1) if times else None)
    for n in batch_sizes:
        build_batch(art.batch_circuit(n), model, replace(spec.circuit_for(model.cfg, n), **overrides), srs_kind)
    art.write_meta(batch_sizes=list(batch_sizes), model_hash=art.model_hash(batch_sizes))
    log(f"{name}: built in {time.perf_counter() - total:.1f}s")
    return art


def build_circuit(art: ModelArtifacts, model, config: CircuitConfig, srs_kind: str) -> None:
    """Export the decoder for `art.batch` latents and check its sigmoid's range, then `build_from_onnx`: settings at
    the smallest logrows, setup (writes the vk), its verifier."""
    name = art.name
    with stage(f"{name}: export decoder ONNX (batch {art.batch})"):
        export_decoder_onnx(model, art.onnx, config, batch=art.batch)
    art.write_meta(
        proven_shape=list(model.cfg.proven_shape),
        render=model.cfg.render,
        digit_bits=model.cfg.out_bits,
        input_len=model.cfg.latent_dim,  # a packed prompt's byte count is not in the instance shapes
    )
    bounds = sigmoid_input_range(model)
    if bounds is not None:
        lo, hi = bounds
        if not config.lookup_range[0] <= lo <= hi <= config.lookup_range[1]:
            raise ProofError(
                f"{name}: the sigmoid's inputs span {lo}..{hi} over the valid prompts, outside the lookup range "
                f"{tuple(config.lookup_range)}: some prompts would have no proof; widen it in the registry"
            )
        art.write_meta(sigmoid_input_range=[lo, hi])
    if model.cfg.kind == "traits":  # the prompt names one id per part kind (models/traits.py)
        from models.traits import prompt_space

        art.write_meta(prompt_space=prompt_space())
    art.build_from_onnx(config, srs_kind)
    if config.logrows is None:  # an image circuit's meta.json records its config at the logrows it was fitted to
        art.write_meta(config=asdict(replace(config, logrows=art.logrows)))


def build_batch(art: ModelArtifacts, model, config: CircuitConfig, srs_kind: str = "dev") -> ProvenBatch:
    """Build one batch circuit (`art.batch` prompts per proof) and prove its sample: prompts 0 … N−1 of the
    single circuit's seeds. Raises unless every slot equals the single circuit's output on that prompt alone."""
    if art.batch < 2:
        raise ProofError(f"{art.name}: a batch circuit proves at least 2 prompts, not {art.batch}")
    start = time.perf_counter()
    build_circuit(art, model, config, srs_kind)
    encoding = art.encoding()
    prompts = [random_prompt(encoding, seed=i) for i in range(art.batch)]
    batch = prove_batch(art, [latent_of(encoding, p) for p in prompts], art.cache / "build")
    check_slots(art, batch)
    art.samples.mkdir(parents=True, exist_ok=True)
    (art.samples / "sample-0.json").write_text(json.dumps(batch.to_json(), indent=1) + "\n")
    art.write_meta(
        model=art.name, batch=art.batch, encoding=vars(encoding), build_seconds=round(time.perf_counter() - start, 1)
    )
    return batch


def check_slots(art: ModelArtifacts, batch: ProvenBatch) -> None:
    """Raise unless each slot of a batch proof is, exactly, the single circuit's witness on that slot's prompt."""
    single = art.batch_circuit(1)
    encoding = single.encoding()
    for i, (prompt, aigc) in enumerate(zip(batch.prompts, batch.aigcs, strict=True)):
        grid = encoding.dequantize_latent(encoding.decode_prompt(prompt))
        alone = witness_instances(single.witness(grid, art.cache / "check" / str(i)), encoding)
        if encoding.instances(prompt, aigc) != alone:
            raise ProofError(f"{art.contract_name}: slot {i} differs from the single circuit's output on its prompt")


def prove_prompt(art: ModelArtifacts, prompt: bytes, workdir: Path) -> tuple[ProvenSample, list[float]]:
    """Prove the model on `prompt` and check the proof's instances decode back to the same prompt."""
    encoding = art.encoding()
    latent = latent_of(encoding, prompt)
    sample = prove_latent(art, latent, workdir)
    if sample.prompt != prompt:
        raise ProofError("the proof's public inputs decode to a different prompt")
    if encoding.instances(sample.prompt, sample.aigc) != sample.instances:
        raise ProofError("prompt/aigcData do not encode the proof's instances")
    return sample, latent


@dataclass
class ProveRun:
    """What `prove` wrote: the sample JSON and the image rendered from its aigcData."""

    sample: ProvenSample
    sample_json: Path
    image: Path
    seconds: float


def prove(name: str, prompt: bytes, out: Path | None = None) -> ProveRun:
    """Prove `prompt` with a committed model, check the instances round-trip, write sample JSON and PNG."""
    art = artifacts_of(name)
    if art.srs_kind == "dev":
        warn_dev_srs()
    encoding = art.encoding()
    encoding.decode_prompt(prompt)  # EncodingError with the expected length, before any work
    log(f"{name}: prompt 0x{prompt.hex()} ({encoding.input_len} latent values at scale 2^-{encoding.input_scale})")
    out = out or art.cache / "runs" / prompt.hex()[:16]
    start = time.perf_counter()
    sample, _ = prove_prompt(art, prompt, out)
    with stage(f"{name}: decode instances -> prompt/aigcData"):
        if encoding.split_instances(sample.instances) != (sample.prompt, sample.aigc):
            raise ProofError("the proof's instances do not decode to its prompt and aigcData")
    sample_json = out / "sample.json"
    sample_json.write_text(json.dumps(sample.to_json(), indent=1) + "\n")
    image = render_png(art, sample.aigc, out / "image.png")
    return ProveRun(sample, sample_json, image, time.perf_counter() - start)
