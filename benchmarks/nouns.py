"""The showcase's figures (`python -m benchmarks.nouns`): quality, circuit, proving, gas -> docs/results/nouns.json.

Quality is measured on the 512 fixed evaluation combinations (`models.traits_train.eval_seeds`, never trained on),
as the renderer draws the int8 model's digits (the circuit's, within one digit: `sample_fidelity` in the model's
meta.json): PSNR, palette share, pixel accuracy, and trait adherence scored by a classifier trained on real Nouns
(`models.classifier`, its own accuracy on real Nouns reported beside it). The circuit figures come from the committed
settings; proving is measured in a child process each (setup, then prove of one prompt: wall time and peak RSS);
mint gas is the committed sample minted on a fresh anvil (`benchmarks.mint_gas`).

    python -m benchmarks.nouns              # everything (setup + prove take minutes and ~9 GB)
    python -m benchmarks.nouns --no-prove   # quality, circuit and gas only
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from models.results import RESULTS
from proofs.model_artifacts import ModelArtifacts

from .measure import machine

MODEL = "nouns"


def quality(name: str = MODEL) -> dict:
    """Quality of the committed int8 model on the evaluation combinations, with adherence when a classifier exists."""
    import torch

    from models import nouns, traits_train
    from models.model import load_model

    model, _ = load_model(name)
    art = nouns.load_art()
    seeds = traits_train.eval_seeds(model.cfg)
    truth = nouns.to_tensor(nouns.composite(art, seeds))
    row = traits_train.quality(model.decoder, seeds, truth, art.palette)
    try:
        from models import classifier
    except ImportError:  # no adherence scorer in this tree
        return row
    with torch.no_grad():
        drawn = traits_train.drawn(model.decoder.art(traits_train.latents(seeds)))
    row["adherence"] = classifier.adherence(drawn, seeds)
    row["classifier_accuracy"] = classifier.adherence(truth, seeds)
    return row


def circuit(name: str = MODEL) -> dict:
    """Rows, assignments and logrows of the committed circuit."""
    settings = ModelArtifacts(name).load_settings()
    return {
        "assignments": settings.get("total_assignments"),
        "rows": settings.get("num_rows"),
        "logrows": settings["run_args"]["logrows"],
        "num_inner_cols": settings["run_args"]["num_inner_cols"],
    }


def proving(name: str = MODEL) -> dict:
    """Setup and prove of one prompt, each in a child process: seconds and peak RSS."""
    from .proving import run_stage

    with tempfile.TemporaryDirectory() as tmp:
        cache, work = Path(tmp) / "cache", Path(tmp) / "run"
        work.mkdir()
        setup = run_stage(name, "setup", cache, work)
        prove = run_stage(name, "prove", cache, work)
    return {
        "setup_s": setup["seconds"],
        "setup_peak_rss_mb": setup["peak_rss_mb"],
        "prove_s": prove["seconds"],
        "peak_rss_mb": prove["peak_rss_mb"],
        "load": prove["load"],
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m benchmarks.nouns`."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.nouns", description=__doc__)
    p.add_argument("--no-prove", action="store_true", help="skip setup and prove (minutes, ~9 GB)")
    args = p.parse_args(argv)
    from . import mint_gas

    report = {"model": MODEL, **quality(), **circuit()}
    if not args.no_prove:
        report.update(proving())
    [gas] = mint_gas.measure([MODEL])
    report.update(mint_gas=gas["mint_gas"], fulfil_gas=gas["fulfil_gas"], verifier_gas=gas["verifier_gas"])
    report["machine"] = machine()
    path = RESULTS / "nouns.json"
    path.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
