"""Training the trait decoder (`python -m models train nouns`): every part, judged on combinations never seen.

Data: Nouns composited from `@nouns/assets`' parts (models/nouns.py), a fresh pool of random trait combinations
every `refresh` steps, over every part of every kind (all 254 heads: a prompt names its head, so nothing is held
out but combinations). The 512 evaluation combinations (`eval_seeds`) are drawn once from a fixed seed and kept
out of every training pool. The first `qat_start` of the steps train in float, then fake quantization is on (the
tables on the 2^-7 grid, the last layer int8, y and the digits rounded as ezkl rounds them).

Reported on the evaluation combinations, as the renderer draws the proven digits (q·255 // 128): PSNR, palette
share (pixels within 8/255 of a Nouns palette colour) and pixel accuracy (all three channels within 8/255 of the
true Noun's pixel), for the float network, naive post-training quantization and QAT.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import nouns
from .config import ModelConfig
from .model import AutoEncoder
from .quant import set_quant, snap_weights
from .train import psnr

#: Evaluation combinations.
N_EVAL = 512


def eval_seeds(cfg: ModelConfig) -> np.ndarray:
    """The fixed evaluation combinations (N_EVAL, 5) over every part, distinct."""
    art = nouns.load_art()
    rng = np.random.default_rng(20_000 + cfg.seed)
    seeds = np.unique(nouns.sample_seeds(art, 2 * N_EVAL, rng, np.arange(art.count("heads"))), axis=0)
    return seeds[rng.permutation(len(seeds))[:N_EVAL]]


def latents(seeds: np.ndarray | torch.Tensor, act_bits: int = 7) -> torch.Tensor:
    """Trait ids (B, 5) -> the circuit's input: each prompt byte as an int8 value / 2^act_bits."""
    ids = torch.as_tensor(np.asarray(seeds), dtype=torch.long)
    return torch.where(ids >= 128, ids - 256, ids).float() / 2**act_bits


def drawn(grid: torch.Tensor) -> torch.Tensor:
    """Proven grid q / 128 (B, C, H, W) -> the pixels the renderer draws, (q·255 // 128) / 255."""
    q = torch.round(grid.clamp(0, 1) * 128)
    return torch.floor(q * 255 / 128) / 255


@torch.no_grad()
def quality(decoder, seeds: np.ndarray, images: torch.Tensor, palette: np.ndarray) -> dict:
    """PSNR, palette share and pixel accuracy of the drawn digits for `seeds` against the true Nouns."""
    out = drawn(decoder.art(latents(seeds, decoder.cfg.act_bits)))
    mse = F.mse_loss(out, images).item()
    right = ((out - images).abs() <= 8 / 255 + 1e-9).all(dim=1).float().mean().item()
    return {
        "mse": mse,
        "psnr_db": round(psnr(mse), 3),
        "palette_share": round(nouns.palette_share(out, palette), 4),
        "pixel_accuracy": round(right, 4),
    }


def train(cfg: ModelConfig, log=print, refresh: int = 200) -> tuple[AutoEncoder, dict]:
    """Train the trait decoder of `cfg` deterministically; returns the model (QAT, snapped; its decoder is the
    trait decoder) and its metrics with the loss curve."""

    torch.manual_seed(cfg.seed)
    torch.set_num_threads(1)  # reproducible to the bit, and a shared machine's other thread stays free
    gen = torch.Generator().manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    art = nouns.load_art()
    heads = np.arange(art.count("heads"))
    evals = eval_seeds(cfg)
    eval_images = nouns.to_tensor(nouns.composite(art, evals))
    held = {tuple(s) for s in evals.tolist()}

    model = AutoEncoder(cfg)
    decoder = model.decoder
    opt = torch.optim.Adam(decoder.parameters(), lr=cfg.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.steps, pct_start=0.1)
    qat_step = int(cfg.steps * cfg.qat_start)
    curve: list[dict] = []
    metrics: dict = {}
    start = time.perf_counter()
    for step in range(cfg.steps):
        if step % refresh == 0:  # a fresh pool of combinations, none of them an evaluation combination
            seeds = nouns.sample_seeds(art, refresh * cfg.batch_size // 4, rng, heads)
            seeds = seeds[[tuple(s) not in held for s in seeds.tolist()]]
            pool_z, pool_x = latents(seeds, cfg.act_bits), nouns.to_tensor(nouns.composite(art, seeds))
        if step == qat_step:
            metrics["float"] = quality(decoder.eval(), evals, eval_images, art.palette)
            ptq = copy.deepcopy(decoder)
            set_quant(ptq, True, cfg.act_bits, cfg.weight_bits)
            metrics["ptq_int8"] = quality(ptq, evals, eval_images, art.palette)
            set_quant(decoder.train(), True, cfg.act_bits, cfg.weight_bits)
            log(f"step {step}: float {metrics['float']}, naive PTQ {metrics['ptq_int8']}; QAT on")
        pick = torch.randint(len(pool_z), (cfg.batch_size,), generator=gen)
        loss = F.mse_loss(decoder.art(pool_z[pick]), pool_x[pick])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 0 or step == cfg.steps - 1:
            curve.append({"step": step, "phase": "qat" if step >= qat_step else "float", "mse": loss.item()})
        if step % 1000 == 0 or step == cfg.steps - 1:
            elapsed = time.perf_counter() - start
            log(f"step {step:5d}  mse {loss.item():.5f} (psnr {psnr(loss.item()):.2f})  {elapsed:.0f}s")
    set_quant(decoder, True, cfg.act_bits, cfg.weight_bits)
    snap_weights(decoder)
    decoder.eval()
    metrics["qat_int8"] = quality(decoder, evals, eval_images, art.palette)
    metrics["train_seconds"] = round(time.perf_counter() - start, 1)
    log(json.dumps(metrics, indent=2))
    metrics["curve"] = curve
    return model, metrics


@torch.no_grad()
def save_grid(decoder, path: Path, n: int = 8) -> Path:
    """PNG: the first `n` evaluation combinations, true Nouns above the decoder's drawings, two such pairs of rows."""
    from .nouns_train import write_grid

    art = nouns.load_art()
    seeds = eval_seeds(decoder.cfg)[: 2 * n]
    truth = nouns.to_tensor(nouns.composite(art, seeds))
    out = drawn(decoder.art(latents(seeds, decoder.cfg.act_bits)))
    rows = torch.cat([truth[:n], out[:n], truth[n:], out[n:]])
    return write_grid(rows, n, path)


def save_curve(curve: list[dict], path: Path) -> Path:
    """PNG: the training loss per logged step, float and QAT phases in their own colours (log scale)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=120)
    for phase, colour in (("float", "tab:blue"), ("qat", "tab:orange")):
        points = [(p["step"], p["mse"]) for p in curve if p["phase"] == phase]
        if points:
            ax.plot(*zip(*points, strict=True), color=colour, lw=0.8, label=phase)
    ax.set(xlabel="step", ylabel="training MSE (batch)", yscale="log")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
