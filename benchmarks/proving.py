"""`make bench`: measure every committed model's circuit, proving and on-chain verification.

Per model: logrows, rows, setup s, prove s, verify s, peak RSS of each stage, pk size, proof bytes,
calldata bytes and the gas of the generated verifier's `verifyProof` on a local anvil. Each stage runs in
its own child process (``python -m benchmarks.proving --stage ...``, benchmarks/measure.py) so its peak RSS
is the child's own ``ru_maxrss`` (read with ``os.wait4``), and a fresh cache directory makes setup really
run. Also measures the float-like vs int8 fixed-point comparison (circuit size of the same network at scales
12 vs the QAT scale). Writes and prints ``docs/benchmarks.json`` and ``docs/benchmarks.md`` (or prints only,
with --no-write). Numbers come from this run only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from models import registry
from models.model import load_model
from proofs.build import fitting_logrows
from proofs.pipeline import ModelArtifacts, ProvenSample, committed_models, run_args, sample_from_proof
from proofs.progress import quiet
from proofs.prompts import latent_of, random_prompt
from zkaigc.localchain import Anvil
from zkaigc.solidity import compile_contract

from .measure import machine, publish, run_child

FIDELITY_PROMPTS = 10  # seeded random prompts per fidelity measurement


# --------------------------------------------------------------------------------------------------------
# child stages: each prints one JSON line
# --------------------------------------------------------------------------------------------------------
def _stage(model: str, stage: str, cache: Path, workdir: Path) -> dict:
    """Run one stage in this (child) process and return its timing."""
    import ezkl

    art = ModelArtifacts(model, cache_root=cache, progress=quiet)
    load = os.getloadavg()[0]  # other work on the machine slows the wall-clock numbers
    start = time.perf_counter()
    if stage == "setup":
        art.setup()  # compiles, regenerates the pk, checks the vk equals the committed one
    elif stage == "prove":
        enc = art.encoding()
        art.witness(latent_of(enc, random_prompt(enc, seed=2024)), workdir)
        start = time.perf_counter()  # prove only: the witness is cheap and reported separately by nobody
        proof = art.prove(workdir)
        sample = sample_from_proof(art, proof)
        (workdir / "sample.json").write_text(json.dumps(sample.to_json()))
    elif stage == "verify":
        if not art.verify(workdir / "proof.json"):
            raise SystemExit("verification failed")
    else:
        raise ValueError(stage)
    return {"seconds": round(time.perf_counter() - start, 2), "ezkl": ezkl.__version__, "load": load}


def run_stage(model: str, stage: str, cache: Path, workdir: Path) -> dict:
    """Run a stage in a child process; returns its timing plus the child's peak RSS and CPU seconds."""
    return run_child(
        "benchmarks.proving", "--stage", stage, "--model", model, "--cache", str(cache), "--workdir", str(workdir)
    )


# --------------------------------------------------------------------------------------------------------
# on-chain gas
# --------------------------------------------------------------------------------------------------------
def verify_gas(anvil: Anvil, art: ModelArtifacts, sample: ProvenSample) -> dict:
    """Deploy the model's verifier; gas of verifyProof(proof, instances) as a transaction (incl. 21,000 base)."""
    compiled = compile_contract(art.verifier_sol.read_text(), art.contract_name)
    w3, account = anvil.w3, anvil.accounts[0]
    tx = w3.eth.contract(abi=compiled.abi, bytecode=compiled.bytecode).constructor().transact({"from": account})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    verifier = w3.eth.contract(address=receipt.contractAddress, abi=compiled.abi)
    call = verifier.functions.verifyProof(sample.proof, sample.instances)
    ok = call.call({"from": account})
    tx = call.transact({"from": account, "gas": 900_000_000})
    used = w3.eth.wait_for_transaction_receipt(tx).gasUsed
    data = call._encode_transaction_data()
    return {
        "accepts": bool(ok),
        "verify_gas": used,
        "deploy_gas": receipt.gasUsed,
        "runtime_bytes": compiled.runtime_size,
        "verifyProof_calldata_bytes": len(bytes.fromhex(data[2:])),
    }


def erc7007_calldata_bytes(sample: ProvenSample) -> int:
    """ABI calldata of verify(bytes prompt, bytes aigcData, bytes proof): what a mint/verify call carries."""
    from eth_abi import encode

    return 4 + len(encode(["bytes", "bytes", "bytes"], [sample.prompt, sample.aigc, sample.proof]))


