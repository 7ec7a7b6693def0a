"""Batch mints, the old output stage against the new in one run: gas per NFT against the batch size N, from real
`mintBatch` transactions on anvil, with the prove time, peak RSS and verifier size of each batch circuit (pixel32 by
default; its old stage is the `pixel32-clamp` checkpoint, see benchmarks/proving.py).

    python -m benchmarks.batch                   # N = 1, 4, 8, both stages; writes docs/results/batch.{json,md}
    python -m benchmarks.batch --sizes 4 16 --stages new --no-write
    python -m benchmarks.batch --reuse-setup     # prove again on the circuits an earlier run built

Every batch-N circuit is built by the project's pipeline (`proofs.build`: the decoder exported with a fixed batch
dimension, `disable_freivalds`, smallest logrows) into a git-ignored bench root in the cache, never into
proofs/artifacts/ (the committed model may be rebuilt; its checkpoint is what is measured). Development SRS above
the committed ones are generated into the cache. Each stage runs in a child process of its own (`measure.run_child`)
so its peak RSS is its own; run one N at a time, under the shared lock on a shared machine.

The old stage's single circuit is built first (`proofs.build.build`) into the same bench root, since it is not
committed. Its mints go through the last `ERC7007BatchCollection` that took its encoding, compiled from git history
(benchmarks/history.py), on an anvil of its own. For the new stage, on a fresh anvil: the single verifier, the
batch-N verifier and an `ERC7007BatchCollection` without a minter. N distinct claimants claim the N prompts; one
`mintBatch` mints them all (one proof, one data contract for the N images). N = 1 is the single `mint` of the same
collection. *gas per NFT* = the mint transaction's gas / N.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time

from eth_utils import keccak

from proofs.files import CACHE_ROOT
from proofs.model_artifacts import ModelArtifacts, artifacts_of, committed_models
from proofs.proven import ProvenBatch, ProvenSample

from .batch_report import targets, to_markdown
from .measure import machine, publish, run_child
from .proving import old_stage_of, verify_gas
from .proving_report import NEW, OLD

BENCH_ROOT = CACHE_ROOT / "bench-batch"


def stage_model(model: str, stage: str) -> str:
    """The registered checkpoint a stage measures: the model itself (new) or its `-clamp` reference (old)."""
    name = model if stage == NEW else old_stage_of(model)
    if name is None:
        raise SystemExit(f"{model} has no old-stage checkpoint (`{model}-clamp`); run with --stages new")
    return name


def bench_artifacts(name: str, batch: int) -> ModelArtifacts:
    """The checkpoint's batch-`batch` circuit under the bench root; a committed model's single circuit is copied in
    (an old-stage checkpoint's is built there by `build_single`)."""
    art = ModelArtifacts(
        name, root=BENCH_ROOT / "artifacts", cache_root=BENCH_ROOT / "cache", verifiers_root=BENCH_ROOT / "verifiers"
    )
    if name in committed_models():
        committed = artifacts_of(name)
        single = art.batch_circuit(1)
        single.dir.mkdir(parents=True, exist_ok=True)
        for path in (committed.onnx, committed.settings, committed.vk, committed.meta):
            target = single.dir / path.name
            if not target.exists() or target.read_bytes() != path.read_bytes():
                shutil.copyfile(path, target)
    return art.batch_circuit(batch)


def build_single(name: str) -> ModelArtifacts:
    """The old-stage checkpoint's single circuit and one sample, built through the pipeline into the bench root
    (once: kept while its meta and sample exist)."""
    from proofs.build import build

    art = bench_artifacts(name, 1)
    if not (art.meta.exists() and (art.samples / "sample-0.json").exists()):
        print(f"[batch] {name}: build the single circuit (export, setup, verifier, a sample) ...", file=sys.stderr)
        build(
            name,
            batch_sizes=(),
            root=BENCH_ROOT / "artifacts",
            verifiers_root=BENCH_ROOT / "verifiers",
            cache_root=BENCH_ROOT / "cache",
        )
    return art


def _stage(model: str, stage: str, batch: int) -> dict:
    """One measured stage in this (child) process: `setup` builds the circuit, `prove` proves N prompts."""
    from dataclasses import replace

    from models import registry
    from models.model import load_model
    from proofs.build import build_circuit, check_slots
    from proofs.prompts import latent_of, random_prompt
    from proofs.proven import prove_batch

    art = bench_artifacts(model, batch)
    if stage == "setup":
        spec = registry.get(model)
        loaded, _ = load_model(model)
        start = time.perf_counter()
        build_circuit(art, loaded, replace(spec.circuit_for(loaded.cfg, batch)), "dev")
        return {
            "setup_s": round(time.perf_counter() - start, 1),
            "logrows": art.logrows,
            "rows": art.load_settings()["num_rows"],
        }
    encoding = art.encoding()
    prompts = [random_prompt(encoding, seed=100 + i) for i in range(batch)]
    art.setup()  # the pk is cached by the setup stage: loading it is part of proving
    start = time.perf_counter()
    proven = prove_batch(art, [latent_of(encoding, p) for p in prompts], art.cache / "bench")
    prove_s = time.perf_counter() - start
    check_slots(art, proven)  # every slot equals the single circuit's output on its prompt
    (art.cache / "bench-sample.json").write_text(json.dumps(proven.to_json()))
    return {"prove_s": round(prove_s, 1), "proof_bytes": len(proven.proof), "instances": len(proven.instances)}


def mint_gas(model: str, sizes: list[int]) -> dict[int, dict]:
    """Real mints on a fresh anvil: `mint` for N = 1, `mintBatch` of N claimed prompts for the others."""
    from ape import accounts, chain, networks, project
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType

    from zkaigc.client import claim_prompt
    from zkaigc.deploy import model_card
    from zkaigc.solidity import compile_contract

    committed = artifacts_of(model)
    single = ProvenSample.from_json(json.loads((committed.samples / "sample-0.json").read_text()))
    out: dict[int, dict] = {}
    with networks.parse_network_choice("ethereum:local:foundry"):
        vendor, funder = accounts.test_accounts[0], accounts.test_accounts[1]
        verifier = project.get_contract(committed.contract_name).deploy(sender=vendor)
        for n in sizes:
            batch_verifiers, proven = [], None
            if n > 1:
                art = bench_artifacts(model, n)
                proven = ProvenBatch.from_json(json.loads((art.cache / "bench-sample.json").read_text()))
                compiled = compile_contract(art.verifier_sol.read_text(), art.contract_name)
                container = ContractContainer(
                    ContractType.model_validate(
                        {
                            "contractName": art.contract_name,
                            "abi": compiled.abi,
                            "deploymentBytecode": {"bytecode": compiled.bytecode},
                            "runtimeBytecode": {"bytecode": compiled.runtime},
                        }
                    )
                )
                batch_verifier = container.deploy(sender=vendor)
                batch_verifiers = [(n, batch_verifier.address)]
                runtime = len(chain.provider.get_code(batch_verifier.address))
            else:
                runtime = len(chain.provider.get_code(verifier.address))
            collection = project.ERC7007BatchCollection.deploy(
                f"zkaigc {model}",
                "AIGC",
                verifier,
                committed.model_hash(batch_sizes=()),
                committed.encoding_struct(),
                "0x" + "00" * 20,
                vendor,
                model_card(model),
                batch_verifiers,
                sender=vendor,
            )
            prompts = [single.prompt] if proven is None else proven.prompts
            claimants = []
            for prompt in prompts:
                claimant = accounts.test_accounts.generate_test_account()
                funder.transfer(claimant, 10**18)
                claim_prompt(chain, collection, prompt, claimant)
                claimants.append(claimant)
            if proven is None:
                tx = collection.mint(single.prompt, single.aigc, "", single.proof, sender=vendor)
            else:
                tx = collection.mintBatch(
                    proven.prompts_bytes, proven.aigcs_bytes, proven.proof, (1 << n) - 1, sender=vendor
                )
                owners = [collection.ownerOf(int.from_bytes(keccak(p), "big")) for p in proven.prompts]
                if owners != [c.address for c in claimants]:
                    raise RuntimeError(f"batch of {n}: tokens not minted to their claimants")
            out[n] = {
                "mint_gas": int(tx.gas_used),
                "gas_per_nft": int(tx.gas_used) // n,
                "verifier_runtime_bytes": runtime,
            }
    return out


def old_mint_gas(name: str, sizes: list[int]) -> dict[int, dict]:
    """The old stage's mints on an anvil of its own, through the historic `ERC7007BatchCollection`: `mint` for
    N = 1, `mintBatch` of N claimed prompts for the others; with the verifiers' `verifyProof` gas."""
    from zkaigc.deploy import model_card
    from zkaigc.localchain import Anvil

    from .history import HistoricCollection

    single = bench_artifacts(name, 1)
    sample = ProvenSample.from_json(json.loads((single.samples / "sample-0.json").read_text()))
    model_hash, encoding, card = (
        bytes.fromhex(single.model_hash(batch_sizes=())[2:]),
        single.encoding_struct(),
        model_card(name),
    )
    out: dict[int, dict] = {}
    accounts = str(max(sizes) + 2)  # the vendor and N claimants
    with Anvil("--code-size-limit", "1000000", "--gas-limit", "1000000000", "--accounts", accounts) as anvil:
        collection = HistoricCollection(anvil, BENCH_ROOT / "history", unit="ERC7007BatchCollection")
        deployed = verify_gas(anvil, single, sample)
        for n in sizes:
            if n == 1:
                mint = collection.mint_gas(deployed["verifier_address"], encoding, model_hash, card, sample)["mint_gas"]
                out[n] = {"mint_gas": mint, "gas_per_nft": mint, "verify_gas": deployed["verify_gas"]}
                out[n]["verifier_runtime_bytes"] = deployed["runtime_bytes"]
                continue
            art = bench_artifacts(name, n)
            proven = ProvenBatch.from_json(json.loads((art.cache / "bench-sample.json").read_text()))
            batch = verify_gas(anvil, art, proven)
            if not batch["accepts"]:
                raise RuntimeError(f"old stage, batch of {n}: the verifier rejects the proof")
            gas = collection.mint_batch_gas(
                deployed["verifier_address"], batch["verifier_address"], encoding, model_hash, card, proven
            )
            out[n] = {**gas, "verify_gas": batch["verify_gas"], "verifier_runtime_bytes": batch["runtime_bytes"]}
    return out


def measure_stages(name: str, n: int, reuse_setup: bool) -> tuple[dict, bool]:
    """Build (setup) and prove the checkpoint's batch-`n` circuit, each in a measured child; with `reuse_setup`, a
    circuit built by an earlier run keeps that run's setup numbers and is proven again. Returns (numbers, reused)."""
    art = bench_artifacts(name, n)
    measured = art.cache / "bench-stages.json"
    reused = reuse_setup and measured.exists() and art.settings.exists() and art.pk.exists()
    if reused:
        earlier = json.loads(measured.read_text())
        setup = {k: earlier[k] for k in ("setup_s", "logrows", "rows", "setup_peak_rss_gb", "setup_cpu_s")}
    else:
        child = run_child("benchmarks.batch", "--model", name, "--stage", "setup", str(n))
        setup = {
            "setup_s": child["setup_s"],
            "logrows": child["logrows"],
            "rows": child["rows"],
            "setup_peak_rss_gb": round(child["peak_rss_mb"] / 1024, 2),
            "setup_cpu_s": child["cpu_s"],
        }
    prove = run_child("benchmarks.batch", "--model", name, "--stage", "prove", str(n))
    numbers = {
        **setup,
        "prove_s": prove["prove_s"],
        "proof_bytes": prove["proof_bytes"],
        "instances": prove["instances"],
        "peak_rss_gb": round(prove["peak_rss_mb"] / 1024, 2),
        "prove_child_cpu_s": prove["cpu_s"],
    }
    measured.write_text(json.dumps(numbers))
    return numbers, reused


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=__doc__)
    p.add_argument("--model", default="pixel32")
    p.add_argument("--sizes", type=int, nargs="*", default=[1, 4, 8])
    p.add_argument("--stages", nargs="*", choices=[OLD, NEW], default=[OLD, NEW])
    p.add_argument("--no-write", action="store_true", help="print only")
    p.add_argument(
        "--reuse-setup",
        action="store_true",
        help="prove again on the batch circuits an earlier run built (their setup numbers are that run's)",
    )
    p.add_argument("--stage", nargs=2, metavar=("STAGE", "N"), help=argparse.SUPPRESS)  # the measured child
    args = p.parse_args(argv)
    if args.stage:
        print(json.dumps(_stage(args.model, args.stage[0], int(args.stage[1]))))
        return 0
    from .history import OLD_STAGE_CONTRACTS

    report = {
        "model": args.model,
        "old_checkpoint": old_stage_of(args.model),
        "old_contracts": OLD_STAGE_CONTRACTS,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "rows": [],
    }
    reused = []
    for stage in args.stages:  # sequential: never two provers at once
        name = stage_model(args.model, stage)
        single = build_single(name) if stage == OLD else bench_artifacts(name, 1)
        numbers = {1: {"logrows": single.logrows, "rows": single.load_settings()["num_rows"]}}
        for n in (n for n in args.sizes if n > 1):
            numbers[n], was_reused = measure_stages(name, n, args.reuse_setup)
            reused += [f"{stage} N = {n}"] if was_reused else []
            print(f"[batch] {stage} N = {n}: {numbers[n]}", file=sys.stderr)
        gas = old_mint_gas(name, args.sizes) if stage == OLD else mint_gas(name, args.sizes)
        report["rows"] += [{"n": n, "stage": stage, **numbers[n], **gas[n]} for n in args.sizes]
    report["setup_reused"] = reused
    report["targets"] = targets(report["rows"])
    publish("batch", report, to_markdown(report), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
