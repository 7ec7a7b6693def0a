"""The trait classifier: a small CNN that reads a 32×32 Noun back into its five trait ids, to score adherence.

    python -m models.classifier                 # train; writes models/checkpoints/nouns-classifier.pt

The issue's adherence target ("the drawn Noun shows the traits its prompt names", ≥ 95% per kind) needs a judge
that never saw the decoder: this network is trained only on real Nouns composited from `@nouns/assets`' parts
(models/nouns.py), a fresh batch of random combinations every step over every part id, and judged on fixed
combinations it never trained on (`heldout_seeds`, which include the trait decoder's evaluation combinations).
The decoder's images are close to the art but not equal (a colour a few levels off, a soft edge where a head
is hard to draw), so training augments the art with what separates the two: per-pixel noise, a blend toward a
blurred copy, a small colour shift, and the renderer's 8-bit rounding. It does not shift or flip: every Noun
is drawn on the same grid, and position is what tells a head's pixels from a body's.

Shapes: (B, 3, 32, 32) in [0, 1] -> five logit vectors (background 2, body 30, accessory 143, head 254,
glasses 23), in `traits.KINDS` order. About 0.8M weights, stored as float16 (≈ 1.6 MB).
"""

from __future__ import annotations

import argparse
import json
import time
from functools import cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import nouns
from .errors import CheckpointMissingError
from .traits import KINDS, counts  # the prompt's part kinds and ids per kind, in byte order

#: The committed checkpoint.
CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "nouns-classifier.pt"
#: Held-out combinations the classifier never trains on, beside the trait decoder's evaluation combinations.
N_HELDOUT = 2048