# --------------------------------------------------------------------------------------------------------
# float-like vs int8 scales
# --------------------------------------------------------------------------------------------------------
def scale_comparison(model: str, tmp: Path) -> list[dict]:
    """The same committed network at its QAT int8 scales and at float-like scales: circuit size and accuracy.

    For each scale, the fewest range-check legs (base 128) whose circuit passes `ezkl.mock` on a sample prompt
    are used (more fractional bits mean bigger intermediate values to decompose). Accuracy: the circuit's
    output vs the PyTorch evaluation of the same weights without activation rounding, in 1/255 units.
    """
    import ezkl
    import torch

    art = ModelArtifacts(model)
    model_, _ = load_model(model)
    model_.set_quant(False)
    latents = [latent_of(art.encoding(), random_prompt(art.encoding(), seed=100 + i)) for i in range(FIDELITY_PROMPTS)]
    latent = latents[0]
    with torch.no_grad():
        refs = model_.decoder(torch.tensor(latents)).flatten(1).double()
    qat_scale = art.read_meta()["config"]["input_scale"]
    rows = []
    for label, scale, mult in (
        ("int8 (QAT scales)", qat_scale, 1),
        ("int8 in, rebase ×2", qat_scale, 2),
        ("float-like", 10, 1),
        ("float-like", 12, 1),
        ("float-like", 13, 1),
    ):
        for legs in range(4, 9):
            work = tmp / f"{model}-s{scale}-m{mult}-l{legs}"
            work.mkdir(parents=True, exist_ok=True)
            cfg = replace(registry.get(model).circuit, input_scale=scale, param_scale=scale, decomp_legs=legs)
            settings, compiled = work / "settings.json", work / "network.compiled"
            args = run_args(cfg)
            args.scale_rebase_multiplier = mult
            ezkl.gen_settings(str(art.onnx), str(settings), py_run_args=args)
            s = json.loads(settings.read_text())
            s["run_args"]["logrows"] = fitting_logrows(s)
            settings.write_text(json.dumps(s))
            ezkl.compile_circuit(str(art.onnx), str(compiled), str(settings))
            (work / "input.json").write_text(json.dumps({"input_data": [latent]}))
            try:
                ezkl.gen_witness(str(work / "input.json"), str(compiled), str(work / "witness.json"))
                ok = bool(ezkl.mock(str(work / "witness.json"), str(compiled)))
            except Exception:  # noqa: BLE001 - a failing witness/mock means too few legs
                ok = False
            if ok:
                break
        diffs, peak = [], 0.0
        for lat, ref in zip(latents, refs, strict=True):  # the witness holds exactly what a proof would commit to
            (work / "input.json").write_text(json.dumps({"input_data": [lat]}))
            ezkl.gen_witness(str(work / "input.json"), str(compiled), str(work / "witness.json"))
            wit = json.loads((work / "witness.json").read_text())
            out = torch.tensor([float(v) for v in wit["pretty_elements"]["rescaled_outputs"][0]], dtype=torch.float64)
            diffs.append(float((out - ref).abs().max()) * 255)
            peak = max(peak, float(out.abs().max()))
        out_scale = s["model_output_scales"][0]
        rows.append(
            {
                "model": model,
                "variant": label,
                "input_scale": scale,
                "param_scale": scale,
                "scale_rebase_multiplier": mult,
                "output_scale": out_scale,
                "decomp": f"{cfg.decomp_base}^{legs}",
                "mock_passes": ok,
                "rows": s["num_rows"],
                "assignments": s["total_assignments"],
                "logrows": s["run_args"]["logrows"],
                "max_abs_diff_vs_float_255": round(max(diffs), 3),
                "mean_max_abs_diff_vs_float_255": round(sum(diffs) / len(diffs), 3),
                "fits_int16_aigc": peak * 2**out_scale < 2**15,
                "prompts": len(latents),
            }
        )
    return rows


