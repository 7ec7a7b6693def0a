"""The proofs CLI: build a model's ezkl artifacts, and prove a prompt with a committed model.

    python -m proofs build micro               # ONNX -> settings -> setup (vk) -> verifier -> sample fixtures
    python -m proofs prove pixel32 --seed 7    # prove a random prompt, verify, decode, write the PNG
    python -m proofs prove pixel32 --prompt 0x0102...

`build` uses the committed development SRS for the circuit's logrows (generating and committing one if none
exists). A development SRS is INSECURE (its maker can forge proofs); the CLI says so loudly and records the
kind in meta.json. `--srs ceremony` downloads the public ceremony SRS instead (needs internet).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from .encoding import Encoding
from .pipeline import DEV_SRS_WARNING, CircuitConfig, ModelArtifacts, ProvenSample, log, prove_latent, stage

#: Circuit settings per model (scales come from the checkpoint's QAT config). Why these values: see
#: docs/design-space.md. decomp_base·decomp_legs bound the range checks (ReLU signs, rescale remainders);
#: a small base keeps the range-check table, and with it logrows, small.
CIRCUITS: dict[str, CircuitConfig] = {
    "micro": CircuitConfig(num_inner_cols=4, decomp_base=128, decomp_legs=4, lookup_range=(-128, 128)),
    "pixel32": CircuitConfig(num_inner_cols=2, decomp_base=128, decomp_legs=4, lookup_range=(-128, 128),
                             ignore_range_check_inputs_outputs=True),
    "pixel64": CircuitConfig(num_inner_cols=2, decomp_base=128, decomp_legs=4, lookup_range=(-128, 128),
                             ignore_range_check_inputs_outputs=True),
    "pixel32art": CircuitConfig(num_inner_cols=2, decomp_base=128, decomp_legs=4, lookup_range=(-128, 128),
                                ignore_range_check_inputs_outputs=True),
}

#: Models built from another model's checkpoint with config changes. `pixel32art` is the pixel32 decoder
#: without its final nearest ×2 upsample: it proves the 16×16×3 art grid (768 public outputs instead of 3072)
#: and the renderer upscales. Same weights and same pixels; a quarter of the verifier's per-instance gas.
DERIVED: dict[str, tuple[str, dict]] = {"pixel32art": ("pixel32", {"render": 1, "image_size": 16})}


def load_model(name: str):
    """The trained model behind an artifact name (a checkpoint, or a DERIVED view of one) and its extras."""
    from models.model import AutoEncoder, load_checkpoint

    base, changes = DERIVED.get(name, (name, {}))
    model, extra = load_checkpoint(base)
    if not changes:
        return model, extra
    derived = AutoEncoder(replace(model.cfg, name=name, **changes))
    derived.decoder.load_state_dict(model.decoder.state_dict())  # the decoder's layers are unchanged
    derived.encoder = model.encoder  # still encodes the base model's images
    derived.set_quant(True)
    derived.eval()
    return derived, {**extra, "derived_from": base, "changes": changes}

#: Rows halo2 reserves at the bottom of every column (blinding factors and the last-row marker), with margin.
RESERVED_ROWS = 16


def circuit_config(name: str, act_bits: int, weight_bits: int, **overrides) -> CircuitConfig:
    """The circuit config of a model at its QAT scales (input_scale = act bits, param_scale = weight bits)."""
    base = CIRCUITS.get(name, CircuitConfig())
    return replace(base, input_scale=act_bits, param_scale=weight_bits, **overrides)


def fitting_logrows(settings: dict) -> int:
    """The smallest logrows that holds the circuit's rows and its range-check and lookup tables."""
    ra = settings["run_args"]
    lo, hi = ra["lookup_range"]
    need = max(int(settings["num_rows"]), int(ra["decomp_base"]), hi - lo + 1 if settings.get("required_lookups") else 0)
    return max(6, math.ceil(math.log2(need + RESERVED_ROWS)))


def output_shape(art: ModelArtifacts) -> tuple[int, int, int]:
    """(C, H, W) of the circuit's public output."""
    return art.output_shape()


