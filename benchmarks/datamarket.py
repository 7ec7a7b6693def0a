"""The dataset market's numbers: cost against the test-set size N, per template, verifier size against EIP-170.

    python -m benchmarks.datamarket              # writes docs/results/datamarket-bench.{json,md}
    python -m benchmarks.datamarket --rows 1000 --templates "" --no-options --no-write

First the cost curve on the buyer-scale template (`tree-synth13-d5`: 13 features, depth 5, chunks of 250 rows):
per N (default 48, 256, 1,000), a fresh salted tree proven on an N-row held-out test set, one proof per chunk,
all chunks in one child process (wall seconds, CPU seconds, peak RSS), then the request and the one `fulfil` that
verifies every chunk on an untraced local anvil with the standard EIP-170 limit (`verifyProof` gas summed over
the chunks, `request` and `fulfil` gas). Then per small template (the same, at its capacity, with its setup
measured), and the size options for the CI template's verifier, each built from scratch in a temporary folder:
one vs two inner columns, ezkl's reusable verifier (+ its separate VK artifact), and the optimizer's `runs`.
Numbers come from this run only.
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

from models import registry
from models.trees import TreeTemplate
from proofs.model_artifacts import ModelArtifacts, artifacts_of
from proofs.progress import quiet
from proofs.trees import ChunkedProof
from proofs.trees import build as build_template
from proofs.trees import prove as prove_tree
from zkaigc.abi import json_abi
from zkaigc.datamarket import binding_of, prepare_sale
from zkaigc.localchain import Anvil
from zkaigc.solidity import SOLC_VERSION, standard_input

from .measure import EIP170, describe, machine, publish, run_child

#: The buyer-scale template the cost curve is measured on, and its test-set sizes.
SCALE_TEMPLATE, SCALE_ROWS = "tree-synth13-d5", "48,256,1000"


# --------------------------------------------------------------------------------------------------------
# child stages: each prints one JSON line
# --------------------------------------------------------------------------------------------------------
def _child(stage: str, name: str, cache: str, out: Path, rows: int, bindings: list[int]) -> dict:
    template = registry.get(name, TreeTemplate)
    roots = {"cache_root": Path(cache)} if cache else {}
    start = time.perf_counter()
    if stage == "setup":
        art = ModelArtifacts(name, progress=quiet, **roots)
        art.setup()
        return {"setup_s": round(time.perf_counter() - start, 1), "pk_mb": round(art.pk.stat().st_size / 2**20, 1)}
    sale = prepare_sale(template, rows=rows or None)
    # per chunk: witness + prove + verify (the tree compiled once); the pk is loaded by each prove
    proof = prove_tree(template, sale.tree, sale.test_set, bindings, out, progress=quiet, **roots)
    (out / "tree-proof.json").write_text(json.dumps(proof.to_json()))
    return {
        "prove_s": proof.seconds,
        "chunk_prove_s": [c.seconds for c in proof.chunks],
        "correct": proof.correct,
        "rows": proof.rows,
        "proof_bytes": len(proof.proofs[0]),
    }


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


def chain_numbers(template: TreeTemplate, prove, rows: int, roots: dict | None = None) -> tuple[dict, dict]:
    """On an untraced anvil with EIP-170 in force: deploy the verifier and the market, have `prove(bindings)` prove
    request 1's chunks (returns the child's numbers and the proofs), request, estimate and fulfil."""
    from ape import project

    art = ModelArtifacts(template.name, **(roots or {}))
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
        shape = (template.rows, template.chunks, template.features, template.depth, template.classes, scale)
        send(fns.registerTemplate(verifier.address, *shape), owner)
        send(fns.listDataset(1, b"\x00" * 32, vendor, 1, 10**9, 15 * 10**17), vendor)
        # request 1 does not exist yet (its commitment comes from the proving child): the bindings it will have
        chunks = template.chunks_for(rows)
        bindings = [binding_of(w3.eth.chain_id, market.address, 1, 1, i) for i in range(chunks)]
        proved, proof = prove(bindings)
        deadline = w3.eth.get_block("latest").timestamp + 3600
        request_gas = send(fns.request(1, proof.commitment, proof.rows, 1, deadline, 10**9), customer, 10**9)
        if [fns.requestBinding(1, i).call() for i in range(chunks)] != [c.binding for c in proof.chunks]:
            raise RuntimeError("the benchmark's proofs are bound to another request")
        verify = [verifier.functions.verifyProof(c.proof, c.instances).estimate_gas() for c in proof.chunks]
        fulfil_gas = send(fns.fulfil(1, proof.proofs, proof.instances), vendor)
    return proved, {
        "verifier_runtime_bytes": (len(runtime) - 2) // 2,
        "fits_eip170": (len(runtime) - 2) // 2 <= EIP170,
        "verifier_deploy_gas": deploy_gas,
        "chunks": chunks,
        "verify_proof_gas": verify[0],  # one chunk's (a transaction of its own: 21,000 and its calldata included)
        "verify_proof_gas_sum": sum(verify),
        "request_gas": request_gas,
        "fulfil_gas": fulfil_gas,
    }


# --------------------------------------------------------------------------------------------------------
# verifier size options (CI template)
# --------------------------------------------------------------------------------------------------------
def size_options(name: str) -> list[dict]:
    """Verifier runtime size of the template built with each option, from scratch in a temporary folder."""

    base = registry.get(name, TreeTemplate)
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


def _prover(name: str, cache: str, tmp: Path, rows: int):
    """prove(bindings) -> (the child's numbers, its proofs): proving in a child process, for a request's chunks."""

    def prove(bindings: list[int]) -> tuple[dict, ChunkedProof]:
        binds = ",".join(hex(b) for b in bindings)
        proved = run_child("benchmarks.datamarket", "--child", "prove", name, cache, str(tmp), str(rows), binds)
        return proved, ChunkedProof.from_json(json.loads((tmp / "tree-proof.json").read_text()))

    return prove


# --------------------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------------------
def scale_curve(name: str, rows_list: list[int], partial=None) -> list[dict]:
    """Per N: prove an N-row test set on the buyer-scale template (its pk from the usual cache, built on first
    use) and fulfil it on anvil; `partial(rows so far)` after each N (a long run keeps what it measured)."""
    template, out = registry.get(name, TreeTemplate), []
    for rows in rows_list:
        with tempfile.TemporaryDirectory() as tmp:
            proved, onchain = chain_numbers(template, _prover(name, "", Path(tmp), rows), rows)
        row = {"N": rows, "template": name, **proved, **onchain}
        row["prove_peak_rss_mb"], row["prove_cpu_s"] = row.pop("peak_rss_mb"), row.pop("cpu_s")
        out.append(row)
        print(json.dumps(row), file=sys.stderr)
        if partial is not None:
            partial(out)
    return out


def measure(names: list[str], options: bool, scale_rows: list[int], write: bool = False) -> dict:
    result = {"machine": machine(), "scale": [], "templates": [], "size_options": []}

    def partial(rows: list[dict]) -> None:
        result["scale"] = rows
        publish("datamarket-bench", result, markdown(result), write=write)

    if scale_rows:
        result["scale"] = scale_curve(SCALE_TEMPLATE, scale_rows, partial)
    for name in names:
        template = registry.get(name, TreeTemplate)
        with tempfile.TemporaryDirectory() as tmp:
            cache = str(Path(tmp) / "cache")
            setup = run_child("benchmarks.datamarket", "--child", "setup", name, cache, tmp, "0", "")
            proved, onchain = chain_numbers(template, _prover(name, cache, Path(tmp), 0), template.capacity)
        art = artifacts_of(name)
        row = {
            "template": name,
            "dataset": template.dataset,
            "shape": f"{template.chunks}x{template.rows} rows F={template.features} d={template.depth}",
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
        f"Measured by `python -m benchmarks.datamarket` on {describe(m)}. Wall-clock seconds; a fresh salted "
        "tree, proven on a held-out test set one chunk after the other in one process (peak RSS of that process); "
        "gas on a local anvil with EIP-170 in force: `verifyProof` as its own transaction per chunk, summed, and the "
        "one `fulfil` that checks and verifies every chunk.",
    ]
    if result.get("scale"):
        lines += [
            "",
            f"Cost against the test-set size N ({SCALE_TEMPLATE}: 13 features, depth 5, 4 classes, chunks of 250 rows, "
            "logrows 18):",
            "",
            "| N | chunks | prove s (total) | per chunk s | prove CPU s | prove peak RSS MB | correct | "
            "verifyProof gas (sum) | fulfil gas | request gas |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in sorted(result["scale"], key=lambda r: r["N"]):
            lines.append(
                f"| {r['N']:,} | {r['chunks']} | {r['prove_s']} | {', '.join(str(x) for x in r['chunk_prove_s'])} | "
                f"{r['prove_cpu_s']} | {r['prove_peak_rss_mb']:,} | {r['correct']}/{r['rows']} | "
                f"{r['verify_proof_gas_sum']:,} | {r['fulfil_gas']:,} | {r['request_gas']:,} |"
            )
    lines += [
        "",
        "Per template, at its capacity (setup: the proving key from scratch):",
        "",
        "| template | shape | logrows | rows | setup s | pk MB | prove s | prove CPU s | prove peak RSS MB | correct "
        "| verifier bytes | verifyProof gas (sum) | fulfil gas | request gas |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["templates"]:
        lines.append(
            f"| {r['template']} | {r['shape']} | {r['logrows']} | {r['num_rows']:,} | {r['setup_setup_s']} | "
            f"{r['setup_pk_mb']} | {r['prove_s']} | {r['prove_cpu_s']} | {r['prove_peak_rss_mb']:,} | "
            f"{r['correct']}/{r['rows']} | {r['verifier_runtime_bytes']:,} | {r['verify_proof_gas_sum']:,} | "
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
    p.add_argument("--no-write", action="store_true", help="print only; do not write docs/results/datamarket-bench.*")
    small = ",".join(n for n in registry.names(TreeTemplate) if n != SCALE_TEMPLATE)
    p.add_argument("--templates", default=small, help="comma-separated templates measured at capacity with setup")
    p.add_argument("--rows", default=SCALE_ROWS, help=f"test-set sizes N for the cost curve on {SCALE_TEMPLATE}")
    p.add_argument("--no-options", action="store_true", help="skip the verifier size options")
    child = ("STAGE", "TEMPLATE", "CACHE", "OUT", "ROWS", "BINDINGS")
    p.add_argument("--child", nargs=6, metavar=child, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        stage, name, cache, out, rows, binds = args.child
        bindings = [int(b, 16) for b in binds.split(",") if b]
        print(json.dumps(_child(stage, name, cache, Path(out), int(rows), bindings)))
        return 0
    names = [n for n in args.templates.split(",") if n]
    result = measure(names, not args.no_options, [int(n) for n in args.rows.split(",") if n], not args.no_write)
    publish("datamarket-bench", result, markdown(result), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
