"""The dataset market's numbers: proving per tree template, verifier size against EIP-170, on-chain gas.

    python -m benchmarks.datamarket              # writes docs/datamarket-bench.{json,md}
    python -m benchmarks.datamarket --no-write

Per committed template: setup and prove of a fresh salted tree on the held-out test set (each in its own child
process: wall seconds, CPU seconds, peak RSS), the generated verifier's runtime size, deploy gas, `verifyProof`
gas and `DatasetMarket.fulfil` gas on an untraced local anvil with the standard EIP-170 limit. Then the size
options for the CI template's verifier, each built from scratch in a temporary folder: one vs two inner columns,
ezkl's reusable verifier (+ its separate VK artifact), and the optimizer's `runs`. Numbers come from this run only.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from models.trees import TEMPLATES, TreeTemplate, get_template
from proofs.progress import quiet
from proofs.trees import TreeProof, artifacts_of
from proofs.trees import build as build_template
from proofs.trees import prove as prove_tree
from zkaigc.abi import json_abi
from zkaigc.datamarket import binding_of, prepare_sale
from zkaigc.localchain import Anvil
from zkaigc.solidity import SOLC_VERSION, standard_input

from .measure import machine, publish, run_child

EIP170 = 24_576


# --------------------------------------------------------------------------------------------------------
# child stages: each prints one JSON line
# --------------------------------------------------------------------------------------------------------
def _child(stage: str, name: str, cache: Path, out: Path, binding: int = 0) -> dict:
    template = get_template(name)
    roots = {"cache_root": cache}
    start = time.perf_counter()
    if stage == "setup":
        art = artifacts_of(template, **roots)
        art.progress = quiet
        art.setup()
        return {"setup_s": round(time.perf_counter() - start, 1), "pk_mb": round(art.pk.stat().st_size / 2**20, 1)}
    sale = prepare_sale(template)
    # compile + witness + prove, verify
    proof = prove_tree(template, sale.tree, sale.test_set, binding, out, progress=quiet, **roots)
    (out / "tree-proof.json").write_text(json.dumps(proof.to_json()))
    return {"prove_s": proof.seconds, "correct": proof.correct, "rows": proof.rows, "proof_bytes": len(proof.proof)}


# --------------------------------------------------------------------------------------------------------
# compile and deploy
# --------------------------------------------------------------------------------------------------------
def compile_runtime(source: str, name: str, runs: int = 200) -> tuple[str, str, list]:
    """(creation code, runtime code, abi) of `name` compiled with the project's settings but `runs`."""
    import solcx

    std = standard_input({f"{name}.sol": source}, ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"])
    std["settings"]["optimizer"]["runs"] = runs
    out = solcx.compile_standard(std, solc_version=SOLC_VERSION)
    found = out["contracts"][f"{name}.sol"]
    contract = found[name] if name in found else max(found.values(), key=lambda c: len(c["evm"]["bytecode"]["object"]))
    return (
        "0x" + contract["evm"]["bytecode"]["object"],
        "0x" + contract["evm"]["deployedBytecode"]["object"],
        (contract["abi"]),
    )


def _deploy(w3, bytecode: str, abi: list, args=()):
    sender = w3.eth.accounts[0]
    factory = w3.eth.contract(abi=abi, bytecode=bytecode)
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor(*args).transact({"from": sender}))
    if receipt.status != 1:
        raise RuntimeError("deployment failed")
    return w3.eth.contract(address=receipt.contractAddress, abi=abi), receipt.gasUsed