def render_png(art: ModelArtifacts, aigc: bytes, path: Path, min_side: int = 256) -> Path:
    """aigcData -> PNG (pixels per docs/encoding.md; small images enlarged with nearest neighbour)."""
    import numpy as np
    from PIL import Image

    c, h, w = output_shape(art)
    pixels = np.array(art.encoding().pixels(aigc), dtype=np.uint8).reshape(c, h, w)  # C×H×W row-major
    img = np.repeat(pixels, 3, axis=0) if c == 1 else pixels
    scale = max(1, min_side // max(h, w))
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(img.transpose(1, 2, 0)).resize((w * scale, h * scale), Image.NEAREST).save(path)
    return path


def random_prompt(encoding: Encoding, seed: int | None) -> bytes:
    """A prompt of uniformly random bytes (seeded, or from the OS when seed is None)."""
    if seed is None:
        return secrets.token_bytes(encoding.prompt_len)
    import random

    return random.Random(seed).randbytes(encoding.prompt_len)


def latent_of(encoding: Encoding, prompt: bytes) -> list[float]:
    """The latent a prompt stands for."""
    return encoding.dequantize_latent(encoding.decode_prompt(prompt))


def fidelity(name: str, latent: Sequence[float], sample: ProvenSample, encoding: Encoding) -> dict:
    """How far the proven output is from the PyTorch model on the same latent, in 1/255 units."""
    import torch

    model, _ = load_model(name)
    z = torch.tensor([list(latent)], dtype=torch.float32)
    proven = torch.tensor(encoding.decode_aigc(sample.aigc), dtype=torch.float64) / 2**encoding.output_scale
    out = {}
    with torch.no_grad():
        for label, quant in (("int8_model", True), ("float_eval", False)):
            model.set_quant(quant)
            ref = model.decoder(z).flatten().double()
            out[f"max_abs_diff_vs_{label}_255"] = round(float((proven - ref).abs().max()) * 255, 3)
            out[f"max_pixel_diff_vs_{label}_255"] = round(
                float((proven.clamp(0, 1) - ref.clamp(0, 1)).abs().max()) * 255, 3)
    model.set_quant(True)
    return out


def build(name: str, srs_kind: str = "dev", samples: int = 1, **overrides) -> ModelArtifacts:
    """Export, settings, setup (writes vk), verifier and sample fixtures for a trained model."""
    import ezkl

    from models.model import export_decoder_onnx

    art = ModelArtifacts(name)
    total = time.perf_counter()
    model, extra = load_model(name)
    with stage(f"{name}: export decoder ONNX"):
        export_decoder_onnx(model, art.onnx)
    config = circuit_config(name, model.cfg.act_bits, model.cfg.weight_bits, **overrides)
    settings = art.gen_settings(config)
    if config.logrows is None:  # gen_settings' default logrows is far too big: shrink to what fits
        art.gen_settings(replace(config, logrows=fitting_logrows(settings)))
        settings = art.load_settings()
        settings["run_args"]["logrows"] = fitting_logrows(settings)
        art.settings.write_text(json.dumps(settings))
        art.write_meta(logrows=art.logrows)
    log(f"{name}: {settings['num_rows']} rows -> logrows {art.logrows}")
    if srs_kind == "dev":
        log(DEV_SRS_WARNING)
    art.setup(srs_kind=srs_kind, write_vk=True)
    art.create_evm_verifier()
    art.write_meta(
        model=name,
        ezkl_version=ezkl.__version__,
        checkpoint=f"models/checkpoints/{DERIVED.get(name, (name,))[0]}.pt",
        derived=extra.get("changes"),
        model_config={k: v for k, v in vars(model.cfg).items()},
        training_metrics=extra.get("metrics"),
        encoding=vars(art.encoding()),
        output_shape=list(output_shape(art)),
        contract=art.contract_name,
    )
    art.samples.mkdir(parents=True, exist_ok=True)
    fid = []
    for i in range(samples):
        sample, latent = prove_prompt(art, random_prompt(art.encoding(), seed=i), art.cache / "build" / str(i))
        (art.samples / f"sample-{i}.json").write_text(json.dumps(sample.to_json(), indent=1) + "\n")
        render_png(art, sample.aigc, art.samples / f"sample-{i}.png")
        fid.append(fidelity(name, latent, sample, art.encoding()))
    art.write_meta(sample_fidelity=fid, model_hash=art.model_hash())
    log(f"{name}: built in {time.perf_counter() - total:.1f}s -> {art.dir}, {art.verifier_sol}")
    return art


def prove_prompt(art: ModelArtifacts, prompt: bytes, workdir: Path) -> tuple[ProvenSample, list[float]]:
    """Prove the model on `prompt` and check the proof's instances decode back to the same prompt."""
    encoding = art.encoding()
    latent = latent_of(encoding, prompt)
    sample = prove_latent(art, latent, workdir)
    if sample.prompt != prompt:
        raise AssertionError("the proof's public inputs decode to a different prompt")
    if encoding.instances(sample.prompt, sample.aigc) != sample.instances:
        raise AssertionError("prompt/aigcData do not encode the proof's instances")
    return sample, latent


def prove(name: str, seed: int | None = None, prompt_hex: str | None = None, out: Path | None = None) -> ProvenSample:
    """Prove a prompt (random or given) with a committed model; writes sample JSON and PNG under `out`."""
    art = ModelArtifacts(name)
    if not art.vk.exists():
        raise SystemExit(f"no committed artifacts for {name!r} under {art.dir}: run `python -m proofs build {name}`")
    if art.read_meta().get("srs", {}).get("kind", "dev") == "dev":
        log(DEV_SRS_WARNING)
    encoding = art.encoding()
    try:
        prompt = bytes.fromhex(prompt_hex.removeprefix("0x")) if prompt_hex else random_prompt(encoding, seed)
        encoding.decode_prompt(prompt)  # length check with a clear error
    except ValueError as e:  # EncodingError is a ValueError, as is bad hex
        raise SystemExit(f"bad --prompt: {e}") from None
    log(f"{name}: prompt 0x{prompt.hex()} ({encoding.input_len} latent values at scale 2^-{encoding.input_scale})")
    out = out or art.cache / "runs" / prompt.hex()[:16]
    total = time.perf_counter()
    sample, _ = prove_prompt(art, prompt, out)
    with stage(f"{name}: decode instances -> prompt/aigcData"):
        back_prompt, back_aigc = encoding.split_instances(sample.instances)
        assert (back_prompt, back_aigc) == (sample.prompt, sample.aigc)
    (out / "sample.json").write_text(json.dumps(sample.to_json(), indent=1) + "\n")
    png = render_png(art, sample.aigc, out / "image.png")
    log(f"{name}: proof verified; {len(sample.proof)} proof bytes, {len(sample.aigc)} aigcData bytes; "
        f"total {time.perf_counter() - total:.1f}s")
    print(json.dumps({"prompt": "0x" + sample.prompt.hex(), "aigcData_bytes": len(sample.aigc),
                      "proof_bytes": len(sample.proof), "sample": str(out / "sample.json"), "image": str(png)},
                     indent=1))
    return sample


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m proofs`."""
    p = argparse.ArgumentParser(prog="python -m proofs", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="export, settings, setup, verifier and sample fixtures for a model")
    b.add_argument("model")
    b.add_argument("--srs", choices=["dev", "ceremony"], default="dev",
                   help="dev: committed local SRS (INSECURE, anyone who made it can forge); ceremony: download")
    b.add_argument("--samples", type=int, default=1, help="sample fixtures to prove (default 1)")
    r = sub.add_parser("prove", help="prove a prompt with a committed model, verify, decode, write the PNG")
    r.add_argument("model")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--seed", type=int, help="seed for a reproducible random prompt (default: OS randomness)")
    g.add_argument("--prompt", help="the prompt as 0x hex (one int8 byte per latent value)")
    r.add_argument("--out", type=Path, help="output folder (default .cache/zkaigc/<model>/runs/<prompt>)")
    args = p.parse_args(argv)
    os.environ.setdefault("RUST_LOG", "error")
    if args.cmd == "build":
        build(args.model, srs_kind=args.srs, samples=args.samples)
    else:
        prove(args.model, seed=args.seed, prompt_hex=args.prompt, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
