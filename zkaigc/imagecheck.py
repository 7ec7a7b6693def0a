"""A minted token's image, read back from the chain and checked against what the prompt's preview promised.

`read_token_image` decodes `tokenURI` (base64 JSON with the BMP and the SVG); `check_token_image` also redraws the
prompt's preview (`proofs.style.preview`, as `python -m proofs encode` does) and compares it pixel for pixel. Used
by `ape run demo`, `ape run request` and the demo's test; kept apart from `client.py` (transactions only) because
it needs numpy, PIL and the preview renderer.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from proofs import style

from .errors import TokenImageError


@dataclass
class TokenImage:
    """A token's on-chain rendering: the metadata JSON, the BMP it embeds and the SVG that shows it."""

    metadata: dict
    bmp: bytes
    svg: bytes


def read_token_image(collection, token_id: int) -> TokenImage:
    """Decode `tokenURI(token_id)`: base64 JSON whose `aigc_data` is a BMP and whose `image` is an SVG."""
    metadata = json.loads(base64.b64decode(collection.tokenURI(token_id).split(",", 1)[1]))
    bmp = base64.b64decode(metadata["aigc_data"].split(",", 1)[1])
    svg = base64.b64decode(metadata["image"].split(",", 1)[1])
    return TokenImage(metadata, bmp, svg)


def check_token_image(collection, token_id: int, model_name: str, prompt: bytes, workdir: Path) -> TokenImage:
    """The token's on-chain image, checked to be the circuit's output for `prompt`: its aigcData is the witness's
    output, and its bitmap has the pixels of the preview `python -m proofs encode` draws (`proofs.style.preview`);
    `TokenImageError` if either differs."""
    token = read_token_image(collection, token_id)
    preview = workdir / "preview.png"
    expected = style.preview(model_name, prompt, preview)
    if bytes(collection.aigcDataOf(token_id)) != expected:
        raise TokenImageError(f"token {token_id:#x}: its aigcData is not {model_name}'s output for 0x{prompt.hex()}")
    with Image.open(preview) as drawn, Image.open(io.BytesIO(token.bmp)) as bmp:
        want = np.asarray(drawn.convert("RGB"))
        got = np.asarray(bmp.convert("RGB").resize(drawn.size, Image.NEAREST))  # the preview's integer upscale
    if not np.array_equal(got, want):
        raise TokenImageError(f"token {token_id:#x}: its on-chain bitmap differs from the preview of 0x{prompt.hex()}")
    return token
