"""Training a registered model with a fixed seed (the CLI is ``python -m models train pixel32``).

Sliced-Wasserstein autoencoder: reconstruction MSE plus a sliced-Wasserstein distance pulling the encoded
latents towards the uniform distribution on [-1, 1)^d, so decoding random prompt bytes gives plausible
images. The first ``qat_start`` of the steps train in float; then fake quantization (models/quant.py) is on
for the rest (quantization-aware training). Reported: float, naive post-training-quantized (PTQ) and QAT int8
quality on held-out images. This module returns the model; the CLI saves the checkpoint and the sample grid.
"""

from __future__ import annotations

import copy
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import data, registry
from .circuit import CircuitConfig
from .config import ModelConfig
from .model import AutoEncoder
from .quant import snap_weights


def sliced_wasserstein(z: torch.Tensor, prior: torch.Tensor, projections: int = 32) -> torch.Tensor:
    """Squared sliced-Wasserstein-2 distance between two equally sized point clouds (B, d)."""
    dirs = F.normalize(torch.randn(z.shape[1], projections), dim=0)
    a, _ = torch.sort(z @ dirs, dim=0)
    b, _ = torch.sort(prior @ dirs, dim=0)
    return ((a - b) ** 2).mean()


def psnr(mse: float) -> float:
    """PSNR in dB for images in [0, 1]."""
    return 10 * math.log10(1.0 / mse) if mse > 0 else float("inf")


@torch.no_grad()
def evaluate(model: AutoEncoder, images: torch.Tensor) -> dict:
    """Reconstruction MSE/PSNR of clamped outputs (as the renderer shows them)."""
    model.eval()
    _, recon = model(images)
    mse = F.mse_loss(recon.clamp(0, 1), images).item()
    model.train()
    return {"mse": mse, "psnr_db": psnr(mse)}


def quantize_latent(z: torch.Tensor, bits: int) -> torch.Tensor:
    """Encoder output -> the latent a prompt can carry (int8 at `bits`)."""
    return torch.clamp(torch.round(z * 2**bits), -128, 127) / 2**bits


def split(cfg: ModelConfig) -> tuple[torch.Tensor, torch.Tensor, torch.Generator]:
    """The seeded (held-out, training) images (B, C, H, W) of a config, and the generator training goes on with."""
    images = data.load(cfg.dataset, cfg.num_train + 512, cfg.image_size, cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    perm = torch.randperm(len(images), generator=gen)
    n_eval = min(512, len(images) // 5)
    return images[perm[:n_eval]], images[perm[n_eval:]], gen


def train(cfg: ModelConfig, log=print, circuit: CircuitConfig | None = None) -> tuple[AutoEncoder, dict]:
    """Train `cfg` deterministically; returns the model (QAT, snapped) and its metrics. Writes nothing. A sigmoid-
    stage model keeps its certified pre-activations inside `circuit`'s lookup range (default: the registry's)."""
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    test, trainset, gen = split(cfg)

    model = AutoEncoder(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.steps, pct_start=0.1)
    qat_step = int(cfg.steps * cfg.qat_start)
    bound = registry.pre_activation_bound(cfg, circuit)
    metrics: dict = {}
    start = time.perf_counter()
    for step in range(cfg.steps):
        if step == qat_step:
            metrics["float"] = evaluate(model, test)
            ptq = copy.deepcopy(model)
            ptq.set_quant(True)
            snap_weights(ptq.decoder)
            metrics["ptq_int8"] = evaluate(ptq, test)
            model.set_quant(True)
            log(f"step {step}: float {metrics['float']}, naive PTQ int8 {metrics['ptq_int8']}; QAT on")
        x = trainset[torch.randint(len(trainset), (cfg.batch_size,), generator=gen)]
        z, recon = model(x)
        prior = torch.rand(z.shape, generator=gen) * 2 - 1
        rec = F.mse_loss(recon, x)
        loss = rec + cfg.sw_weight * sliced_wasserstein(z, prior)
        if bound is not None:  # keep every prompt's pre-activation inside the sigmoid lookup's range
            lo, hi = model.decoder.interval_bounds()
            loss = loss + (torch.relu(hi - bound) + torch.relu(-bound - lo)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 500 == 0 or step == cfg.steps - 1:
            log(f"step {step:5d}  loss {loss.item():.5f}  recon {rec.item():.5f}  {time.perf_counter() - start:.0f}s")
    model.set_quant(True)
    snap_weights(model.decoder)
    model.eval()
    metrics["qat_int8"] = evaluate(model, test)
    # What a prompt really carries: the encoder's latent rounded to int8 bytes.
    with torch.no_grad():
        z = quantize_latent(model.encoder(test), cfg.act_bits)
        mse = F.mse_loss(model.decoder(z).clamp(0, 1), test).item()
    metrics["qat_int8_prompt_latent"] = {"mse": mse, "psnr_db": psnr(mse)}
    metrics["train_seconds"] = round(time.perf_counter() - start, 1)
    log(json.dumps(metrics, indent=2))
    return model, metrics


@torch.no_grad()
def save_grid(model: AutoEncoder, test: torch.Tensor, path: Path, n: int = 8, seed: int = 1) -> Path:
    """PNG: row 1 held-out images, row 2 their int8 reconstructions, rows 3-4 decoded random prompts."""
    from PIL import Image

    cfg = model.cfg
    gen = torch.Generator().manual_seed(seed)
    z_rand = torch.randint(-128, 128, (2 * n, cfg.latent_dim), generator=gen).float() / 2**cfg.act_bits
    recon = model.decoder(quantize_latent(model.encoder(test[:n]), cfg.act_bits))
    rows = torch.cat([test[:n], recon, model.decoder(z_rand)]).clamp(0, 1)  # (4n, C, H, W)
    rows = rows.expand(-1, 3, -1, -1) if cfg.channels == 1 else rows
    h = cfg.image_size
    pad = max(1, h // 16)
    grid = torch.ones(3, 4 * (h + pad) + pad, n * (h + pad) + pad)
    for i, img in enumerate(rows):
        r, c = divmod(i, n)
        grid[:, pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (h + pad) : pad + c * (h + pad) + h] = img
    arr = (grid.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    scale = max(1, 256 // (h + pad))  # small images are shown enlarged (nearest)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr).resize((arr.shape[1] * scale, arr.shape[0] * scale), Image.NEAREST).save(path)
    return path
