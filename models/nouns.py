"""The real Nouns art as training data: decode `@nouns/assets`' run-length-encoded parts and composite Nouns.

The npm package `@nouns/assets` (a pinned dev dependency, GPL-3.0 code) ships `dist/image-data.json`: the
palette (239 hex colours, index 0 transparent), the 2 background colours and the RLE parts (bodies,
accessories, heads, glasses). Only that JSON is read, at training time; nothing of the package is vendored. The
Nouns artwork itself is public domain (CC0).

One part's RLE, as the Nouns SVG renderer draws it: byte 0 is the palette index (0), bytes 1-4 the content
bounds (top, right, bottom, left; `right` exclusive, `bottom` inclusive), then (run length, colour index) pairs
that fill the bounds row by row from the left; a run that reaches `right` goes on at `left` of the next row.
Colour index 0 is transparent.

A Noun is background, then body, accessory, head and glasses drawn over each other on the 32×32 grid. The
train/validation split is by part id: validation Nouns carry heads that no training Noun has.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .errors import NounsDataMissingError

#: Where `npm ci` puts the package's JSON (node_modules at the repository root).
IMAGE_DATA = Path(__file__).resolve().parent.parent / "node_modules" / "@nouns" / "assets" / "dist" / "image-data.json"

SIZE = 32
#: The drawing order of the part layers, and the `images` keys of the JSON.
LAYERS = ("bodies", "accessories", "heads", "glasses")
#: The fraction of heads held out for validation (every k-th head by id, so the split is fixed).
HOLDOUT_EVERY = 8


def _hex_rgb(h: str) -> tuple[int, int, int]:
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def decode_rle(data: str, palette: list[str]) -> np.ndarray:
    """One RLE part (hex string) -> a (32, 32, 4) uint8 RGBA layer, transparent outside the drawn runs."""
    raw = bytes.fromhex(data.removeprefix("0x"))
    top, right, bottom, left = raw[1], raw[2], raw[3], raw[4]
    if not (top <= bottom < SIZE and left <= right <= SIZE):
        raise ValueError(f"part bounds outside the grid: top {top} right {right} bottom {bottom} left {left}")
    width = right - left
    runs = np.frombuffer(raw[5 : 5 + (len(raw) - 5) // 2 * 2], np.uint8).reshape(-1, 2)  # (R, 2): length, colour
    if runs[:, 0].sum() != width * (bottom - top + 1):
        raise ValueError(f"runs cover {runs[:, 0].sum()} pixels, the bounds {width * (bottom - top + 1)}")
    if (runs[:, 1] >= len(palette)).any():
        raise ValueError(f"colour index {runs[:, 1].max()} outside the {len(palette)}-colour palette")
    rgba = np.array([(0, 0, 0, 0)] + [(*_hex_rgb(c), 255) for c in palette[1:]], np.uint8)  # index 0: transparent
    out = np.zeros((SIZE, SIZE, 4), np.uint8)
    if width:  # the bounds are filled in reading order, so the runs are the flattened box
        out[top : bottom + 1, left:right] = rgba[np.repeat(runs[:, 1], runs[:, 0])].reshape(-1, width, 4)
    return out


@dataclass(frozen=True)
class NounsArt:
    """The decoded art: part layers (N, 32, 32, 4) uint8 per kind, their names, the palette and backgrounds."""

    parts: dict[str, np.ndarray]
    names: dict[str, list[str]]
    palette: np.ndarray  # (P, 3) uint8, the opaque palette colours and the backgrounds
    backgrounds: np.ndarray  # (2, 3) uint8

    def count(self, kind: str) -> int:
        return len(self.parts[kind])

    def trait_names(self, kind: str) -> list[str]:
        """The trait names of a part kind without their prefix, e.g. heads -> ["aardvark", "abstract", ...]."""
        return [n.split("-", 1)[1] if "-" in n else n for n in self.names[kind]]


@cache
def load_art(path: Path = IMAGE_DATA) -> NounsArt:
    """Decode every part of `@nouns/assets`' image data (cached per path)."""
    if not path.exists():
        raise NounsDataMissingError(f"no Nouns image data at {path}: run `npm ci` (dev dependency @nouns/assets)")
    raw = json.loads(path.read_text())
    palette = raw["palette"]
    parts = {k: np.stack([decode_rle(p["data"], palette) for p in raw["images"][k]]) for k in LAYERS}
    names = {k: [p["filename"] for p in raw["images"][k]] for k in LAYERS}
    backgrounds = np.array([_hex_rgb(c) for c in raw["bgcolors"]], np.uint8)
    colours = np.array([_hex_rgb(c) for c in palette if c], np.uint8)
    return NounsArt(parts, names, np.unique(np.concatenate([colours, backgrounds]), axis=0), backgrounds)


def composite(art: NounsArt, seeds: np.ndarray) -> np.ndarray:
    """Nouns for seeds (N, 5) = (background, body, accessory, head, glasses) -> (N, 32, 32, 3) uint8."""
    img = art.backgrounds[seeds[:, 0]][:, None, None, :].repeat(SIZE, 1).repeat(SIZE, 2)  # (N, 32, 32, 3)
    for j, kind in enumerate(LAYERS, start=1):
        layer = art.parts[kind][seeds[:, j]]  # (N, 32, 32, 4); Nouns parts are fully opaque or transparent
        img = np.where(layer[..., 3:] > 0, layer[..., :3], img)
    return img


def head_split(art: NounsArt) -> tuple[np.ndarray, np.ndarray]:
    """(training head ids, validation head ids): every `HOLDOUT_EVERY`-th head (from id 3) is held out."""
    heads = np.arange(art.count("heads"))
    held = heads % HOLDOUT_EVERY == 3
    return heads[~held], heads[held]


def sample_seeds(art: NounsArt, n: int, rng: np.random.Generator, heads: np.ndarray) -> np.ndarray:
    """n random seeds (N, 5) over the whole combinatorial space, with heads drawn from `heads`."""
    return np.stack(
        [
            rng.integers(len(art.backgrounds), size=n),
            rng.integers(art.count("bodies"), size=n),
            rng.integers(art.count("accessories"), size=n),
            heads[rng.integers(len(heads), size=n)],
            rng.integers(art.count("glasses"), size=n),
        ],
        axis=1,
    )


def to_tensor(images: np.ndarray):
    """(N, 32, 32, 3) uint8 -> (N, 3, 32, 32) float tensor in [0, 1]."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255.0


def palette_share(images, palette: np.ndarray, tol: float = 8 / 255) -> float:
    """The share of pixels of (N, 3, H, W) images in [0, 1] within `tol` (every channel) of a palette colour."""
    import torch

    pix = images.permute(0, 2, 3, 1).reshape(-1, 3).double()  # (N·H·W, 3)
    pal = torch.from_numpy(palette).double() / 255.0  # (P, 3)
    hits = torch.zeros(len(pix), dtype=torch.bool)
    for chunk in range(0, len(pix), 65536):  # chunked: N·H·W × P distances would not fit at once
        d = (pix[chunk : chunk + 65536, None, :] - pal[None]).abs().amax(dim=2)  # (chunk, P)
        hits[chunk : chunk + 65536] = d.min(dim=1).values <= tol + 1e-9
    return float(hits.double().mean())
