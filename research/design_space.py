"""Circuit-size sweep behind docs/design-space.md: ``python -m research.design_space [--prove]``.

Exports decoder variants (untrained, seeded: circuit size does not depend on the weights' values) and asks
ezkl for the circuit each would need under different settings: rows, assignments, the logrows that fits and
the public instances. A variant with the output clamp (``out_bits = 7``, the product) exports what the product
proves: the clamped art grid, 16 7-bit digits per public element, with the nearest upsample left to the
renderer. A variant without it (``out_bits = None``) is the old encoding: the whole decoder, upsample included,
one public instance per rendered value. With ``--prove`` it also runs setup and prove for the variants marked
cheap enough, one at a time, with a throwaway development SRS, and reports seconds, pk size and peak RSS (each
in a child process). Writes docs/results/design-space.json (or --out).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch

from benchmarks.measure import run_child
from models import registry
from models.config import ModelConfig
from models.model import AutoEncoder, export_decoder_onnx
from models.quant import set_quant, snap_weights
from models.results import RESULTS
from proofs.model_artifacts import normalize_settings
from proofs.stages import fitting_logrows, run_args

OUT = RESULTS / "design-space.json"

PIXEL32 = registry.get("pixel32")


def variant(**changes) -> ModelConfig:
    """pixel32's architecture with some knobs changed (untrained: circuit size does not depend on weights)."""
    return replace(PIXEL32.model, name="v", **changes)


CONV = dict(kind="conv", base=4, widths=(16, 8, 8))
#: The old pixel circuit: range checks as 128⁴, constants at param_scale (no packing head to keep at scale 0).
OLD_CIRCUIT = {"decomp_base": 128, "decomp_legs": 4, "rebase_frac_zero_constants": False}
#: (label, model config, circuit overrides, prove?)
VARIANTS: list[tuple[str, ModelConfig, dict, bool]] = [
    ("mlp h64, 16x16x3 art grid packed 7-bit x16 (pixel32, pixel64)", variant(), {}, True),
    ("  same, num_inner_cols 1", variant(), {"num_inner_cols": 1}, True),
    ("  same, num_inner_cols 4", variant(), {"num_inner_cols": 4}, True),
    ("  same, decomp 128^4", variant(), {"decomp_base": 128, "decomp_legs": 4}, False),
    ("old encoding: mlp h64, 32x32x3 (nearest x2 in circuit), unclamped", variant(out_bits=None), OLD_CIRCUIT, True),
    (
        "old encoding: mlp h64, 64x64x3 (nearest x4 in circuit)",
        variant(out_bits=None, image_size=64, render=4),
        OLD_CIRCUIT,
        False,
    ),
    ("mlp h32, art grid packed", variant(hidden=32), {}, False),
    ("mlp h128, art grid packed", variant(hidden=128), {}, False),
    ("mlp h64 painting 32x32x3 directly, packed", variant(render=1), {}, False),
    ("conv 4->8->16 (16,8,8ch) upsample+conv3x3, art grid packed", variant(**CONV), {}, False),
    ("conv 4->8->16 (16,8,8ch) transposed conv, art grid packed", variant(**CONV, upsample="transposed"), {}, False),
    (
        "conv 4->8->16->32 (16,8,8,8ch) upsample+conv3x3, packed",
        variant(**CONV | {"widths": (16, 8, 8, 8)}, render=1),
        {},
        False,
    ),
    (
        "conv 4->8->16->32 (16,8,8,8ch) transposed conv, packed",
        variant(**CONV | {"widths": (16, 8, 8, 8)}, render=1, upsample="transposed"),
        {},
        False,
    ),
    ("conv 8->16 (8,4ch) upsample+conv3x3, art grid packed", variant(kind="conv", base=8, widths=(8, 4)), {}, False),
]


def settings_for(cfg: ModelConfig, circuit: dict, workdir: Path) -> tuple[Path, dict]:
    """Export the variant and generate its settings with the fitting logrows."""
    import ezkl

    torch.manual_seed(0)
    model = AutoEncoder(cfg)
    set_quant(model.decoder, True, cfg.act_bits, cfg.weight_bits)
    snap_weights(model.decoder)
    workdir.mkdir(parents=True, exist_ok=True)
    onnx = workdir / "network.onnx"
    cc = replace(PIXEL32.circuit_for(cfg), **circuit)  # the pixel models' circuit at the variant's QAT scales
    export_decoder_onnx(model, onnx, cc)
    path = workdir / "settings.json"
    ezkl.gen_settings(str(onnx), str(path), py_run_args=run_args(cc))
    s = json.loads(path.read_text())
    s["run_args"]["logrows"] = fitting_logrows(s)
    path.write_text(json.dumps(normalize_settings(s)))
    return onnx, s


def prove_child(workdir: Path) -> dict:
    """In a child process: compile, gen a throwaway dev SRS, setup, witness, prove; timings as JSON."""
    import ezkl

    s = json.loads((workdir / "settings.json").read_text())
    k = s["run_args"]["logrows"]
    srs, comp, pk, vk = (workdir / n for n in ("k.srs", "net.compiled", "pk.key", "vk.key"))
    ezkl.compile_circuit(str(workdir / "network.onnx"), str(comp), str(workdir / "settings.json"))
    ezkl.gen_srs(str(srs), k)
    t = time.perf_counter()
    ezkl.setup(str(comp), str(vk), str(pk), srs_path=str(srs))
    setup_s = time.perf_counter() - t
    latent = [((i * 37) % 256 - 128) / 128 for i in range(s["model_instance_shapes"][0][-1])]
    (workdir / "input.json").write_text(json.dumps({"input_data": [latent]}))
    ezkl.gen_witness(str(workdir / "input.json"), str(comp), str(workdir / "w.json"))
    t = time.perf_counter()
    ok = ezkl.prove(str(workdir / "w.json"), str(comp), str(pk), str(workdir / "proof.json"), srs_path=str(srs))
    prove_s = time.perf_counter() - t
    return {
        "setup_s": round(setup_s, 1),
        "prove_s": round(prove_s, 1),
        "pk_mb": round(pk.stat().st_size / 2**20, 1),
        "proved": bool(ok),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the sweep (settings for all variants; setup+prove for the marked ones with --prove)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--prove", action="store_true", help="also setup+prove the variants marked cheap")
    p.add_argument("--out", type=Path, default=OUT, help="the JSON to write (default docs/results/design-space.json)")
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(prove_child(args.child)))
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="zkaigc-space-") as tmp:
        for i, (label, cfg, circuit, cheap) in enumerate(VARIANTS):
            work = Path(tmp) / str(i)
            _, s = settings_for(cfg, circuit, work)
            row = {
                "variant": label.strip(),
                "rows": s["num_rows"],
                "assignments": s["total_assignments"],
                "logrows": s["run_args"]["logrows"],
                "num_inner_cols": s["run_args"]["num_inner_cols"],
                "decomp": f"{s['run_args']['decomp_base']}^{s['run_args']['decomp_legs']}",
                "outputs": s["model_instance_shapes"][1],
                "public_instances": sum(math.prod(shape) for shape in s["model_instance_shapes"]),
            }
            if args.prove and cheap:
                row.update(run_child("research.design_space", "--child", str(work)))
            print(json.dumps(row), flush=True)
            rows.append(row)
    args.out.write_text(
        json.dumps({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "variants": rows}, indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
