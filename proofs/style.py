"""Style transfer: any image -> the int8 prompt whose proven image is that picture drawn as a Noun.

The image is cropped to a centred square and resized to the model's input (32×32, area averaging); the model's
encoder (off-chain, not proven) maps it to a latent, which is rounded to the int8 prompt. The preview is not the
PyTorch decoder's output but the circuit's own: ezkl's `gen_witness` on the compiled circuit, decoded from its
public outputs exactly as a proof's instances are, so the preview equals the image a mint of that prompt shows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from .encoding import felt_from_ezkl_hex
from .errors import ProofError
from .pipeline import ModelArtifacts, artifacts_of
from .prompts import latent_of

#: The model style transfer draws with unless told otherwise.
STYLE_MODEL = "nouns32"


class ImageError(ProofError):
    """A file that is not a readable image."""


class ImageTooLargeError(ImageError):
    """An image with more pixels than PIL's decompression-bomb limit (`Image.MAX_IMAGE_PIXELS`)."""


@dataclass
class Encoded:
    """A style-transfer result: the prompt, the aigcData the circuit computes for it, and the preview PNG."""

    model: str
    prompt: bytes
    aigc: bytes
    preview: Path | None


def load_image(source: str | Path | Image.Image, size: int, channels: int = 3) -> np.ndarray:
    """An image (path or PIL) as a (channels, size, size) float array in [0, 1]: centred square crop, area resize
    (1 channel: grayscale)."""
    if isinstance(source, Image.Image):
        img = source
    else:
        try:
            with warnings.catch_warnings():
                # Over MAX_IMAGE_PIXELS PIL only warns (up to twice that it raises): both are refused here.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(source)
                img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageTooLargeError(
                f"{source}: the image has more than {Image.MAX_IMAGE_PIXELS:,} pixels; scale it down first"
            ) from None
        except (OSError, UnidentifiedImageError) as err:
            raise ImageError(f"cannot read an image from {source}: {err}") from None
    img = img.convert("RGB" if channels == 3 else "L")
    w, h = img.size
    side = min(w, h)
    img = img.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side))
    img = img.resize((size, size), Image.BOX)  # area averaging: every source pixel counts once
    arr = np.asarray(img, dtype=np.float32) / 255.0
    return arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)


def encoder_input(model_name: str) -> tuple[int, int]:
    """(channels, side) of the images a model's encoder takes: its checkpoint's (a derived model keeps its base
    model's encoder)."""
    from models import registry

    base = registry.get(registry.get(model_name).checkpoint_name).model
    return base.channels, base.image_size


@lru_cache(maxsize=16)
def encoder(model_name: str):
    """The model's (unproven) encoder, loaded from its checkpoint once per process (a server encodes many images)."""
    from models.model import load_model

    model, _ = load_model(model_name)
    return model.encoder.eval()


def prompt_for(image: np.ndarray, model_name: str = STYLE_MODEL) -> bytes:
    """The int8 prompt the model's (unproven) encoder gives a (C, H, W) image in [0, 1]."""
    import torch

    encoding = artifacts_of(model_name).encoding()
    with torch.no_grad():
        z = encoder(model_name)(torch.from_numpy(image)[None])[0].tolist()  # (latent_dim,)
    return encoding.encode_prompt(encoding.quantize_latent(z))


def circuit_output(art: ModelArtifacts, prompt: bytes, workdir: Path) -> bytes:
    """The aigcData the circuit computes for a prompt (ezkl's witness; no proof), decoded like a proof's."""
    encoding = art.encoding()
    witness = art.witness(latent_of(encoding, prompt), workdir)
    outputs = [felt_from_ezkl_hex(h) for h in witness["outputs"][0]]
    inputs = [felt_from_ezkl_hex(h) for h in witness["inputs"][0]]
    got_prompt, aigc = encoding.split_instances(inputs + outputs)
    if got_prompt != prompt:
        raise ProofError("the witness's inputs do not decode to the prompt")
    return aigc


def preview(model_name: str, prompt: bytes, path: Path) -> bytes:
    """Write the PNG of the image the circuit computes for `prompt`; returns its aigcData."""
    from .render import render_png

    art = artifacts_of(model_name)
    aigc = circuit_output(art, prompt, art.cache / "encode" / prompt.hex()[:16])
    render_png(art, aigc, path)
    return aigc


def encode(source: str | Path | Image.Image, model_name: str = STYLE_MODEL, preview: Path | None = None) -> Encoded:
    """Image -> prompt and the exact circuit output for it; with `preview`, the PNG the contract would draw."""
    from .render import render_png

    art = artifacts_of(model_name)
    channels, side = encoder_input(model_name)
    prompt = prompt_for(load_image(source, side, channels), model_name)
    aigc = circuit_output(art, prompt, art.cache / "encode" / prompt.hex()[:16])
    if preview is not None:
        render_png(art, aigc, preview)
    return Encoded(model_name, prompt, aigc, preview)
