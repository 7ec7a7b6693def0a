"""The models CLI: train a registered model and write its checkpoint and sample grid (committed files).

python -m models train pixel32             # models/checkpoints/pixel32.pt, docs/results/images/pixel32-samples.png
python -m models train micro --steps 500   # a quick run (override the registry's steps or seed)
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from . import registry
from .results import RESULTS

IMAGES = RESULTS / "images"


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m models`."""
    trainable = [n for n in registry.names() if registry.get(n).derived_from is None]
    p = argparse.ArgumentParser(
        prog="python -m models", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train a model; writes its checkpoint and sample grid")
    t.add_argument("model", choices=trainable)
    t.add_argument("--steps", type=int, help="override the registry's training steps")
    t.add_argument("--seed", type=int, help="override the registry's seed")
    args = p.parse_args(argv)

    from .model import CHECKPOINTS, save_checkpoint  # torch loads only for real work, not for --help
    from .train import save_grid, split, train

    cfg = registry.get(args.model).model
    cfg = replace(cfg, steps=args.steps or cfg.steps, seed=cfg.seed if args.seed is None else args.seed)
    if cfg.kind == "traits":  # the trait decoder has its own recipe (models/traits_train.py)
        from . import traits_train

        model, metrics = traits_train.train(cfg)
        curve = metrics.pop("curve")
        checkpoint = save_checkpoint(model, CHECKPOINTS / f"{cfg.name}.pt", metrics=metrics, curve=curve)
        grid = traits_train.save_grid(model.decoder, IMAGES / f"{cfg.name}-samples.png")
        plot = traits_train.save_curve(curve, IMAGES / f"{cfg.name}-loss.png")
        print(f"wrote {checkpoint}, {grid} and {plot}")
        return 0
    if cfg.dataset == "nouns":  # the real Nouns have their own recipe (models/nouns_train.py)
        from . import nouns_train

        model, metrics = nouns_train.train(cfg)
        curve = metrics.pop("curve")
        checkpoint = save_checkpoint(model, CHECKPOINTS / f"{cfg.name}.pt", metrics=metrics, curve=curve)
        grid = nouns_train.save_grid(model, IMAGES / f"{cfg.name}-samples.png")
        print(f"wrote {checkpoint} and {grid}")
        return 0
    model, metrics = train(cfg)
    checkpoint = save_checkpoint(model, CHECKPOINTS / f"{cfg.name}.pt", metrics=metrics)
    grid = save_grid(model, split(cfg)[0], IMAGES / f"{cfg.name}-samples.png")
    print(f"wrote {checkpoint} and {grid}")
    return 0
