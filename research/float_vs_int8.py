"""The circuit of a float-trained network against the int8 (QAT) one of the same shape: nouns32, measured.

    python -m research.float_vs_int8          # circuit sizes and quality: docs/results/float-vs-int8.json (minutes)
    python -m research.float_vs_int8 --prove  # also setup, one proof and verifier gas of each (heavy: take the lock)

Two decoders of nouns32's architecture, both exported as the proven, clamped and packed circuit and set up with
the same circuit config (scales 2^-7, the committed development SRS):

- *float*: trained with the nouns32 recipe in float only (no fake quantization), `FLOAT_STEPS` steps; its
  weights are arbitrary floats, which ezkl rounds to its fixed point at `param_scale` (naive quantization);
- *int8 (QAT)*: the committed nouns32 checkpoint: weights already int8 at 2^-7, activations trained on the grid.

Per circuit: rows, assignments, range checks and lookups, logrows (from ezkl's settings); with --prove, the
seconds of witness + prove + off-chain verify (one prompt, this process, wall clock on a shared 2-core machine)
and the generated verifier's `verifyProof` gas on a local anvil. Also the PSNR on held-out Nouns of what each
circuit computes (the int8 model's evaluation; for the float network, its naive int8 quantization, which is
what ezkl evaluates at these scales).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch

from benchmarks.proving import verify_gas
from models import nouns, nouns_train, registry
from models.model import AutoEncoder, export_decoder_onnx, load_checkpoint, save_checkpoint
from models.quant import snap_weights
from models.results import RESULTS
from proofs.files import CACHE_ROOT
from proofs.model_artifacts import ModelArtifacts
from proofs.progress import quiet
from proofs.prompts import latent_of, random_prompt
from proofs.proven import prove_latent
from zkaigc.localchain import Anvil

MODEL = "nouns32"
FLOAT_STEPS = 6000


def circuit(label: str, model: AutoEncoder, tmp: Path, anvil: Anvil | None) -> dict:
    """Export, settings, setup, one proof and the verifier's gas of one decoder; the circuit's figures."""
    spec = registry.get(MODEL)
    art = ModelArtifacts(
        label, root=tmp / "artifacts", cache_root=tmp / "cache", verifiers_root=tmp / "verifiers", progress=quiet
    )
    config = spec.circuit_for(model.cfg)
    export_decoder_onnx(model, art.onnx, config)
    art.write_meta(
        proven_shape=list(model.cfg.proven_shape),
        render=model.cfg.render,
        digit_bits=model.cfg.out_bits,
        input_len=model.cfg.latent_dim,
    )
    settings = art.fit_settings(config)
    row = {
        "variant": label,
        "rows": settings["num_rows"],
        "assignments": settings["total_assignments"],
        "range_checks": settings["required_range_checks"],
        "lookups": settings["required_lookups"],
        "logrows": settings["run_args"]["logrows"],
    }
    if anvil is None:
        return row
    art.setup(srs_kind="dev", write_vk=True)
    art.create_evm_verifier()
    enc = art.encoding()
    start = time.perf_counter()
    sample = prove_latent(art, latent_of(enc, random_prompt(enc, seed=2024)), tmp / "run" / label)
    prove_s = time.perf_counter() - start  # witness + prove + off-chain verify
    gas = verify_gas(anvil, art, sample)
    row.update(witness_prove_verify_s=round(prove_s, 1), verify_gas=gas["verify_gas"], accepts=gas["accepts"])
    return row


def measure(write: bool = True, prove: bool = False, log=print) -> dict:
    """Both circuits' figures and fidelity; with `write`, docs/results/float-vs-int8.json."""
    int8, _ = load_checkpoint(MODEL)
    cfg = replace(int8.cfg, steps=FLOAT_STEPS, qat_start=1.0)  # qat_start 1: fake quantization never turns on
    cached = CACHE_ROOT / "float_vs_int8" / f"{MODEL}-float-{FLOAT_STEPS}.pt"
    if not cached.exists():  # the float training is seeded: a cached run is the same network
        log(f"training a float {MODEL} ({FLOAT_STEPS} steps) ...")
        floaty, _ = nouns_train.train(cfg, log=lambda _: None, photo_weight=0, quantize=False)
        save_checkpoint(floaty, cached)
    floaty = AutoEncoder(cfg)  # load_checkpoint would snap the weights to int8: load the float ones as saved
    floaty.load_state_dict(torch.load(cached, weights_only=False)["state_dict"])
    floaty.eval()
    evals = nouns_train.eval_splits(int8.cfg)["unseen_heads"]
    palette = nouns.load_art().palette
    float_eval = nouns_train.evaluate(floaty, evals, palette)
    naive = AutoEncoder(floaty.cfg)
    naive.load_state_dict(floaty.state_dict())
    naive.set_quant(True)
    snap_weights(naive.decoder)  # what ezkl computes at 2^-7: the float weights rounded, activations rounded
    quality = {
        "float_network_in_float": float_eval,
        "float_network_naive_int8": nouns_train.evaluate(naive, evals, palette),
        "qat_int8": nouns_train.evaluate(int8, evals, palette),
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="zkaigc-f-vs-i-") as tmp:
        anvil = Anvil("--code-size-limit", "1000000", "--gas-limit", "1000000000", timeout=120) if prove else None
        if anvil is not None:
            anvil.start()
        try:
            for label, model in (("float", floaty), ("int8-qat", int8)):
                log(f"{label}: circuit ...")
                rows.append(circuit(label, model, Path(tmp), anvil))
                log(json.dumps(rows[-1]))
        finally:
            if anvil is not None:
                anvil.close()
    result = {"model": MODEL, "float_steps": FLOAT_STEPS, "circuits": rows, "quality_unseen_heads": quality}
    if write:
        (RESULTS / "float-vs-int8.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m research.float_vs_int8`."""
    p = argparse.ArgumentParser(prog="python -m research.float_vs_int8", description=__doc__)
    p.add_argument("--prove", action="store_true", help="also setup, prove and verifier gas (heavy)")
    p.add_argument("--no-write", action="store_true", help="print only")
    args = p.parse_args(argv)
    torch.manual_seed(0)
    print(json.dumps(measure(write=not args.no_write, prove=args.prove), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
