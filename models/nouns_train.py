"""Training the Nouns model (`python -m models train nouns32`): real Nouns, full 32×32 grid, clamped QAT.

The recipe of models/train.py (a sliced-Wasserstein autoencoder: reconstruction plus a prior term that pulls the
encoded latents to the uniform distribution on [-1, 1)^d, so random prompt bytes decode to Nouns), with:

- data: Nouns composited from `@nouns/assets`' parts (models/nouns.py), resampled every `refresh` steps so the
  network sees many of the combinations; validation Nouns carry heads no training Noun has,
- targets scaled to the clamp's range: the renderer draws digit q as q·255/127, so the network learns
  x·out_top and every figure here is measured on the rendered image (output / out_top),
- photos (scikit-image's and scikit-learn's bundled images, random crops): in the second phase the encoder also
  learns to map photos to latents whose decoded Noun keeps the photo's coarse colours (the decoder frozen for that
  term), with the same prior term, which is what `proofs encode` uses for style transfer,
- the first `qat_start` of the steps in float, then fake quantization (QAT) on: weights int8, activations on the
  2^-act_bits grid, the clamp on throughout.

It logs the float, naive PTQ int8 and QAT int8 quality on held-out Nouns and keeps the loss curve.
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

from . import nouns
from .config import ModelConfig
from .model import AutoEncoder
from .quant import snap_weights
from .train import psnr, quantize_latent, sliced_wasserstein

#: Images per evaluation split.
N_EVAL = 512


def rendered(model: AutoEncoder, z: torch.Tensor) -> torch.Tensor:
    """The image the renderer draws from latents z: the clamped art grid scaled to [0, 1] (B, C, H, W)."""
    return model.decoder.art(z) / model.cfg.out_top


def eval_seeds(cfg: ModelConfig) -> dict[str, np.ndarray]:
    """The fixed evaluation seeds (N_EVAL, 5): `unseen_heads` (held-out head ids) and `unseen_combos` (training
    parts, new seeds)."""
    art = nouns.load_art()
    train_heads, val_heads = nouns.head_split(art)
    rng = np.random.default_rng(10_000 + cfg.seed)
    return {
        "unseen_heads": nouns.sample_seeds(art, N_EVAL, rng, val_heads),
        "unseen_combos": nouns.sample_seeds(art, N_EVAL, rng, train_heads),
    }


def eval_splits(cfg: ModelConfig) -> dict[str, torch.Tensor]:
    """The evaluation Nouns of `eval_seeds`, (N_EVAL, 3, 32, 32) per split."""
    art = nouns.load_art()
    return {split: nouns.to_tensor(nouns.composite(art, seeds)) for split, seeds in eval_seeds(cfg).items()}


@torch.no_grad()
def evaluate(model: AutoEncoder, images: torch.Tensor, palette: np.ndarray) -> dict:
    """PSNR of the int8-prompt reconstruction as rendered, and its share of pixels near a palette colour."""
    was_training = model.training
    model.eval()
    z = quantize_latent(model.encoder(images), model.cfg.act_bits)
    out = rendered(model, z).clamp(0, 1)
    mse = F.mse_loss(out, images).item()
    model.train(was_training)
    return {"mse": mse, "psnr_db": round(psnr(mse), 3), "palette_share": round(nouns.palette_share(out, palette), 4)}


def invert(model: AutoEncoder, images: torch.Tensor, steps: int = 300, lr: float = 0.02) -> torch.Tensor:
    """Latents (B, latent_dim) whose rendered images best match `images`: the encoder's latent refined by Adam
    through the int8 decoder (the encoder is amortised; fitting each latent gains ~1 dB on held-out Nouns)."""
    with torch.no_grad():
        z = model.encoder(images)
    top = 1 - 2.0**-model.cfg.act_bits  # the largest int8 latent, 127/128
    with torch.enable_grad():  # callers may be inside no_grad
        z = z.clone().requires_grad_(True)
        opt = torch.optim.Adam([z], lr=lr)
        for _ in range(steps):
            loss = F.mse_loss(rendered(model, z), images)
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                z.clamp_(-1, top)
    return z.detach()


@torch.no_grad()
def random_prompt_quality(model: AutoEncoder, palette: np.ndarray, n: int = 512, seed: int = 1) -> dict:
    """Random int8 prompts: the share of rendered pixels near a palette colour (crisp art, not blends)."""
    gen = torch.Generator().manual_seed(seed)
    z = torch.randint(-128, 128, (n, model.cfg.latent_dim), generator=gen).float() / 2**model.cfg.act_bits
    return {"palette_share": round(nouns.palette_share(rendered(model, z).clamp(0, 1), palette), 4)}


def photos() -> list[torch.Tensor]:
    """The bundled photos (scikit-learn's 2, scikit-image's colour ones if installed), (3, H, W) in [0, 1], ≤ 256 px."""
    from sklearn.datasets import load_sample_images

    arrays = list(load_sample_images().images)
    try:
        from skimage import data as skdata

        for name in ("astronaut", "chelsea", "coffee", "rocket", "retina", "immunohistochemistry", "hubble_deep_field"):
            try:
                img = getattr(skdata, name)()
            except (ImportError, OSError):  # an image that needs a download (pooch) is skipped: stay offline
                continue
            if img.ndim == 3 and img.shape[2] == 3:
                arrays.append(img)
    except ImportError:
        pass
    out = []
    for a in arrays:  # at most 256 pixels a side: crops are resized to 32×32 anyway
        img = torch.from_numpy(np.array(a)).permute(2, 0, 1).float()[None] / 255.0  # (1, 3, H, W)
        k = max(1, max(img.shape[2:]) // 256)
        out.append(F.avg_pool2d(img, k)[0] if k > 1 else img[0])
    return out


def photo_batch(pool: list[torch.Tensor], n: int, gen: torch.Generator) -> torch.Tensor:
    """n random square crops (random size, flip, brightness) resized to 32×32: (n, 3, 32, 32)."""
    out = []
    for _ in range(n):
        img = pool[int(torch.randint(len(pool), (1,), generator=gen))]
        _, h, w = img.shape
        side = int(torch.randint(min(h, w) // 4, min(h, w) + 1, (1,), generator=gen))
        y = int(torch.randint(h - side + 1, (1,), generator=gen))
        x = int(torch.randint(w - side + 1, (1,), generator=gen))
        crop = F.interpolate(img[None, :, y : y + side, x : x + side], size=(32, 32), mode="area")[0]
        if torch.rand(1, generator=gen) < 0.5:
            crop = crop.flip(2)
        out.append((crop * (0.7 + 0.6 * torch.rand(1, generator=gen))).clamp(0, 1))
    return torch.stack(out)


def train(
    cfg: ModelConfig, log=print, refresh: int = 200, photo_weight: float = 0.5, quantize: bool = True
) -> tuple[AutoEncoder, dict]:
    """Train `cfg` on Nouns deterministically; returns the model (QAT, snapped; with `quantize` False and
    `qat_start` 1, the float network as trained) and its metrics with the loss curve."""
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    art = nouns.load_art()
    train_heads, _ = nouns.head_split(art)
    evals = eval_splits(cfg)
    pool = photos()
    log(f"nouns: {len(train_heads)} training heads, {len(pool)} photos for the encoder")

    model = AutoEncoder(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.steps, pct_start=0.1)
    enc_opt = torch.optim.Adam(model.encoder.parameters(), lr=cfg.lr / 3)
    qat_step = int(cfg.steps * cfg.qat_start)
    top = cfg.out_top
    curve: list[dict] = []
    metrics: dict = {}
    start = time.perf_counter()
    pool_images = None
    for step in range(cfg.steps):
        if step % refresh == 0:  # a fresh set of combinations
            seeds = nouns.sample_seeds(art, refresh * cfg.batch_size // 4, rng, train_heads)
            pool_images = nouns.to_tensor(nouns.composite(art, seeds))
        if step == qat_step:
            metrics["float"] = evaluate(model, evals["unseen_heads"], art.palette)
            ptq = copy.deepcopy(model)
            ptq.set_quant(True)
            snap_weights(ptq.decoder)
            metrics["ptq_int8"] = evaluate(ptq, evals["unseen_heads"], art.palette)
            model.set_quant(True)
            log(f"step {step}: float {metrics['float']}, naive PTQ int8 {metrics['ptq_int8']}; QAT on")
        x = pool_images[torch.randint(len(pool_images), (cfg.batch_size,), generator=gen)]
        z = model.encoder(x)
        recon = model.decoder.art(z)
        prior = torch.rand(z.shape, generator=gen) * 2 - 1
        rec = F.mse_loss(recon, x * top)
        sw = sliced_wasserstein(z, prior)
        loss = rec + cfg.sw_weight * sw
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        photo_loss = float("nan")
        if step >= qat_step and photo_weight and step % 2 == 0:
            # Style transfer: photos -> latents (in the prior) whose Noun keeps the photo's coarse colour layout.
            p = photo_batch(pool, 16, gen)
            zp = model.encoder(p)
            out = model.decoder.art(zp) / top
            pl = F.mse_loss(F.avg_pool2d(out, 8), F.avg_pool2d(p, 8))
            prior_p = torch.rand(zp.shape, generator=gen) * 2 - 1
            enc_loss = photo_weight * pl + cfg.sw_weight * sliced_wasserstein(zp, prior_p)
            enc_opt.zero_grad()
            enc_loss.backward()  # decoder grads are discarded: only the encoder learns from photos
            enc_opt.step()
            opt.zero_grad()
            photo_loss = pl.item()
        if step % 50 == 0 or step == cfg.steps - 1:
            curve.append(
                {
                    "step": step,
                    "phase": "qat" if step >= qat_step else "float",
                    "recon_mse": rec.item() / top**2,
                    "sw": sw.item(),
                    "photo": photo_loss,
                }
            )
        if step % 500 == 0 or step == cfg.steps - 1:
            log(
                f"step {step:5d}  recon {rec.item() / top**2:.5f} (psnr {psnr(rec.item() / top**2):.2f})  "
                f"sw {sw.item():.5f}  photo {photo_loss:.4f}  {time.perf_counter() - start:.0f}s"
            )
    if not quantize:
        model.eval()
        metrics["float"] = evaluate(model, evals["unseen_heads"], art.palette)
        return model, metrics
    model.set_quant(True)
    snap_weights(model.decoder)
    model.eval()
    metrics["qat_int8"] = evaluate(model, evals["unseen_heads"], art.palette)
    metrics["qat_int8_unseen_combos"] = evaluate(model, evals["unseen_combos"], art.palette)
    metrics["random_prompts"] = random_prompt_quality(model, art.palette)
    metrics["train_seconds"] = round(time.perf_counter() - start, 1)
    log(json.dumps(metrics, indent=2))
    metrics["curve"] = curve
    return model, metrics


@torch.no_grad()
def save_grid(model: AutoEncoder, path: Path, n: int = 8, seed: int = 1) -> Path:
    """PNG: held-out Nouns (unseen heads), their int8 reconstructions, then two rows of random prompts."""
    cfg = model.cfg
    test = eval_splits(cfg)["unseen_heads"][:n]
    gen = torch.Generator().manual_seed(seed)
    z_rand = torch.randint(-128, 128, (2 * n, cfg.latent_dim), generator=gen).float() / 2**cfg.act_bits
    recon = rendered(model, quantize_latent(model.encoder(test), cfg.act_bits))
    rows = torch.cat([test, recon, rendered(model, z_rand)]).clamp(0, 1)  # (4n, 3, 32, 32)
    return write_grid(rows, n, path)


def write_grid(images: torch.Tensor, per_row: int, path: Path, scale: int = 8) -> Path:
    """Tile (N, 3, H, W) images in [0, 1] into a PNG, `per_row` a row, enlarged ×`scale` (nearest)."""
    from PIL import Image

    n, _, h, w = images.shape
    rows = math.ceil(n / per_row)
    pad = 2
    grid = torch.ones(3, rows * (h + pad) + pad, per_row * (w + pad) + pad)
    for i, img in enumerate(images):
        r, c = divmod(i, per_row)
        grid[:, pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (w + pad) : pad + c * (w + pad) + w] = img
    arr = (grid.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr).resize((arr.shape[1] * scale, arr.shape[0] * scale), Image.NEAREST).save(path)
    return path