def bench_model(model: str, anvil: Anvil, tmp: Path, log=print) -> dict:
    """All measurements of one committed model."""
    art = ModelArtifacts(model)
    settings, meta = art.load_settings(), art.read_meta()
    cache, work = tmp / "cache", tmp / "work" / model
    work.mkdir(parents=True, exist_ok=True)
    log(f"[bench] {model}: setup (fresh cache) ...")
    setup = run_stage(model, "setup", cache, work)
    log(f"[bench] {model}: setup {setup['seconds']}s, {setup['peak_rss_mb']} MB; prove ...")
    prove = run_stage(model, "prove", cache, work)
    log(f"[bench] {model}: prove {prove['seconds']}s, {prove['peak_rss_mb']} MB; verify ...")
    verify = run_stage(model, "verify", cache, work)
    sample = ProvenSample.from_json(json.loads((work / "sample.json").read_text()))
    log(f"[bench] {model}: verify {verify['seconds']}s; on-chain gas ...")
    gas = verify_gas(anvil, art, sample)
    pk = ModelArtifacts(model, cache_root=cache).pk
    c, h, w = meta["proven_shape"]
    k = meta.get("render", 1)
    row = {
        "model": model,
        "resolution": f"{w * k}x{h * k}x{c}",
        "proven_grid": f"{w}x{h}x{c}",
        "logrows": settings["run_args"]["logrows"],
        "rows": settings["num_rows"],
        "num_inner_cols": settings["run_args"]["num_inner_cols"],
        "input_scale": settings["run_args"]["input_scale"],
        "param_scale": settings["run_args"]["param_scale"],
        "setup_s": setup["seconds"],
        "setup_peak_rss_mb": setup["peak_rss_mb"],
        "prove_s": prove["seconds"],
        "prove_peak_rss_mb": prove["peak_rss_mb"],
        "prove_child_cpu_s": prove["cpu_s"],
        "setup_child_cpu_s": setup["cpu_s"],
        "load_avg_1m_before_prove": prove["load"],
        "verify_s": verify["seconds"],
        "verify_peak_rss_mb": verify["peak_rss_mb"],
        "pk_mb": round(pk.stat().st_size / 2**20, 1),
        "vk_kb": round(art.vk.stat().st_size / 1024, 1),
        "proof_bytes": len(sample.proof),
        "prompt_bytes": len(sample.prompt),
        "aigc_bytes": len(sample.aigc),
        "public_instances": len(sample.instances),
        "calldata_bytes": erc7007_calldata_bytes(sample),
        **gas,
        "srs": meta.get("srs", {}).get("kind"),
        "ezkl": prove["ezkl"],
    }
    shutil.rmtree(cache / model, ignore_errors=True)  # pk files are big
    log(f"[bench] {model}: {json.dumps(row)}")
    return row