def chain_numbers(template: TreeTemplate, prove, roots: dict | None = None) -> tuple[dict, dict]:
    """On an untraced anvil with EIP-170 in force: deploy the verifier and the market, request, have `prove(binding)`
    prove for that request (returns the child's numbers), estimate and fulfil."""
    from ape import project

    art = artifacts_of(template, **(roots or {}))
    creation, runtime, abi = compile_runtime(art.verifier_sol.read_text(), art.contract_name)
    with Anvil() as anvil:
        w3 = anvil.w3
        owner, vendor, customer = w3.eth.accounts[:3]
        verifier, deploy_gas = _deploy(w3, creation, abi)
        market_type = project.DatasetMarket.contract_type
        market, _ = _deploy(w3, market_type.deployment_bytecode.bytecode, json_abi(market_type), (owner,))
        fns = market.functions

        def send(call, sender, value=0):
            receipt = w3.eth.wait_for_transaction_receipt(call.transact({"from": sender, "value": value}))
            if receipt.status != 1:
                raise RuntimeError("transaction failed")
            return receipt.gasUsed

        scale = int(art.load_settings()["model_output_scales"][0])
        shape = (template.rows, template.features, template.depth, template.classes, scale)
        send(fns.registerTemplate(verifier.address, *shape), owner)
        send(fns.listDataset(1, b"\x00" * 32, vendor, 1, 10**9, 15 * 10**17), vendor)
        # request 1 does not exist yet (its hashes come from the proving child): the binding it will have
        proved, proof = prove(binding_of(w3.eth.chain_id, market.address, 1, 1))
        deadline = w3.eth.get_block("latest").timestamp + 3600
        request_gas = send(fns.request(1, proof.x_hash, proof.y_hash, proof.rows, 1, deadline, 10**9), customer, 10**9)
        if fns.requestBinding(1).call() != proof.binding:
            raise RuntimeError("the benchmark's proof is bound to another request")
        verify_gas = verifier.functions.verifyProof(proof.proof, proof.instances).estimate_gas()
        fulfil_gas = send(fns.fulfil(1, proof.proof, proof.instances), vendor)
    return proved, {
        "verifier_runtime_bytes": (len(runtime) - 2) // 2,
        "fits_eip170": (len(runtime) - 2) // 2 <= EIP170,
        "verifier_deploy_gas": deploy_gas,
        "verify_proof_gas": verify_gas,
        "request_gas": request_gas,
        "fulfil_gas": fulfil_gas,
    }


# --------------------------------------------------------------------------------------------------------
# verifier size options (CI template)
# --------------------------------------------------------------------------------------------------------
def size_options(name: str) -> list[dict]:
    """Verifier runtime size of the template built with each option, from scratch in a temporary folder."""

    base = get_template(name)
    rows = []
    for cols in (1, 2):
        template = dataclasses.replace(base, circuit=dataclasses.replace(base.circuit, num_inner_cols=cols))
        with tempfile.TemporaryDirectory() as tmp:
            roots = {"root": Path(tmp) / "a", "cache_root": Path(tmp) / "c", "verifiers_root": Path(tmp) / "v"}
            art = build_template(template, progress=quiet, **roots)
            settings = art.load_settings()
            source = art.verifier_sol.read_text()
            for runs in (200, 1):
                _, runtime, _ = compile_runtime(source, art.contract_name, runs)
                rows.append(_size_row(cols, settings, f"generated verifier, optimizer runs {runs}", runtime))
            sol, abi, vka = Path(tmp) / "Reusable.sol", Path(tmp) / "Reusable.abi", Path(tmp) / "vka.bytes"

            try:
                asyncio.run(_reusable_verifier(art, sol, abi, vka))
                _, runtime, _ = compile_runtime(sol.read_text(), "Halo2Verifier")
                row = _size_row(cols, settings, "ezkl reusable verifier (shared) + VK artifact", runtime)
                row["vka_bytes"] = len(vka.read_bytes()) if vka.exists() else None
            except Exception as err:  # noqa: BLE001 - an option that fails is a measurement too
                row = {"inner_cols": cols, "option": "ezkl reusable verifier", "error": str(err)[:200]}
            rows.append(row)
    return rows


async def _reusable_verifier(art, sol: Path, abi: Path, vka: Path) -> None:
    """ezkl's reusable verifier and this circuit's VK artifact (both must be awaited inside a running loop)."""
    import ezkl

    await ezkl.create_evm_verifier(
        str(art.vk), str(art.settings), str(sol), str(abi), srs_path=str(art.srs()), reusable=True
    )
    result = ezkl.create_evm_vka(str(art.vk), str(art.settings), str(vka), srs_path=str(art.srs()))
    if hasattr(result, "__await__"):  # ezkl 23 returns a Future here
        await result


