"""aigcData as a picture: the pixels of docs/encoding.md written to a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from .pipeline import ModelArtifacts


def render_png(art: ModelArtifacts, aigc: bytes, path: Path, min_side: int = 256) -> Path:
    """aigcData -> PNG (small images enlarged with nearest neighbour)."""
    c, h, w = art.output_shape()
    pixels = np.array(art.encoding().pixels(aigc), dtype=np.uint8).reshape(c, h, w)  # C×H×W row-major
    img = np.repeat(pixels, 3, axis=0) if c == 1 else pixels
    scale = max(1, min_side // max(h, w))
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(img.transpose(1, 2, 0)).resize((w * scale, h * scale), Image.NEAREST).save(path)
    return path
