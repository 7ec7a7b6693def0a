"""`make bench`: every committed model's circuit, proving and on-chain cost, the old output stage against the new.

Per model and stage: logrows, rows, assignments (and per output digit), setup s, prove s, verify s, peak RSS of each
stage, pk size, proof bytes, calldata bytes, public instances, the gas of the generated verifier's `verifyProof` on a
local anvil, the gas of a collection's `mint`, and the held-out PSNR of the checkpoint. Two stages of each model
that has both (micro, pixel32), in one run on one machine:

- *new* (the product): the committed circuit, the sigmoid stage (each digit one lookup, 8-bit digits packed 15 per
  instance) and the prompt packed into one public instance (models/prompt.py);
- *old*: the clamp stage's checkpoint (`micro-clamp`, `pixel32-clamp`: two ReLUs per digit, 7-bit digits packed
  16 per instance, one public instance per prompt byte), built by the benchmark through the same pipeline into a
  scratch directory and minted through the last collection that took its encoding (benchmarks/history.py).

Each stage runs in its own child process (``python -m benchmarks.proving --stage ...``, benchmarks/measure.py) so
its peak RSS is the child's own ``ru_maxrss``, and a fresh cache directory makes setup really run. Writes and prints
``docs/results/benchmarks.json`` and ``docs/results/benchmarks.md`` (or prints only, with --no-write); the markdown and
the targets are benchmarks/proving_report.py's. Numbers come from this run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from models import registry
from proofs.build import build
from proofs.files import ARTIFACTS_ROOT
from proofs.model_artifacts import ModelArtifacts, committed_models
from proofs.progress import quiet
from proofs.prompts import latent_of, random_prompt
from proofs.proven import ProvenSample, sample_from_proof
from zkaigc.localchain import Anvil
from zkaigc.solidity import compile_contract

from .history import HistoricCollection
from .measure import machine, publish, run_child
from .proving_report import NEW, OLD, targets, to_markdown


def old_stage_of(model: str) -> str | None:
    """The registered old-stage checkpoint of a model (`<model>-clamp`), or None."""
    return f"{model}-clamp" if f"{model}-clamp" in registry.REGISTRY else None


# --------------------------------------------------------------------------------------------------------
# child stages: each prints one JSON line
# --------------------------------------------------------------------------------------------------------
def _stage(model: str, stage: str, cache: Path, workdir: Path, root: Path = ARTIFACTS_ROOT) -> dict:
    """Run one stage in this (child) process and return its timing (`root`: the stage's artifacts)."""
    import ezkl

    art = ModelArtifacts(model, root=root, cache_root=cache, progress=quiet)
    load = os.getloadavg()[0]  # other work on the machine slows the wall-clock numbers
    start = time.perf_counter()
    if stage == "setup":
        art.setup()  # compiles, regenerates the pk, checks the vk equals the committed one
    elif stage == "prove":
        enc = art.encoding()
        art.witness(latent_of(enc, random_prompt(enc, seed=2024)), workdir)  # both stages: the same prompt bytes
        start = time.perf_counter()  # prove only: the witness is cheap
        sample = sample_from_proof(art, art.prove(workdir))
        (workdir / "sample.json").write_text(json.dumps(sample.to_json()))
    elif stage == "verify":
        if not art.verify(workdir / "proof.json"):
            raise SystemExit("verification failed")
    else:
        raise ValueError(stage)
    return {"seconds": round(time.perf_counter() - start, 2), "ezkl": ezkl.__version__, "load": load}


def run_stage(model: str, stage: str, cache: Path, workdir: Path, root: Path = ARTIFACTS_ROOT) -> dict:
    """Run a stage in a child process; returns its timing plus the child's peak RSS and CPU seconds."""
    args = ["--stage", stage, "--model", model, "--cache", str(cache), "--workdir", str(workdir), "--root", str(root)]
    return run_child("benchmarks.proving", *args)


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
# one model in one stage
# --------------------------------------------------------------------------------------------------------
def stage_artifacts(model: str, stage: str, tmp: Path, log=print) -> ModelArtifacts:
    """The committed artifacts (new), or the old-stage checkpoint built through the pipeline into `tmp` (old)."""
    if stage == NEW:
        return ModelArtifacts(model)
    name = old_stage_of(model)
    log(f"[bench] {model} {stage}: build {name} (export, settings, setup, verifier, a sample) ...")
    scratch = tmp / "old"
    return build(
        name,
        batch_sizes=(),
        root=scratch / "artifacts",
        verifiers_root=scratch / "verifiers",
        cache_root=scratch / "cache",
    )


def psnr_of(art: ModelArtifacts) -> float | None:
    """The checkpoint's held-out PSNR as a prompt carries it (int8 latent), from the artifacts' training metrics."""
    metrics = art.read_meta().get("training_metrics") or {}
    psnr = (metrics.get("qat_int8_prompt_latent") or {}).get("psnr_db")
    return round(psnr, 2) if psnr is not None else None


def bench_model(model: str, anvil: Anvil, tmp: Path, stage: str = NEW, log=print) -> dict:
    """All measurements of one committed model in one stage (`NEW` or `OLD`)."""
    art = stage_artifacts(model, stage, tmp, log)
    cache = tmp / f"cache-{stage}"
    settings, meta = art.load_settings(), art.read_meta()
    work = tmp / "work" / stage / model
    work.mkdir(parents=True, exist_ok=True)
    log(f"[bench] {model} {stage}: setup (fresh cache) ...")
    setup = run_stage(art.name, "setup", cache, work, art.root)
    log(f"[bench] {model} {stage}: setup {setup['seconds']}s, {setup['peak_rss_mb']} MB; prove ...")
    prove = run_stage(art.name, "prove", cache, work, art.root)
    log(f"[bench] {model} {stage}: prove {prove['seconds']}s, {prove['peak_rss_mb']} MB; verify ...")
    verify = run_stage(art.name, "verify", cache, work, art.root)
    sample = ProvenSample.from_json(json.loads((work / "sample.json").read_text()))
    log(f"[bench] {model} {stage}: verify {verify['seconds']}s; on-chain gas ...")
    gas = verify_gas(anvil, art, sample)
    c, h, w = meta["proven_shape"]
    k = meta.get("render", 1)
    digits = c * h * w
    row = {
        "model": model,
        "stage": stage,
        "checkpoint": art.name,
        "resolution": f"{w * k}x{h * k}x{c}",
        "proven_grid": f"{w}x{h}x{c}",
        "digit_bits": art.digit_bits(),
        "logrows": settings["run_args"]["logrows"],
        "rows": settings["num_rows"],
        "assignments": settings["total_assignments"],
        "assignments_per_digit": round(settings["total_assignments"] / digits, 1),
        "num_inner_cols": settings["run_args"]["num_inner_cols"],
        "lookup_range": settings["run_args"]["lookup_range"],
        "psnr_db": psnr_of(art),
        "setup_s": setup["seconds"],
        "setup_peak_rss_mb": setup["peak_rss_mb"],
        "prove_s": prove["seconds"],
        "peak_rss_mb": prove["peak_rss_mb"],
        "prove_child_cpu_s": prove["cpu_s"],
        "load_avg_1m_before_prove": prove["load"],
        "verify_s": verify["seconds"],
        "pk_mb": round(ModelArtifacts(art.name, root=art.root, cache_root=cache).pk.stat().st_size / 2**20, 1),
        "vk_kb": round(art.vk.stat().st_size / 1024, 1),
        "proof_bytes": len(sample.proof),
        "prompt_bytes": len(sample.prompt),
        "aigc_bytes": len(sample.aigc),
        "public_instances": len(sample.instances),
        "calldata_bytes": erc7007_calldata_bytes(sample),
        **gas,
        "mint_gas": None,
        "fulfil_gas": None,
        "srs": meta.get("srs", {}).get("kind"),
        "ezkl": prove["ezkl"],
    }
    if stage == OLD:  # the last collection that took this encoding, on this anvil, with the old verifier
        from zkaigc.deploy import model_card

        collection = HistoricCollection(anvil, tmp / "history")
        card = model_card(art.name)
        model_hash = bytes.fromhex(art.model_hash(batch_sizes=())[2:])
        row.update(collection.mint_gas(gas["verifier_address"], art.encoding_struct(), model_hash, card, sample))
    row.pop("verifier_address")
    shutil.rmtree(cache / art.name, ignore_errors=True)  # pk files are big
    log(f"[bench] {model} {stage}: {json.dumps(row)}")
    return row


def main(argv: list[str] | None = None) -> int:
    """Entry point (`make bench`), or one child stage with --stage."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", help="models to measure (default: every committed model)")
    p.add_argument("--stage", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--root", type=Path, default=ARTIFACTS_ROOT, help=argparse.SUPPRESS)
    p.add_argument("--no-write", action="store_true", help="print only; do not write docs/results/benchmarks.*")
    p.add_argument("--no-old", action="store_true", help="skip the old output stage")
    args = p.parse_args(argv)
    if args.stage:
        print(json.dumps(_stage(args.model, args.stage, args.cache, args.workdir, args.root)))
        return 0
    models = args.models or committed_models()
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(), "models": []}
    with (
        tempfile.TemporaryDirectory(prefix="zkaigc-bench-") as tmp,
        Anvil("--code-size-limit", "1000000", "--gas-limit", "1000000000", timeout=120) as anvil,
    ):
        for model in models:  # sequential: never two provers at once
            stages = [NEW] if args.no_old or old_stage_of(model) is None else [OLD, NEW]
            for stage in stages:
                report["models"].append(bench_model(model, anvil, Path(tmp), stage))
    from . import mint_gas

    new = {r["model"]: r for r in report["models"] if r["stage"] == NEW}
    mints = mint_gas.measure(models)
    for gas in mints:
        new[gas["model"]].update(
            collection_verify_gas=gas["collection_verify_gas"], mint_gas=gas["mint_gas"], fulfil_gas=gas["fulfil_gas"]
        )
    report["targets"] = targets(report["models"])
    publish("mint-gas", mints, mint_gas.to_markdown(mints), write=not args.no_write)  # the same run's mints
    publish("benchmarks", report, to_markdown(report), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
