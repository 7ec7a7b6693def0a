"""Prompt adherence of trait texts: a trait classifier trained on real Nouns scores the images nouns32 draws.

    python -m benchmarks.nouns_traits           # writes docs/nouns-traits.json

The classifier (a small CNN, two heads: head and glasses) trains on freshly composited real Nouns over every
part id. Its accuracy on other real Nouns is reported next to the adherence: for random texts
"head: H, glasses: G" (H over all 254 heads, G over the 23 glasses, the other parts from the text's hash), the
text's prompt (`proofs.traits`: the encoder's latent fitted to the named Noun) is decoded by the int8 model as
the circuit computes it (the build's fidelity check bounds the circuit's difference to 2/255) and classified;
adherence is the share whose predicted head (glasses) is the requested one. Head prompts whose head was held
out of nouns32's training are reported apart.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from models import nouns, nouns_train
from models.model import load_model
from models.train import quantize_latent
from proofs import traits

DOCS = Path(__file__).resolve().parent.parent / "docs"


class TraitClassifier(nn.Module):
    """(B, 3, 32, 32) -> logits over heads and over glasses."""

    def __init__(self, heads: int, glasses: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3, padding=1),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64 * 8 * 8, 256),
            nn.ReLU(),
        )
        self.head, self.glasses = nn.Linear(256, heads), nn.Linear(256, glasses)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x)
        return self.head(h), self.glasses(h)


def train_classifier(art: nouns.NounsArt, steps: int = 1000, seed: int = 0, log=print) -> TraitClassifier:
    """Fit the classifier on random real Nouns (all part ids), slightly blurred half the time for robustness."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    every_head = np.arange(art.count("heads"))
    clf = TraitClassifier(art.count("heads"), art.count("glasses"))
    opt = torch.optim.Adam(clf.parameters(), lr=2e-3)
    for step in range(steps):
        seeds = nouns.sample_seeds(art, 96, rng, every_head)
        x = nouns.to_tensor(nouns.composite(art, seeds))
        if step % 2:  # the model's outputs are softer than the art: train on softened copies too
            x = 0.5 * x + 0.5 * F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
        lh, lg = clf(x)
        loss = F.cross_entropy(lh, torch.from_numpy(seeds[:, 3])) + F.cross_entropy(lg, torch.from_numpy(seeds[:, 4]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 250 == 0:
            log(f"classifier step {step}: loss {loss.item():.3f}")
    return clf.eval()


@torch.no_grad()
def accuracy(clf: TraitClassifier, images: torch.Tensor, seeds: np.ndarray) -> dict:
    """The share of correct head and glasses predictions."""
    lh, lg = clf(images)
    return {
        "head": round(float((lh.argmax(1).numpy() == seeds[:, 3]).mean()), 4),
        "glasses": round(float((lg.argmax(1).numpy() == seeds[:, 4]).mean()), 4),
    }


def measure(n: int = 500, write: bool = True, steps: int = 1000) -> dict:
    """Classifier accuracy on real Nouns and nouns32's adherence to n random trait texts."""
    art = nouns.load_art()
    clf = train_classifier(art, steps)
    with torch.no_grad():
        return _score(art, clf, n, write)


def _score(art: nouns.NounsArt, clf: TraitClassifier, n: int, write: bool) -> dict:
    rng = np.random.default_rng(99)
    real_seeds = nouns.sample_seeds(art, n, rng, np.arange(art.count("heads")))
    real = accuracy(clf, nouns.to_tensor(nouns.composite(art, real_seeds)), real_seeds)

    model, _ = load_model("nouns32")
    head_names, glasses_names = art.trait_names("heads"), art.trait_names("glasses")
    texts, seeds = [], []
    for i in range(n):
        h = int.from_bytes(hashlib.sha256(f"h{i}".encode()).digest()[:4], "big") % len(head_names)
        g = int.from_bytes(hashlib.sha256(f"g{i}".encode()).digest()[:4], "big") % len(glasses_names)
        text = f"head: {head_names[h]}, glasses: {glasses_names[g]}"
        seed = traits.seed_of(text, art)
        texts.append(text)
        seeds.append(seed)
    seeds = np.stack(seeds)
    images = nouns.to_tensor(nouns.composite(art, seeds))
    with torch.enable_grad():
        z = quantize_latent(nouns_train.invert(model, images), model.cfg.act_bits)  # the prompt bytes' latent
    drawn = nouns_train.rendered(model, z).clamp(0, 1)
    drawn = (drawn * 127).round() / 127  # the rendered 7-bit digits
    got = accuracy(clf, drawn, seeds)
    _, held = nouns.head_split(art)
    unseen = np.isin(seeds[:, 3], held)
    got_unseen = accuracy(clf, drawn[torch.from_numpy(unseen)], seeds[unseen])
    # the named traits must be what the texts asked for: the parse itself is exact
    exact = all(traits.describe(s)["head"] == t.split(",")[0].split(": ")[1] for s, t in zip(seeds, texts, strict=True))
    result = {
        "texts": n,
        "classifier_accuracy_on_real_nouns": real,
        "adherence": got,
        "adherence_heads_held_out_of_training": {**got_unseen, "texts": int(unseen.sum())},
        "text_to_noun_exact": exact,
    }
    if write:
        (DOCS / "nouns-traits.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m benchmarks.nouns_traits`."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.nouns_traits", description=__doc__)
    p.add_argument("--texts", type=int, default=500)
    p.add_argument("--steps", type=int, default=1000, help="classifier training steps")
    p.add_argument("--no-write", action="store_true", help="print only")
    args = p.parse_args(argv)
    print(json.dumps(measure(args.texts, write=not args.no_write, steps=args.steps), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
