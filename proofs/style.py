"""Style transfer: any image -> the prompt whose proven image is that picture drawn as a Noun.

The image is cropped to a centred square and resized to the model's input (32×32, area averaging). A trait model
(`nouns`: the prompt is a Noun's five trait ids) takes the traits whose composited Noun looks most like the photo
(`photo_traits`: a deterministic coordinate-descent search over the real art, off-chain and not proven); a
latent model (pixel32, micro) runs its encoder (off-chain, not proven) and rounds the latent to the int8 prompt.
The preview is not the PyTorch decoder's output but the circuit's own: ezkl's `gen_witness` on the compiled
circuit, decoded from its public outputs exactly as a proof's instances are, so the preview equals the image a
mint of that prompt shows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from .errors import ProofError
from .model_artifacts import ModelArtifacts, artifacts_of
from .prompts import latent_of
from .proven import witness_instances

#: The model style transfer draws with unless told otherwise.
STYLE_MODEL = "nouns"


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


def is_trait_model(model_name: str) -> bool:
    """Whether a registered model's prompt is a Noun's trait ids (models/traits.py) rather than a latent."""
    from models import registry

    return registry.get(model_name).model.kind == "traits"


def encoder_input(model_name: str) -> tuple[int, int]:
    """(channels, side) of the images a model's encoder takes: its checkpoint's (a derived model keeps its base
    model's encoder); a trait model compares photos with the 32×32 RGB art."""
    from models import nouns, registry

    if is_trait_model(model_name):
        return 3, nouns.SIZE
    base = registry.get(registry.get(model_name).checkpoint_name).model
    return base.channels, base.image_size


@lru_cache(maxsize=16)
def encoder(model_name: str):
    """The model's (unproven) encoder, loaded from its checkpoint once per process (a server encodes many images)."""
    from models.model import load_model

    model, _ = load_model(model_name)
    return model.encoder.eval()


def prompt_for(image: np.ndarray, model_name: str = STYLE_MODEL) -> bytes:
    """The prompt a (C, H, W) image in [0, 1] gets: a trait model's photo search, else the (unproven) encoder's
    int8 latent."""
    import torch

    if is_trait_model(model_name):
        return bytes(int(i) for i in photo_traits(image))
    encoding = artifacts_of(model_name).encoding()
    with torch.no_grad():
        z = encoder(model_name)(torch.from_numpy(image)[None])[0].tolist()  # (latent_dim,)
    return encoding.encode_prompt(encoding.quantize_latent(z))


#: σ in pixels of the Gaussian blur applied to both the photo and each candidate Noun before comparing: a photo
#: has no pixel-art edges to match, so colour layout (where the light, dark and coloured masses are) decides.
PHOTO_BLUR = 1.5
#: The kinds in the order each pass revisits them (prompt byte indices): background, then the largest parts.
SEARCH_ORDER = (0, 3, 1, 4, 2)
#: Random starts of the search besides the classifier's reading of the photo (fixed: the search is deterministic).
SEARCH_STARTS = 3
SEARCH_PASSES = 4
#: Bodies tried jointly with every accessory at the end.
JOINT_BODIES = 6


@lru_cache(maxsize=4)
def _blur_matrix(size: int, sigma: float) -> np.ndarray:
    """(size, size) Gaussian blur along one axis, edges replicated: row i averages the pixels around i."""
    r = max(1, int(3 * sigma))
    m = np.zeros((size, size), np.float32)
    for d in range(-r, r + 1):
        w = np.exp(-0.5 * (d / sigma) ** 2)
        m[np.arange(size), np.clip(np.arange(size) + d, 0, size - 1)] += w
    return m / m.sum(axis=1, keepdims=True)


def _blur(images: np.ndarray, sigma: float = PHOTO_BLUR) -> np.ndarray:
    """Separable Gaussian blur of (N, H, W, 3) float images (square), edges replicated; two matmuls, which is
    what makes trying every head at once cheap."""
    g = _blur_matrix(images.shape[1], sigma)
    return np.einsum("ij,njkc,lk->nilc", g, images, g, optimize=True)


#: RGB -> (luma, blue-yellow, red-green), chroma weighted ×CHROMA: a photo's hue should pick the part's colour even
#: where its brightness cannot match (a Noun's background is always light grey).
CHROMA = 2.0
_OPPONENT = np.array(
    [
        [0.299, 0.587, 0.114],
        [-0.169 * CHROMA, -0.331 * CHROMA, 0.5 * CHROMA],
        [0.5 * CHROMA, -0.419 * CHROMA, -0.081 * CHROMA],
    ],
    np.float32,
)


def _opponent(images: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) RGB -> weighted luma/chroma (a linear map, so it commutes with the blur)."""
    return images @ _OPPONENT.T


def _search_starts(image: np.ndarray, art) -> list[np.ndarray]:
    """The classifier's reading of the photo (trained on real Nouns, it sees the photo as the nearest Noun), then
    fixed random Nouns, so one odd first guess cannot trap the descent."""
    from models import classifier, nouns
    from models.errors import CheckpointMissingError

    rng = np.random.default_rng(0)
    starts = list(nouns.sample_seeds(art, SEARCH_STARTS, rng, np.arange(art.count("heads"))))
    try:
        starts.insert(0, classifier.predict(classifier.load(), image[None].astype(np.float32))[0])
    except CheckpointMissingError:  # a fresh clone has it committed; without it the random starts still work
        pass
    return starts


def photo_traits(image: np.ndarray) -> np.ndarray:
    """The trait ids (5,) whose composited Noun is nearest a (3, 32, 32) image in [0, 1], both blurred (luma/chroma).

    Coordinate descent over the five kinds: each step tries every id of one kind with the others fixed (all 254
    heads at once, vectorised) and keeps the best; passes repeat until nothing changes. From each start in
    `_search_starts`; the best end wins (ties: the first), then one joint body × accessory step. Deterministic.
    """
    from models import nouns

    art = nouns.load_art()
    counts = (len(art.backgrounds), *(art.count(k) for k in nouns.LAYERS))
    target = _blur(_opponent(np.asarray(image, np.float32).transpose(1, 2, 0)[None]))[0]

    def cost(seeds: np.ndarray) -> np.ndarray:
        drawn = nouns.composite(art, seeds).astype(np.float32) / 255.0
        return ((_blur(_opponent(drawn)) - target) ** 2).mean(axis=(1, 2, 3))

    def descend(seed: np.ndarray) -> tuple[float, np.ndarray]:
        score = float(cost(seed[None])[0])
        for _ in range(SEARCH_PASSES):
            before = seed.copy()
            for k in SEARCH_ORDER:
                candidates = np.repeat(seed[None], counts[k], axis=0)
                candidates[:, k] = np.arange(counts[k])
                costs = cost(candidates)
                seed[k] = int(np.argmin(costs))
                score = float(costs[seed[k]])
            if (seed == before).all():
                break
        return score, seed

    best_cost, best = np.inf, None
    for start in _search_starts(image, art):
        score, seed = descend(np.array(start, np.int64))
        if score < best_cost:
            best_cost, best = score, seed
    # A body and an accessory overlap, so one may only improve once the other changes: one joint step over the
    # JOINT_BODIES best bodies × every accessory, then descend again from there if it moved.
    bodies = np.repeat(best[None], counts[1], axis=0)
    bodies[:, 1] = np.arange(counts[1])
    top = np.argsort(cost(bodies), kind="stable")[:JOINT_BODIES]
    pairs = np.repeat(best[None], len(top) * counts[2], axis=0)
    pairs[:, 1], pairs[:, 2] = top.repeat(counts[2]), np.tile(np.arange(counts[2]), len(top))
    costs = cost(pairs)
    if costs.min() < best_cost:
        best_cost, best = descend(pairs[int(np.argmin(costs))].copy())
    return best


def circuit_output(art: ModelArtifacts, prompt: bytes, workdir: Path) -> bytes:
    """The aigcData the circuit computes for a prompt (ezkl's witness; no proof), decoded like a proof's."""
    encoding = art.encoding()
    witness = art.witness(latent_of(encoding, prompt), workdir)
    got_prompt, aigc = encoding.split_instances(witness_instances(witness, encoding))
    if got_prompt != prompt:
        raise ProofError("the witness's prompt does not decode to the prompt")
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