def to_markdown(report: dict) -> str:
    """docs/benchmarks.md from the JSON report."""
    m = report["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (`python -m benchmarks.proving`) on {report['date']}: {m['cpu']}, "
        f"{m['cores']} cores, "
        f"{m['ram_gb']} GB RAM, {m['os']}. ezkl {report['models'][0]['ezkl'] if report['models'] else '?'}, "
        "development SRS. Each stage ran in its own process; peak RSS is that process's `ru_maxrss`. "
        "Other work shared the machine, so timings are upper bounds of an idle machine's.",
        "",
        "| model | image (proven grid) | logrows | rows | cols | setup s | prove s | prove CPU s | prove peak RSS MB "
        "| verify s | pk MB | proof B | calldata B | instances | verify gas | mint gas | fulfil gas |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["models"]:
        lines.append(
            f"| {r['model']} | {r['resolution']} ({r.get('proven_grid', r['resolution'])}) | {r['logrows']} | "
            f"{r['rows']} | {r['num_inner_cols']} | "
            f"{r['setup_s']} | {r['prove_s']} | {r['prove_child_cpu_s']} | {r['prove_peak_rss_mb']} | "
            f"{r['verify_s']} | {r['pk_mb']} | "
            f"{r['proof_bytes']} | {r['calldata_bytes']} | {r['public_instances']} | {r['verify_gas']:,} | "
            f"{r.get('mint_gas', 0):,} | {r.get('fulfil_gas', 0):,} |"
        )
    lines += [
        "",
        "- *calldata B*: ABI calldata of `verify(bytes prompt, bytes aigcData, bytes proof)` (prompt 1 B per value, "
        "aigcData 7 bits per proven digit, docs/encoding.md).",
        "- *mint gas* / *fulfil gas*: a claimed prompt's `mint`, and the marketplace's `fulfil` of a paid request "
        "(benchmarks/mint_gas.py).",
        "- *verify gas*: gas used by a transaction calling the generated verifier's `verifyProof(proof, instances)` "
        "directly (21,000 base and the calldata of 32-byte instances included); the proof is accepted.",
        "- setup/prove peak RSS are the child process's; setup includes compiling the circuit.",
        "- *prove CPU s*: user+system CPU seconds of the prove child (imports and witness included); with 2 cores "
        "wall time can be lower than CPU time on an idle machine and much higher on a busy one (1-minute load "
        "average before each prove is in benchmarks.json).",
        "",
        "## Float-like vs int8 fixed point (same network)",
        "",
        "Same ONNX, scales changed; range-check legs = the fewest that pass `ezkl.mock` on a sample prompt "
        "(caution: mock also passed with 128^2 at scale 13, so it is weak evidence). *max diff*: circuit output "
        f"(witness) vs PyTorch float evaluation of the same weights, worst value over {FIDELITY_PROMPTS} seeded "
        "random prompts, in 1/255 (mean of the per-prompt maxima in brackets). *int16*: whether every output "
        "fits aigcData's int16 at the output scale for those prompts.",
        "",
        "| model | variant | input/param scale | rebase × | output scale | decomposition | mock | rows | "
        "logrows | max diff /255 | int16 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["scales"]:
        lines.append(
            f"| {r['model']} | {r['variant']} | {r['input_scale']}/{r['param_scale']} | "
            f"{r['scale_rebase_multiplier']} | {r['output_scale']} | {r['decomp']} | "
            f"{'ok' if r['mock_passes'] else 'FAILS'} | {r['rows']} | {r['logrows']} | "
            f"{r['max_abs_diff_vs_float_255']} ({r['mean_max_abs_diff_vs_float_255']}) | "
            f"{'yes' if r['fits_int16_aigc'] else 'NO'} |"
        )
    lines += ["", "## Targets (docs/design-space.md)", ""]
    for t in report["targets"]:
        lines.append(f"- {t['what']}: target {t['target']}, measured {t['measured']} -> **{t['verdict']}**")
    return "\n".join(lines) + "\n"


def targets(rows: list[dict]) -> list[dict]:
    """The targets of docs/design-space.md against this run's numbers."""
    out = []

    def check(what, value, limit, unit):
        out.append(
            {
                "what": what,
                "target": f"<= {limit:,} {unit}",
                "measured": f"{value:,} {unit}",
                "verdict": "met" if value <= limit else "MISSED",
            }
        )

    for r in rows:
        if r["model"] == "pixel32":  # the 32×32 RGB showcase
            check(f"{r['model']} ({r['resolution']}) prove", r["prove_s"], 20, "s")
            check(f"{r['model']} peak RAM (prove)", r["prove_peak_rss_mb"], 1024, "MB")
            check(f"{r['model']} verify gas", r["verify_gas"], 1_500_000, "gas")
            check(f"{r['model']} mint gas", r["mint_gas"], 900_000, "gas")
            check(f"{r['model']} marketplace fulfil gas", r["fulfil_gas"], 1_000_000, "gas")
        elif r["resolution"].startswith("64x64"):
            check(f"{r['model']} ({r['resolution']}) prove", r["prove_s"], 60, "s")
            check(f"{r['model']} peak RAM (prove)", r["prove_peak_rss_mb"], 1024, "MB")
            check(f"{r['model']} mint gas", r["mint_gas"], 1_000_000, "gas")
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point (`make bench`), or one child stage with --stage."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", help="models to measure (default: every committed model)")
    p.add_argument("--stage", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--no-write", action="store_true", help="print only; do not write docs/benchmarks.*")
    p.add_argument("--scales-only", action="store_true", help="only the float-like vs int8 comparison (printed)")
    args = p.parse_args(argv)
    if args.stage:
        print(json.dumps(_stage(args.model, args.stage, args.cache, args.workdir)))
        return 0
    if args.scales_only:
        with tempfile.TemporaryDirectory(prefix="zkaigc-bench-") as tmp:
            for model in args.models or ["pixel32"]:
                for row in scale_comparison(model, Path(tmp)):
                    print(json.dumps(row), flush=True)
        return 0
    models = args.models or committed_models()
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "models": [],
        "scales": [],
    }
    with (
        tempfile.TemporaryDirectory(prefix="zkaigc-bench-") as tmp,
        Anvil("--code-size-limit", "1000000", "--gas-limit", "1000000000", timeout=120) as anvil,
    ):
        for model in models:  # sequential: never two provers at once
            report["models"].append(bench_model(model, anvil, Path(tmp)))
        # The float-like vs int8 scale study (`--scales-only`) compared unpacked outputs of the v1 networks; its
        # results are in docs/design-space.md §4. The packed v2 circuits would need an unpacked export for it.
    from .mint_gas import measure as mint_gas

    for row, gas in zip(report["models"], mint_gas(models), strict=True):
        row.update(
            collection_verify_gas=gas["collection_verify_gas"], mint_gas=gas["mint_gas"], fulfil_gas=gas["fulfil_gas"]
        )
    report["targets"] = targets(report["models"])
    md = to_markdown(report)
    publish("benchmarks", report, md, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
