"""aigcData as a picture: the pixels of docs/encoding.md written to a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from .model_artifacts import ModelArtifacts


def render_png(art: ModelArtifacts, aigc: bytes, path: Path, min_side: int = 256) -> Path:
    """aigcData -> PNG: the proven grid upsampled ×render, as the contract draws it (small images enlarged)."""
    c, h, w = art.output_shape()
    pixels = np.array(art.encoding().pixels(aigc), dtype=np.uint8).reshape(c, h, w)  # the proven C×H×W grid
    k = art.render_factor()
    pixels = pixels.repeat(k, axis=1).repeat(k, axis=2)  # the renderer's nearest upsample
    h, w = h * k, w * k
    img = np.repeat(pixels, 3, axis=0) if c == 1 else pixels
    scale = max(1, min_side // max(h, w))
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(img.transpose(1, 2, 0)).resize((w * scale, h * scale), Image.NEAREST).save(path)
    return path