class TraitClassifier(nn.Module):
    """(B, 3, 32, 32) -> a list of five (B, classes) logit tensors, one per kind."""

    def __init__(self, classes: tuple[int, ...], width: int = 32, hidden: int = 256):
        super().__init__()
        self.classes = tuple(classes)
        w = width
        self.body = nn.Sequential(
            nn.Conv2d(3, w, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(w, 2 * w, 3, stride=2, padding=1),  # 16×16
            nn.ReLU(),
            nn.Conv2d(2 * w, 2 * w, 3, stride=2, padding=1),  # 8×8
            nn.ReLU(),
            nn.Conv2d(2 * w, 4 * w, 3, stride=2, padding=1),  # 4×4: no global pooling, where a part is matters
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(4 * w * 16, hidden),
            nn.ReLU(),
        )
        self.heads = nn.Linear(hidden, sum(self.classes))

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        return list(torch.split(self.heads(self.body(x)), self.classes, dim=1))


def heldout_seeds(n: int = N_HELDOUT) -> np.ndarray:
    """The fixed held-out combinations (M, 5): the trait decoder's evaluation seeds and `n` more, distinct."""
    from . import registry, traits_train

    art = nouns.load_art()
    rng = np.random.default_rng(7_007)
    extra = nouns.sample_seeds(art, n, rng, np.arange(art.count("heads")))
    return np.unique(np.concatenate([traits_train.eval_seeds(registry.get("nouns").model), extra]), axis=0)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Real Nouns (B, 3, 32, 32) made to look like a decoder's drawing: noise, blur, colour shift, 8-bit digits."""
    b = len(x)

    def u(*shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=gen)

    blurred = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
    x = x + (u(b, 1, 1, 1) < 0.5) * 0.6 * u(b, 1, 1, 1) * (blurred - x)  # half of them softened, by up to 60%
    x = x + 0.04 * (2 * u(b, 3, 1, 1) - 1)  # a small colour shift per image and channel
    x = x + 0.06 * u(b, 1, 1, 1) * torch.randn(x.shape, generator=gen)  # per-pixel noise, σ up to 0.06
    x = x.clamp(0, 1)
    return torch.floor(torch.round(x * 128) * 255 / 128) / 255  # as the renderer draws 8-bit digits


def train(
    steps: int = 3000, batch: int = 128, seed: int = 0, lr: float = 2e-3, log=print
) -> tuple[TraitClassifier, dict]:
    """Train on fresh random real Nouns (none of them held out), augmented; returns the model and its metrics."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    art = nouns.load_art()
    heads = np.arange(art.count("heads"))
    held = {tuple(s) for s in heldout_seeds().tolist()}
    model = TraitClassifier(counts())
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    start = time.perf_counter()
    curve = []
    for step in range(steps):
        seeds = nouns.sample_seeds(art, batch, rng, heads)
        seeds = seeds[[tuple(s) not in held for s in seeds.tolist()]]
        x = augment(nouns.to_tensor(nouns.composite(art, seeds)), gen)
        y = torch.from_numpy(seeds)
        loss = sum(F.cross_entropy(logits, y[:, i]) for i, logits in enumerate(model(x)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == steps - 1:
            curve.append({"step": step, "loss": round(loss.item(), 4)})
            log(f"classifier step {step:5d}  loss {loss.item():.4f}  {time.perf_counter() - start:.0f}s")
    model.eval()
    metrics = {"steps": steps, "batch": batch, "train_seconds": round(time.perf_counter() - start, 1)}
    metrics.update(evaluate(model))
    metrics["curve"] = curve
    return model, metrics


@torch.no_grad()
def predict(model: TraitClassifier, images: torch.Tensor | np.ndarray) -> np.ndarray:
    """Images -> predicted ids (N, 5). Images: (N, 3, 32, 32) floats in [0, 1], or (N, 32, 32, 3) uint8."""
    x = as_tensor(images)
    out = []
    for chunk in torch.split(x, 512):
        out.append(torch.stack([logits.argmax(1) for logits in model(chunk)], dim=1))
    return torch.cat(out).numpy()


def as_tensor(images: torch.Tensor | np.ndarray) -> torch.Tensor:
    """(N, 32, 32, 3) uint8 arrays -> (N, 3, 32, 32) floats in [0, 1]; float tensors/arrays pass through."""
    if isinstance(images, np.ndarray) and images.dtype == np.uint8:
        return nouns.to_tensor(images)
    return torch.as_tensor(images, dtype=torch.float32)


def accuracy(model: TraitClassifier, images, seeds: np.ndarray, strict: bool = False) -> dict[str, float]:
    """The share of images whose predicted id is `seeds`' id, per kind.

    Unless `strict`, a predicted id also counts when it draws the very same real Noun (pixel for pixel) as the
    named one: a part can be wholly hidden (a full-body accessory covers every body pixel; 13.7% of the trait
    decoder's evaluation combinations show no body pixel that tells their body from every other), and then no
    picture, real or generated, can show which id it was.
    """
    got = predict(model, images)
    seeds = np.asarray(seeds)
    right = got == seeds  # (N, 5)
    if not strict:
        art = nouns.load_art()
        for k in range(len(KINDS)):
            miss = np.flatnonzero(~right[:, k])
            if len(miss):
                swapped = seeds[miss].copy()
                swapped[:, k] = got[miss, k]
                same = (nouns.composite(art, swapped) == nouns.composite(art, seeds[miss])).all(axis=(1, 2, 3))
                right[miss[same], k] = True
    return {kind: round(float(right[:, i].mean()), 4) for i, kind in enumerate(KINDS)}


def evaluate(model: TraitClassifier) -> dict:
    """Accuracy on the held-out real Nouns, as drawn (exact art) and augmented (as the training saw them)."""
    art = nouns.load_art()
    seeds = heldout_seeds()
    x = nouns.to_tensor(nouns.composite(art, seeds))
    return {
        "heldout": len(seeds),
        "accuracy_real": accuracy(model, x, seeds),
        "accuracy_real_strict": accuracy(model, x, seeds, strict=True),
        "accuracy_augmented": accuracy(model, augment(x, torch.Generator().manual_seed(1)), seeds),
    }


def save(model: TraitClassifier, metrics: dict, path: Path = CHECKPOINT) -> Path:
    """Weights in float16 (the checkpoint stays small; predictions are unchanged on the held-out Nouns)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.half() for k, v in model.state_dict().items()}
    torch.save({"classes": model.classes, "state": state, "metrics": metrics}, path)
    return path


@cache
def load(path: Path = CHECKPOINT) -> TraitClassifier:
    """The committed classifier (cached per process)."""
    if not path.exists():
        raise CheckpointMissingError(f"no trait classifier at {path}: train it with `python -m models.classifier`")
    raw = torch.load(path, map_location="cpu", weights_only=True)
    model = TraitClassifier(tuple(raw["classes"]))
    model.load_state_dict({k: v.float() for k, v in raw["state"].items()})
    return model.eval()


def adherence(
    images, seeds: np.ndarray, model: TraitClassifier | None = None, strict: bool = False
) -> dict[str, float]:
    """Trait adherence: per kind, the share of generated images (N, 3, 32, 32) in [0, 1] (or (N, 32, 32, 3)
    uint8) whose classified id is the id their prompt `seeds` (N, 5) named, or (unless `strict`) an id whose real
    Noun is the same picture (`accuracy`)."""
    return accuracy(model or load(), images, seeds, strict)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m models.classifier`: train and write the checkpoint."""
    p = argparse.ArgumentParser(prog="python -m models.classifier", description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1: the machine is shared)")
    p.add_argument("--out", type=Path, default=CHECKPOINT)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, metrics = train(args.steps, args.batch, args.seed)
    save(model, metrics, args.out)
    print(json.dumps({k: v for k, v in metrics.items() if k != "curve"}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
