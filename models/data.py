"""Training data that needs no network: sklearn's bundled digits and a procedural pixel-art set.

The pixel-art set is "Nouns-like": on a 16×16 art grid, a background, a body (with a shirt accessory), a
head of one of several shapes, and the signature square "noggles" (glasses with a bridge and two-tone
lenses), all drawn from a fixed palette with a seeded RNG. Images are upsampled with nearest neighbour to the
requested size, so every output pixel is an exact palette colour, as in real pixel art.
"""

from __future__ import annotations

import numpy as np
import torch

#: The fixed palette (RGB 0..255): backgrounds, skins/heads, bodies, glasses, eye white/black.
BACKGROUNDS = [(213, 215, 225), (227, 213, 188), (170, 200, 230), (240, 220, 150)]
HEADS = [(240, 180, 130), (200, 120, 80), (120, 200, 110), (230, 90, 90), (150, 120, 220), (250, 210, 60)]
BODIES = [(60, 90, 200), (220, 60, 60), (40, 160, 90), (90, 90, 90), (250, 150, 30)]
GLASSES = [(230, 40, 40), (40, 90, 230), (30, 30, 30), (250, 160, 20), (40, 170, 80)]
WHITE, BLACK = (250, 250, 250), (10, 10, 10)

ART = 16  # the art grid


def _noun(rng: np.random.Generator) -> np.ndarray:
    """One 16×16×3 uint8 noun."""
    img = np.empty((ART, ART, 3), np.uint8)
    img[:] = BACKGROUNDS[rng.integers(len(BACKGROUNDS))]
    # body: rows 12..15, width varies, with a 2×2 "accessory" of another colour
    body = BODIES[rng.integers(len(BODIES))]
    half = int(rng.integers(3, 6))
    img[12:, 8 - half : 8 + half] = body
    acc = BODIES[rng.integers(len(BODIES))]
    img[13:15, 7:9] = acc
    # head: a box (shape: width, height, top) in a head colour
    head = HEADS[rng.integers(len(HEADS))]
    w = int(rng.integers(5, 8))
    top = int(rng.integers(2, 5))
    img[top:12, 8 - w : 8 + w - 1] = head
    if rng.random() < 0.5:  # a hat/crest row
        img[top - 1, 8 - w + 2 : 8 + w - 3] = head
    # noggles: two 4×3 frames with a bridge, lenses half white half black
    g = GLASSES[rng.integers(len(GLASSES))]
    y = int(rng.integers(top + 1, min(top + 4, 8)))
    for x0 in (3, 9):
        img[y : y + 3, x0 : x0 + 4] = g
        img[y + 1, x0 + 1] = WHITE
        img[y + 1, x0 + 2] = BLACK
    img[y, 7:9] = g  # bridge
    img[y, 1:3] = g  # temple
    return img


def pixelart(n: int, size: int = 32, seed: int = 0) -> torch.Tensor:
    """n procedural nouns as (n, 3, size, size) floats in [0, 1]; deterministic in `seed`."""
    rng = np.random.default_rng(seed)
    art = np.stack([_noun(rng) for _ in range(n)])  # (n, 16, 16, 3)
    k = size // ART
    if k * ART != size:
        raise ValueError(f"size must be a multiple of {ART}")
    art = art.repeat(k, axis=1).repeat(k, axis=2)  # nearest upsample
    return torch.from_numpy(art).permute(0, 3, 1, 2).float() / 255.0


def digits(size: int = 8) -> torch.Tensor:
    """sklearn's 1,797 bundled 8×8 digits as (n, 1, size, size) floats in [0, 1] (average-pooled or repeated)."""
    from sklearn.datasets import load_digits

    x = torch.from_numpy(load_digits().images).float().unsqueeze(1) / 16.0  # (n, 1, 8, 8)
    if size < 8:
        x = torch.nn.functional.avg_pool2d(x, 8 // size)
    elif size > 8:
        x = torch.nn.functional.interpolate(x, scale_factor=size // 8, mode="nearest")
    return x


def load(name: str, n: int, size: int, seed: int) -> torch.Tensor:
    """The dataset a config names, as (N, C, size, size) floats in [0, 1]."""
    if name == "digits":
        return digits(size)
    if name == "pixelart":
        return pixelart(n, size, seed)
    raise ValueError(f"unknown dataset {name!r}")
