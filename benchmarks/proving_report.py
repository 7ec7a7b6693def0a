"""The proving benchmark's report (benchmarks/proving.py): the stages it compares, the markdown of
docs/results/benchmarks.md from the JSON report, and the output-stage issue's targets judged on one run's rows."""

from __future__ import annotations

from .history import OLD_STAGE_CONTRACTS
from .measure import EIP170

NEW, OLD = "new", "old"
STAGE_LABELS = {
    NEW: "new: sigmoid digits (one lookup each, 8-bit ×15 per instance), the prompt packed into one instance",
    OLD: "old: two-ReLU clamp (7-bit ×16 per instance), one instance per prompt byte",
}


def to_markdown(report: dict) -> str:
    """docs/results/benchmarks.md from the JSON report."""
    m = report["machine"]
    rows = report["models"]

    def num(r, key):
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
        "## The output stage: old against new (one run, the same prompt bytes)",
        "",
        *(f"- *{label}*" for label in STAGE_LABELS.values()),
        f"- The old stage is its own checkpoint (`<model>-clamp`, trained for the clamp), rebuilt by the benchmark "
        f"and minted through the contracts of commit {OLD_STAGE_CONTRACTS[:10]} (benchmarks/history.py).",
        "",
        "| model | stage | image (proven) | logrows | rows | assignments | per digit | instances | aigcData B "
        "| PSNR dB | prove s | prove CPU s | prove peak RSS MB | verify gas | mint gas | fulfil gas |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['stage']} | {r['resolution']} ({r['proven_grid']}) | {r['logrows']} | "
            f"{r['rows']:,} | {r['assignments']:,} | {r['assignments_per_digit']} | {r['public_instances']:,} | "
            f"{r['aigc_bytes']:,} | {r['psnr_db'] if r['psnr_db'] is not None else '—'} | {r['prove_s']} | "
            f"{r['prove_child_cpu_s']} | {r['peak_rss_mb']} | {r['verify_gas']:,} | {num(r, 'mint_gas')} | "
            f"{num(r, 'fulfil_gas')} |"
        )
    lines += [
        "",
        "## Details",
        "",
        "| model | stage | cols | lookup range | setup s | setup peak RSS MB | verify s | pk MB | vk KB | proof B "
        "| calldata B | collection verify gas | verifier runtime B |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['stage']} | {r['num_inner_cols']} | {tuple(r['lookup_range'])} | {r['setup_s']} | "
            f"{r['setup_peak_rss_mb']} | {r['verify_s']} | {r['pk_mb']} | {r['vk_kb']} | {r['proof_bytes']:,} | "
            f"{r['calldata_bytes']:,} | {num(r, 'collection_verify_gas')} | {r['runtime_bytes']:,} |"
        )
    lines += [
        "",
        "- *assignments*: ezkl's `total_assignments` (cells); *per digit*: over the proven grid's digits, the "
        "decoder's matmuls included.",
        "- *instances*: public instances of the proof (the prompt, then the packed digits).",
        "- *PSNR*: the checkpoint's held-out PSNR with the encoder's latent rounded to prompt bytes (models/train.py).",
        "- *verify gas*: a transaction calling the generated verifier's `verifyProof(proof, instances)` directly "
        "(21,000 base and the calldata of 32-byte instances included); the proof is accepted.",
        "- *mint gas*: `mint` of a claimed prompt on a collection without a minter (verify + storing "
        "`prompt ‖ aigcData` as contract code + the ERC-721 mint + events); *fulfil gas*: the marketplace's "
        "`fulfil` of a paid request (escrow settlement + the mint; benchmarks/mint_gas.py), new stage only.",
        "- *calldata B*: ABI calldata of `verify(bytes prompt, bytes aigcData, bytes proof)`.",
        "- *prove s*: `ezkl.prove` alone (witness excluded); *prove CPU s*: user+system CPU seconds of the prove "
        "child, imports and witness included. With 2 cores wall time can be below CPU time.",
        "- setup includes compiling the circuit.",
        "",
        "## Targets",
        "",
    ]
    for t in report["targets"]:
        lines.append(f"- {t['what']}: target {t['target']}, measured {t['measured']} -> **{t['verdict']}**")
    return "\n".join(lines) + "\n"


def targets(rows: list[dict]) -> list[dict]:
    """The output-stage issue's targets against this run's numbers (new stage; old from the same run)."""
    out = []

    def check(what, value, limit, unit, higher_is_better=False):
        if value is None or limit is None:
            return
        met = value >= limit if higher_is_better else value <= limit
        sign = ">=" if higher_is_better else "<="
        out.append(
            {
                "what": what,
                "target": f"{sign} {limit:,} {unit}",
                "measured": f"{value:,} {unit}",
                "verdict": "met" if met else "MISSED",
            }
        )

    old = {r["model"]: r for r in rows if r["stage"] == OLD}
    for r in (r for r in rows if r["stage"] == NEW):
        name, before = r["model"], old.get(r["model"])
        if before is not None:
            if r["psnr_db"] is not None and before["psnr_db"] is not None:
                check(f"{name} PSNR vs old stage − 0.3", r["psnr_db"], round(before["psnr_db"] - 0.3, 2), "dB", True)
            check(f"{name} prove vs 0.6 × old stage", r["prove_s"], round(0.6 * before["prove_s"], 2), "s")
        if name == "pixel32":
            check(f"{name} assignments per digit", r["assignments_per_digit"], 20, "cells")
            check(f"{name} prove (goal)", r["prove_s"], 5, "s")
            check(f"{name} logrows", r["logrows"], 15, "")
            check(f"{name} peak RSS (prove)", r["peak_rss_mb"], 700, "MB")
            check(f"{name} mint gas", r["mint_gas"], 850_000, "gas")
        check(f"{name} verifier runtime (EIP-170)", r["runtime_bytes"], EIP170, "B")
    return out