def _size_row(cols: int, settings: dict, option: str, runtime: str) -> dict:
    size = (len(runtime) - 2) // 2
    return {
        "inner_cols": cols,
        "num_rows": settings["num_rows"],
        "logrows": settings["run_args"]["logrows"],
        "option": option,
        "runtime_bytes": size,
        "fits_eip170": size <= EIP170,
    }


def _prover(name: str, cache: Path, tmp: Path):
    """prove(binding) -> (the child's numbers, its proof): proving in a child process, for a request's binding."""

    def prove(binding: int) -> tuple[dict, TreeProof]:
        proved = run_child("benchmarks.datamarket", "--child", "prove", name, str(cache), str(tmp), hex(binding))
        return proved, TreeProof.from_json(json.loads((tmp / "tree-proof.json").read_text()))

    return prove


# --------------------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------------------
def measure(names: list[str], options: bool) -> dict:
    result = {"machine": machine(), "templates": [], "size_options": []}
    for name in names:
        template = get_template(name)
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "cache"
            setup = run_child("benchmarks.datamarket", "--child", "setup", name, str(cache), tmp, "0")
            proved, onchain = chain_numbers(template, _prover(name, cache, Path(tmp)))
        art = artifacts_of(template)
        row = {
            "template": name,
            "dataset": template.dataset,
            "shape": f"N={template.rows} F={template.features} d={template.depth} S={template.salt_nodes}",
            "logrows": art.logrows,
            "num_rows": art.load_settings()["num_rows"],
            **{f"setup_{k}": v for k, v in setup.items()},
            **{f"prove_{k}" if k in ("peak_rss_mb", "cpu_s") else k: v for k, v in proved.items()},
            **onchain,
        }
        result["templates"].append(row)
    if options:
        result["size_options"] = size_options("tree-iris-d3")
    return result


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        "# Dataset market benchmark",
        "",
        f"Measured by `python -m benchmarks.datamarket` on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB "
        f"(shared with other jobs; load {m['load_average_1m']} at the start). Wall-clock seconds; a fresh salted "
        "tree per template, proven on the template's held-out test set; gas on a local anvil with EIP-170 in force.",
        "",
        "| template | shape | logrows | rows | setup s | pk MB | prove s | prove CPU s | prove peak RSS MB | correct "
        "| verifier bytes | verifyProof gas | fulfil gas | request gas |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["templates"]:
        lines.append(
            f"| {r['template']} | {r['shape']} | {r['logrows']} | {r['num_rows']:,} | {r['setup_setup_s']} | "
            f"{r['setup_pk_mb']} | {r['prove_s']} | {r['prove_cpu_s']} | {r['prove_peak_rss_mb']:,} | "
            f"{r['correct']}/{r['rows']} | {r['verifier_runtime_bytes']:,} | {r['verify_proof_gas']:,} | "
            f"{r['fulfil_gas']:,} | {r['request_gas']:,} |"
        )
    if result["size_options"]:
        lines += [
            "",
            "Verifier size options for tree-iris-d3 (EIP-170 allows 24,576 bytes of runtime code):",
            "",
            "| inner cols | rows | option | runtime bytes | fits | VK artifact bytes |",
            "|---|---|---|---|---|---|",
        ]
        for r in result["size_options"]:
            if "error" in r:
                lines.append(f"| {r['inner_cols']} | | {r['option']} | failed: {r['error']} | | |")
                continue
            lines.append(
                f"| {r['inner_cols']} | {r['num_rows']:,} | {r['option']} | {r['runtime_bytes']:,} | "
                f"{'yes' if r['fits_eip170'] else 'no'} | {r.get('vka_bytes') or ''} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.datamarket", description=__doc__)
    p.add_argument("--no-write", action="store_true", help="print only; do not write docs/datamarket-bench.*")
    p.add_argument("--templates", default=",".join(TEMPLATES), help="comma-separated templates")
    p.add_argument("--no-options", action="store_true", help="skip the verifier size options")
    p.add_argument("--child", nargs=5, metavar=("STAGE", "TEMPLATE", "CACHE", "OUT", "BINDING"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        stage, name, cache, out, binding = args.child
        print(json.dumps(_child(stage, name, Path(cache), Path(out), int(binding, 16))))
        return 0
    result = measure(args.templates.split(","), not args.no_options)
    publish("datamarket-bench", result, markdown(result), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
