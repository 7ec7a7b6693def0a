"""The Nouns model's image quality, measured: held-out Nouns, random prompts, photos, and the training curves.

    python -m benchmarks.nouns_quality          # writes docs/nouns-quality.json and docs/images/nouns32-*.png

On the committed checkpoint (int8, QAT), every image as the renderer draws it (digit q -> q·255/127):

- *unseen heads*: 512 Nouns whose heads no training Noun has; *unseen combinations*: 512 new combinations of
  training parts. PSNR of the int8-prompt reconstruction (encoder -> int8 prompt -> int8 decoder), and the share
  of pixels within 8/255 (every channel) of a Nouns palette colour;
- the same through a latent fitted to each image (the encoder's latent refined through the int8 decoder, as text
  prompts are made), rounded to the int8 prompt;
- *random prompts*: 512 prompts of uniformly random bytes, the same palette share;
- grids (PNG): held-out originals above their reconstructions, 32 random prompts, photos above their Nouns;
- the loss curves of the float and QAT phases from the checkpoint.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from models import nouns, nouns_train
from models.model import load_checkpoint
from models.train import psnr, quantize_latent

DOCS = Path(__file__).resolve().parent.parent / "docs"
MODEL = "nouns32"


def loss_plot(curve: list[dict], path: Path) -> Path:
    """The reconstruction loss (as PSNR) and the prior term over the steps, float and QAT phases coloured."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    for phase, colour in (("float", "tab:blue"), ("qat", "tab:orange")):
        pts = [c for c in curve if c["phase"] == phase]
        steps = [c["step"] for c in pts]
        a.plot(steps, [c["recon_mse"] for c in pts], color=colour, lw=0.8, label=f"{phase} reconstruction MSE")
        b.plot(steps, [c["sw"] for c in pts], color=colour, lw=0.8, label=f"{phase} sliced-Wasserstein")
    for ax, title in ((a, "reconstruction (training batch)"), (b, "prior term")):
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_title(title)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def fitted(model, images: torch.Tensor, palette) -> dict:
    """Reconstruction through a latent fitted to each image (`nouns_train.invert`), rounded to the int8 prompt."""
    z = quantize_latent(nouns_train.invert(model, images), model.cfg.act_bits)
    with torch.no_grad():
        out = nouns_train.rendered(model, z).clamp(0, 1)
    mse = torch.nn.functional.mse_loss(out, images).item()
    return {"mse": mse, "psnr_db": round(psnr(mse), 3), "palette_share": round(nouns.palette_share(out, palette), 4)}


@torch.no_grad()
def measure(write: bool = True) -> dict:
    """Quality figures of the committed nouns32 checkpoint; with `write`, the JSON and the PNGs under docs/."""
    model, extra = load_checkpoint(MODEL)
    cfg = model.cfg
    art = nouns.load_art()
    evals = nouns_train.eval_splits(cfg)
    result = {
        "model": MODEL,
        "unseen_heads": nouns_train.evaluate(model, evals["unseen_heads"], art.palette),
        "unseen_combos": nouns_train.evaluate(model, evals["unseen_combos"], art.palette),
        "random_prompts": nouns_train.random_prompt_quality(model, art.palette),
        "unseen_heads_fitted_latent": fitted(model, evals["unseen_heads"], art.palette),
        "unseen_combos_fitted_latent": fitted(model, evals["unseen_combos"], art.palette),
        "training": {k: extra["metrics"][k] for k in ("float", "ptq_int8", "qat_int8", "train_seconds")},
    }
    if write:
        images = DOCS / "images"
        pairs = []
        for split in ("unseen_heads", "unseen_combos"):
            x = evals[split][:8]
            pairs += [x, nouns_train.rendered(model, quantize_latent(model.encoder(x), cfg.act_bits)).clamp(0, 1)]
        nouns_train.write_grid(torch.cat(pairs), 8, images / f"{MODEL}-heldout.png")
        gen = torch.Generator().manual_seed(7)
        z = torch.randint(-128, 128, (32, cfg.latent_dim), generator=gen).float() / 2**cfg.act_bits
        nouns_train.write_grid(nouns_train.rendered(model, z).clamp(0, 1), 8, images / f"{MODEL}-random.png")
        photos = nouns_train.photo_batch(nouns_train.photos(), 8, torch.Generator().manual_seed(3))
        drawn = nouns_train.rendered(model, quantize_latent(model.encoder(photos), cfg.act_bits)).clamp(0, 1)
        nouns_train.write_grid(torch.cat([photos, drawn]), 8, images / f"{MODEL}-photos.png")
        if extra.get("curve"):
            loss_plot(extra["curve"], images / f"{MODEL}-loss.png")
        (DOCS / "nouns-quality.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m benchmarks.nouns_quality`."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.nouns_quality", description=__doc__)
    p.add_argument("--no-write", action="store_true", help="print only")
    args = p.parse_args(argv)
    print(json.dumps(measure(write=not args.no_write), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
