"""The dataset market's cost curve against the test-set size N: one circuit per N, F = 13 features, depth 5.

    python -m benchmarks.datamarket_scale                      # N = 48,256,1000; writes docs/results/datamarket-scale.*
    python -m benchmarks.datamarket_scale --rows 48,128 --max-logrows 18 --no-write
    python -m benchmarks.datamarket_scale --rows 250 --decomp 2048,2 --out datamarket-chunk   # a 2^18 chunk

Per N, a template of the buyer-scale shape (`synth13`: 13 features, 4 classes, depth 5) is built from scratch in
a temporary folder. Its circuit rows and logrows are always reported (ezkl's settings: seconds); where logrows is
at most `--max-logrows`, the template is also set up and a fresh salted tree proven, each stage in its own child
process (wall seconds, CPU seconds, peak RSS), and verified on an untraced anvil with EIP-170 in force
(`verifyProof` and `fulfil` gas). Larger N are reported as rows only: what they would cost is the question the
rows answer (prove time and memory grow with 2^logrows). Numbers come from this run only.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from models.trees import TreeTemplate
from models.trees.templates import TREE_CIRCUIT
from proofs.model_artifacts import ModelArtifacts
from proofs.progress import quiet
from proofs.trees import ChunkedProof, build, export_reference, prove
from zkaigc.datamarket import prepare_sale

from .datamarket import chain_numbers
from .measure import describe, machine, publish, run_child

FEATURES, DEPTH, CLASSES = 13, 5, 4


def scale_template(rows: int, decomp: tuple[int, int] = (128, 4)) -> TreeTemplate:
    """The buyer-scale shape at capacity `rows` (not a committed template), with a range-check decomposition of
    `decomp` = (base, legs)."""
    circuit = dataclasses.replace(TREE_CIRCUIT, decomp_base=decomp[0], decomp_legs=decomp[1])
    name = f"tree-synth13-d5-n{rows}"
    return TreeTemplate(name, "synth13", rows=rows, features=FEATURES, depth=DEPTH, classes=CLASSES, circuit=circuit)


def _roots(work: Path) -> dict:
    return {"root": work / "artifacts", "cache_root": work / "cache", "verifiers_root": work / "verifiers"}


def _child(stage: str, rows: int, work: Path, binding: int, decomp: tuple[int, int]) -> dict:
    template, roots = scale_template(rows, decomp), _roots(work)
    start = time.perf_counter()
    if stage == "settings":  # settings only: what the circuit costs, without a setup
        art = ModelArtifacts(template.name, progress=quiet, **roots)
        export_reference(template, art)
        settings = art.fit_settings(template.circuit)
        return {"num_rows": settings["num_rows"], "logrows": settings["run_args"]["logrows"]}
    if stage == "build":  # settings, setup, verifier
        art = build(template, progress=quiet, **roots)
        return {"build_s": round(time.perf_counter() - start, 1), "pk_mb": round(art.pk.stat().st_size / 2**20, 1)}
    sale = prepare_sale(template)
    proof = prove(template, sale.tree, sale.test_set, [binding], work / "prove", progress=quiet, **roots)
    (work / "tree-proof.json").write_text(json.dumps(proof.to_json()))
    return {"prove_s": proof.seconds, "correct": proof.correct, "rows": proof.rows, "proof_bytes": len(proof.proofs[0])}


def measure(rows_list: list[int], max_logrows: int, decomp: tuple[int, int] = (128, 4)) -> dict:
    shape = {"features": FEATURES, "depth": DEPTH, "classes": CLASSES, "decomp": list(decomp)}
    result = {"machine": machine(), "shape": shape, "rows": []}
    child = ("benchmarks.datamarket_scale", "--decomp", f"{decomp[0]},{decomp[1]}", "--child")
    for rows in rows_list:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            row = {"N": rows, **run_child(*child, "settings", str(rows), tmp, "0")}
            row.pop("cpu_s"), row.pop("peak_rss_mb")
            if row["logrows"] <= max_logrows:
                built = run_child(*child, "build", str(rows), tmp, "0")
                row |= {"build_s": built["build_s"], "pk_mb": built["pk_mb"], "build_peak_rss_mb": built["peak_rss_mb"]}

                def prover(bindings: list[int], rows=rows, tmp=tmp, work=work) -> tuple[dict, ChunkedProof]:
                    proved = run_child(*child, "prove", str(rows), tmp, hex(bindings[0]))
                    return proved, ChunkedProof.from_json(json.loads((work / "tree-proof.json").read_text()))

                proved, onchain = chain_numbers(scale_template(rows, decomp), prover, rows, roots=_roots(work))
                row |= {f"prove_{k}" if k in ("peak_rss_mb", "cpu_s") else k: v for k, v in proved.items()}
                row |= onchain
            result["rows"].append(row)
            print(json.dumps(row), file=sys.stderr)
    return result


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        "# Dataset market: cost against the test-set size",
        "",
        f"Measured by `python -m benchmarks.datamarket_scale` on {describe(m)}. One circuit per N: 13 features, "
        f"depth 5, 4 classes (`synth13`), one inner column, range checks decomposed as {result['shape']['decomp'][0]}^"
        f"{result['shape']['decomp'][1]}; wall-clock seconds; gas on a local anvil with EIP-170 in force. "
        "Rows without timings were not set up or proven (logrows above the run's limit).",
        "",
        "| N | circuit rows | rows per test row | logrows | build s (settings + setup + verifier) | pk MB | "
        "build peak RSS MB | prove s | prove peak RSS MB | correct | verifier bytes | verifyProof gas | fulfil gas |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        timed = "prove_s" in r
        cells = [
            f"{r['N']:,}",
            f"{r['num_rows']:,}",
            f"{r['num_rows'] / r['N']:,.0f}",
            str(r["logrows"]),
            *(
                [
                    str(r["build_s"]),
                    str(r["pk_mb"]),
                    f"{r['build_peak_rss_mb']:,}",
                    str(r["prove_s"]),
                    f"{r['prove_peak_rss_mb']:,}",
                    f"{r['correct']}/{r['rows']}",
                    f"{r['verifier_runtime_bytes']:,}",
                    f"{r['verify_proof_gas']:,}",
                    f"{r['fulfil_gas']:,}",
                ]
                if timed
                else ["–"] * 9
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.datamarket_scale", description=__doc__)
    p.add_argument("--rows", default="48,256,1000", help="comma-separated test-set capacities N")
    p.add_argument("--max-logrows", type=int, default=19, help="set up and prove only circuits this small")
    p.add_argument("--decomp", default="128,4", help="range-check decomposition BASE,LEGS (default the committed)")
    p.add_argument("--out", default="datamarket-scale", help="docs/results/<OUT>.{json,md}")
    p.add_argument("--no-write", action="store_true", help="print only; do not write docs/results/<OUT>.*")
    p.add_argument("--child", nargs=4, metavar=("STAGE", "ROWS", "WORK", "BINDING"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    base, legs = (int(v) for v in args.decomp.split(","))
    if args.child:
        stage, rows, work, binding = args.child
        print(json.dumps(_child(stage, int(rows), Path(work), int(binding, 16), (base, legs))))
        return 0
    result = measure([int(n) for n in args.rows.split(",")], args.max_logrows, (base, legs))
    publish(args.out, result, markdown(result), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
