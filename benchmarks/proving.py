"""`make bench`: measure every committed model's circuit, proving and on-chain cost, against the old encoding.

Per model and variant: logrows, rows, setup s, prove s, verify s, peak RSS of each stage, pk size, proof bytes,
calldata bytes, public instances, the gas of the generated verifier's `verifyProof` on a local anvil, and the
gas of a collection's `mint`. Two variants of each model, from the same trained weights:

- *packed* (the product): the clamped art grid, 16 7-bit digits per public element, drawn by the renderer;
- *baseline* (the old encoding, benchmarks/baseline.py): the whole unclamped decoder, one public instance and
  two aigcData bytes per rendered value, minted through the last collection that accepted that encoding.

Each stage runs in its own child process (``python -m benchmarks.proving --stage ...``, benchmarks/measure.py)
so its peak RSS is the child's own ``ru_maxrss`` (read with ``os.wait4``), and a fresh cache directory makes
setup really run. Also measures the float-like vs int8 fixed-point comparison (circuit size and accuracy of the
same network's art grid at the QAT scale and at float-like scales). Writes and prints ``docs/benchmarks.json``
and ``docs/benchmarks.md`` (or prints only, with --no-write). Numbers come from this run only.
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
from proofs.files import ARTIFACTS_ROOT
from proofs.pipeline import ModelArtifacts, ProvenSample, committed_models, run_args, sample_from_proof
from proofs.progress import quiet
from proofs.prompts import latent_of, random_prompt
from zkaigc.localchain import Anvil
from zkaigc.solidity import compile_contract

from . import baseline
from .measure import machine, publish, run_child

FIDELITY_PROMPTS = 10  # seeded random prompts per fidelity measurement
PACKED, BASELINE = "packed", "baseline"
VARIANT_LABELS = {
    PACKED: "packed: clamped art grid, 7-bit ×16 per instance",
    BASELINE: "baseline: old encoding (unclamped, 1 instance and 2 B per rendered value)",
}


# --------------------------------------------------------------------------------------------------------
# child stages: each prints one JSON line
# --------------------------------------------------------------------------------------------------------
def _stage(model: str, stage: str, cache: Path, workdir: Path, root: Path = ARTIFACTS_ROOT) -> dict:
    """Run one stage in this (child) process and return its timing (`root`: the variant's artifacts)."""
    import ezkl

    art = ModelArtifacts(model, root=root, cache_root=cache, progress=quiet)
    load = os.getloadavg()[0]  # other work on the machine slows the wall-clock numbers
    start = time.perf_counter()
    if stage == "setup":
        art.setup()  # compiles, regenerates the pk, checks the vk equals the committed one
    elif stage == "prove":
        enc = ModelArtifacts(model).encoding()  # both variants prove the same prompt
        art.witness(latent_of(enc, random_prompt(enc, seed=2024)), workdir)
        start = time.perf_counter()  # prove only: the witness is cheap and reported separately by nobody
        proof = art.prove(workdir)
        if root == ARTIFACTS_ROOT:
            sample = sample_from_proof(art, proof)
        else:
            sample = baseline.sample_of(art, proof, enc.input_len)
        (workdir / "sample.json").write_text(json.dumps(sample.to_json()))
    elif stage == "verify":
        if not art.verify(workdir / "proof.json"):
            raise SystemExit("verification failed")
    else:
        raise ValueError(stage)
    return {"seconds": round(time.perf_counter() - start, 2), "ezkl": ezkl.__version__, "load": load}


def run_stage(model: str, stage: str, cache: Path, workdir: Path, root: Path = ARTIFACTS_ROOT) -> dict:
    """Run a stage in a child process; returns its timing plus the child's peak RSS and CPU seconds."""
    return run_child(
        "benchmarks.proving",
        "--stage",
        stage,
        "--model",
        model,
        "--cache",
        str(cache),
        "--workdir",
        str(workdir),
        "--root",
        str(root),
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
        "verifier_address": receipt.contractAddress,
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
def export_art_grid(model, path: Path) -> None:
    """The decoder's clamped art grid, unpacked, as ONNX: what the product circuit computes before packing.

    The scale study needs the values themselves: at a float-like output scale they are no 7-bit digits, so the
    packing head (which needs them) is left out.
    """
    import torch

    class ArtGrid(torch.nn.Module):
        def __init__(self, decoder):
            super().__init__()
            self.decoder = decoder

        def forward(self, z):
            return self.decoder.art(z)

    model.set_quant(False)  # the float graph with int8-snapped weights, as export_decoder_onnx exports it
    torch.onnx.export(
        ArtGrid(model.decoder).eval(),
        torch.zeros(1, model.cfg.latent_dim),
        str(path),
        input_names=["latent"],
        output_names=["image"],
        opset_version=17,
        dynamo=False,
    )


def scale_comparison(model: str, tmp: Path) -> list[dict]:
    """The same committed network's art grid at its QAT int8 scales and at float-like scales: size and accuracy.

    For each scale, the fewest range-check legs (of the model's decomposition base) whose circuit passes
    `ezkl.mock` on a sample prompt are used (more fractional bits mean bigger intermediate values to decompose).
    Accuracy: the circuit's output vs the PyTorch evaluation of the same weights without activation rounding,
    in 1/255 units.
    """
    import ezkl
    import torch

    art = ModelArtifacts(model)
    enc = art.encoding()
    model_, _ = load_model(model)
    onnx = tmp / f"{model}-art.onnx"
    export_art_grid(model_, onnx)
    latents = [latent_of(enc, random_prompt(enc, seed=100 + i)) for i in range(FIDELITY_PROMPTS)]
    latent = latents[0]
    with torch.no_grad():
        refs = model_.decoder.art(torch.tensor(latents)).flatten(1).double()
    qat_scale = art.read_meta()["config"]["input_scale"]
    circuit = registry.get(model).circuit
    rows = []
    for label, scale, mult in (
        ("int8 (QAT scales)", qat_scale, 1),
        ("int8 in, rebase ×2", qat_scale, 2),
        ("float-like", 10, 1),
        ("float-like", 12, 1),
        ("float-like", 13, 1),
    ):
        for legs in range(circuit.decomp_legs, circuit.decomp_legs + 4):
            work = tmp / f"{model}-s{scale}-m{mult}-l{legs}"
            work.mkdir(parents=True, exist_ok=True)
            cfg = replace(circuit, input_scale=scale, param_scale=scale, decomp_legs=legs)
            settings, compiled = work / "settings.json", work / "network.compiled"
            args = run_args(cfg)
            args.scale_rebase_multiplier = mult
            ezkl.gen_settings(str(onnx), str(settings), py_run_args=args)
            s = json.loads(settings.read_text())
            s["run_args"]["logrows"] = fitting_logrows(s)
            settings.write_text(json.dumps(s))
            ezkl.compile_circuit(str(onnx), str(compiled), str(settings))
            (work / "input.json").write_text(json.dumps({"input_data": [latent]}))
            try:
                ezkl.gen_witness(str(work / "input.json"), str(compiled), str(work / "witness.json"))
                ok = bool(ezkl.mock(str(work / "witness.json"), str(compiled)))
            except Exception:  # noqa: BLE001 - a failing witness/mock means too few legs
                ok = False
            if ok:
                break
        diffs = []
        for lat, ref in zip(latents, refs, strict=True):  # the witness holds exactly what a proof would commit to
            (work / "input.json").write_text(json.dumps({"input_data": [lat]}))
            ezkl.gen_witness(str(work / "input.json"), str(compiled), str(work / "witness.json"))
            wit = json.loads((work / "witness.json").read_text())
            out = torch.tensor([float(v) for v in wit["pretty_elements"]["rescaled_outputs"][0]], dtype=torch.float64)
            diffs.append(float((out - ref).abs().max()) * 255)
        rows.append(
            {
                "model": model,
                "variant": label,
                "input_scale": scale,
                "param_scale": scale,
                "scale_rebase_multiplier": mult,
                "output_scale": s["model_output_scales"][0],
                "decomp": f"{cfg.decomp_base}^{legs}",
                "mock_passes": ok,
                "rows": s["num_rows"],
                "assignments": s["total_assignments"],
                "logrows": s["run_args"]["logrows"],
                "max_abs_diff_vs_float_255": round(max(diffs), 3),
                "mean_max_abs_diff_vs_float_255": round(sum(diffs) / len(diffs), 3),
                "prompts": len(latents),
            }
        )
    return rows


def bench_model(model: str, anvil: Anvil, tmp: Path, variant: str = PACKED, log=print) -> dict:
    """All measurements of one committed model in one variant (`PACKED` or `BASELINE`)."""
    if variant == PACKED:
        root, cache = ARTIFACTS_ROOT, tmp / "cache"
        art = ModelArtifacts(model)
    else:
        log(f"[bench] {model} {variant}: build (export, settings, setup, verifier) ...")
        art = baseline.build(model, tmp / "baseline")
        root, cache = art.root, tmp / "cache-baseline"
    settings, meta = art.load_settings(), art.read_meta()
    work = tmp / "work" / variant / model
    work.mkdir(parents=True, exist_ok=True)
    log(f"[bench] {model} {variant}: setup (fresh cache) ...")
    setup = run_stage(model, "setup", cache, work, root)
    log(f"[bench] {model} {variant}: setup {setup['seconds']}s, {setup['peak_rss_mb']} MB; prove ...")
    prove = run_stage(model, "prove", cache, work, root)
    log(f"[bench] {model} {variant}: prove {prove['seconds']}s, {prove['peak_rss_mb']} MB; verify ...")
    verify = run_stage(model, "verify", cache, work, root)
    sample = ProvenSample.from_json(json.loads((work / "sample.json").read_text()))
    log(f"[bench] {model} {variant}: verify {verify['seconds']}s; on-chain gas ...")
    gas = verify_gas(anvil, art, sample)
    pk = ModelArtifacts(model, root=root, cache_root=cache).pk
    c, h, w = meta["proven_shape"]
    k = meta.get("render", 1)
    row = {
        "model": model,
        "variant": variant,
        "resolution": f"{w * k}x{h * k}x{c}",
        "proven_grid": f"{w}x{h}x{c}",
        "logrows": settings["run_args"]["logrows"],
        "rows": settings["num_rows"],
        "num_inner_cols": settings["run_args"]["num_inner_cols"],
        "decomp": f"{settings['run_args']['decomp_base']}^{settings['run_args']['decomp_legs']}",
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
    if variant == BASELINE:  # the old collection, on this anvil, with the baseline's verifier
        channels, height, width = meta["proven_shape"]
        encoding = (
            len(sample.prompt),
            channels * height * width,
            settings["model_input_scales"][0],
            settings["model_output_scales"][0],
            width,
            height,
            channels,
        )
        v1 = baseline.V1Collection(anvil, tmp / "v1-contracts")
        row.update(v1.mint_gas(gas["verifier_address"], encoding, bytes.fromhex(art.model_hash()[2:]), sample))
    row.pop("verifier_address")
    shutil.rmtree(cache / model, ignore_errors=True)  # pk files are big
    log(f"[bench] {model} {variant}: {json.dumps(row)}")
    return row


def to_markdown(report: dict) -> str:
    """docs/benchmarks.md from the JSON report."""
    m = report["machine"]
    rows = report["models"]

    def gas(r, key):
        return f"{r[key]:,}" if r.get(key) is not None else "—"

    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (`python -m benchmarks.proving`), one run, {report['date']}: {m['cpu']}, "
        f"{m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; ezkl {rows[0]['ezkl'] if rows else '?'}, "
        "development SRS. The machine was shared with other jobs (1-minute load average before each prove in "
        "benchmarks.json), so wall-clock seconds are upper bounds of an idle machine's; CPU seconds are steadier. "
        "Each stage ran in its own process; peak RSS is that process's `ru_maxrss`.",
        "",
        "## The packed encoding against the old one (same weights, same prompt)",
        "",
        "- *packed* (the product, docs/encoding.md): the circuit proves the clamped art grid, 16 7-bit digits "
        "per public instance; aigcData is 7 bits per digit; the contract's renderer draws the grid at full size.",
        "- *baseline*: the old encoding, rebuilt by the benchmark from the same checkpoint "
        "(benchmarks/baseline.py): the whole decoder with its nearest upsample and no clamp, range checks 128⁴, "
        "one public instance and one int16 (2 aigcData bytes) per rendered value, minted through the last "
        f"collection that accepted it (contracts at commit {baseline.V1_CONTRACTS[:10]}, compiled by the "
        "benchmark).",
        "",
        "| model | variant | image (proven) | logrows | rows | instances | aigcData B | prove s | prove CPU s "
        "| prove peak RSS MB | verify gas | mint gas | fulfil gas |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['variant']} | {r['resolution']} ({r['proven_grid']}) | {r['logrows']} | "
            f"{r['rows']:,} | {r['public_instances']:,} | {r['aigc_bytes']:,} | {r['prove_s']} | "
            f"{r['prove_child_cpu_s']} | {r['prove_peak_rss_mb']} | {r['verify_gas']:,} | {gas(r, 'mint_gas')} | "
            f"{gas(r, 'fulfil_gas')} |"
        )
    lines += [
        "",
        "## Details",
        "",
        "| model | variant | cols | decomposition | setup s | setup peak RSS MB | verify s | pk MB | vk KB | proof B "
        "| calldata B | collection verify gas | verifier runtime B |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['variant']} | {r['num_inner_cols']} | {r['decomp']} | {r['setup_s']} | "
            f"{r['setup_peak_rss_mb']} | {r['verify_s']} | {r['pk_mb']} | {r['vk_kb']} | {r['proof_bytes']:,} | "
            f"{r['calldata_bytes']:,} | {gas(r, 'collection_verify_gas')} | {r['runtime_bytes']:,} |"
        )
    lines += [
        "",
        "- *instances*: public instances of the proof (prompt values, then outputs).",
        "- *verify gas*: a transaction calling the generated verifier's `verifyProof(proof, instances)` directly "
        "(21,000 base and the calldata of 32-byte instances included); the proof is accepted.",
        "- *mint gas*: `mint` of a claimed prompt on a collection without a minter (verify + storing "
        "`prompt ‖ aigcData` as contract code + the ERC-721 mint + events); *fulfil gas*: the marketplace's "
        "`fulfil` of a paid request (escrow settlement + the mint; benchmarks/mint_gas.py), packed only.",
        "- *calldata B*: ABI calldata of `verify(bytes prompt, bytes aigcData, bytes proof)`.",
        "- *prove s*: `ezkl.prove` alone (witness excluded); *prove CPU s*: user+system CPU seconds of the prove "
        "child, imports and witness included. With 2 cores wall time can be below CPU time.",
        "- setup includes compiling the circuit.",
        "",
        "## Float-like vs int8 fixed point (same network)",
        "",
        "The committed network's art grid (clamped, unpacked: at a float-like scale the outputs are no 7-bit "
        "digits) with its scales changed; range-check legs = the fewest that pass `ezkl.mock` on a sample prompt "
        "(weak evidence: mock checks one witness). *max diff*: circuit output (witness) vs PyTorch float "
        f"evaluation of the same weights, worst value over {FIDELITY_PROMPTS} seeded random prompts, in 1/255 "
        "(mean of the per-prompt maxima in brackets).",
        "",
        "| model | variant | input/param scale | rebase × | output scale | decomposition | mock | rows | "
        "logrows | max diff /255 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["scales"]:
        lines.append(
            f"| {r['model']} | {r['variant']} | {r['input_scale']}/{r['param_scale']} | "
            f"{r['scale_rebase_multiplier']} | {r['output_scale']} | {r['decomp']} | "
            f"{'ok' if r['mock_passes'] else 'FAILS'} | {r['rows']:,} | {r['logrows']} | "
            f"{r['max_abs_diff_vs_float_255']} ({r['mean_max_abs_diff_vs_float_255']}) |"
        )
    lines += ["", "## Targets", ""]
    for t in report["targets"]:
        lines.append(f"- {t['what']}: target {t['target']}, measured {t['measured']} -> **{t['verdict']}**")
    return "\n".join(lines) + "\n"


def targets(rows: list[dict]) -> list[dict]:
    """The targets (docs/design-space.md, docs/encoding.md) against this run's numbers."""
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

    base = {r["model"]: r for r in rows if r["variant"] == BASELINE}
    for r in (r for r in rows if r["variant"] == PACKED):
        name = r["model"]
        if name == "pixel32":  # the 32×32 RGB showcase
            check(f"{name} ({r['resolution']}) prove", r["prove_s"], 20, "s")
            check(f"{name} mint gas", r["mint_gas"], 900_000, "gas")
            check(f"{name} marketplace fulfil gas", r["fulfil_gas"], 1_000_000, "gas")
        elif r["resolution"].startswith("64x64"):
            check(f"{name} ({r['resolution']}) prove", r["prove_s"], 60, "s")
            check(f"{name} mint gas", r["mint_gas"], 1_000_000, "gas")
        if name in base and base[name]["logrows"] == r["logrows"]:
            b = base[name]
            check(
                f"{name} prove vs baseline at logrows {r['logrows']} (CPU s)",
                r["prove_child_cpu_s"],
                round(b["prove_child_cpu_s"] * 1.1, 1),
                "s",
            )
        if name in base and base[name].get("mint_gas") is not None and name == "micro":
            check(f"{name} mint gas vs baseline", r["mint_gas"], base[name]["mint_gas"], "gas")
        check(f"{name} peak RAM (prove)", r["prove_peak_rss_mb"], 1024, "MB")
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point (`make bench`), or one child stage with --stage."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", help="models to measure (default: every committed model)")
    p.add_argument("--stage", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--root", type=Path, default=ARTIFACTS_ROOT, help=argparse.SUPPRESS)
    p.add_argument("--no-write", action="store_true", help="print only; do not write docs/benchmarks.*")
    p.add_argument("--no-baseline", action="store_true", help="skip the old-encoding baseline")
    p.add_argument("--scales-only", action="store_true", help="only the float-like vs int8 comparison (printed)")
    args = p.parse_args(argv)
    if args.stage:
        print(json.dumps(_stage(args.model, args.stage, args.cache, args.workdir, args.root)))
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
    variants = [PACKED] if args.no_baseline else [PACKED, BASELINE]
    with (
        tempfile.TemporaryDirectory(prefix="zkaigc-bench-") as tmp,
        Anvil("--code-size-limit", "1000000", "--gas-limit", "1000000000", timeout=120) as anvil,
    ):
        for model in models:  # sequential: never two provers at once
            # A trait model's prompt is ids, not a latent: the old encoding has no circuit for it.
            traits = registry.get(model).model.kind == "traits"
            for variant in [PACKED] if traits else variants:
                report["models"].append(bench_model(model, anvil, Path(tmp), variant))
        report["scales"] = scale_comparison("pixel32", Path(tmp)) if "pixel32" in models else []
    from . import mint_gas

    packed = {r["model"]: r for r in report["models"] if r["variant"] == PACKED}
    mints = mint_gas.measure(models)
    for gas in mints:
        packed[gas["model"]].update(
            collection_verify_gas=gas["collection_verify_gas"], mint_gas=gas["mint_gas"], fulfil_gas=gas["fulfil_gas"]
        )
    report["targets"] = targets(report["models"])
    publish("mint-gas", mints, mint_gas.to_markdown(mints), write=not args.no_write)  # the same run's mints
    publish("benchmarks", report, to_markdown(report), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
