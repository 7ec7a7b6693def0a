"""Photo -> Noun, shown: the bundled photos beside the Nouns `python -m proofs encode` picks for them.

    python -m research.photo_to_noun        # writes docs/results/images/nouns-photo-to-noun.png

Rows: each photo as the search sees it (centred square, 32×32, `proofs.style.load_image`), the real Noun whose
traits the search picked (`proofs.style.photo_traits`), and, when the `nouns` checkpoint exists, that prompt as the
int8 trait decoder draws it (the circuit's digits within one; the preview a mint shows). Photos: scikit-learn's
two and scikit-image's bundled colour ones (`models.nouns_train.photos`), no download.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from models.results import RESULTS

OUT = RESULTS / "images" / "nouns-photo-to-noun.png"


def rows(model_name: str = "nouns") -> tuple[list, list[dict]]:
    """The grid's images (photos, Nouns[, drawn]) as (3, 32, 32) tensors, and each photo's traits."""
    import torch
    from PIL import Image

    from models import nouns
    from models.errors import CheckpointMissingError
    from models.nouns_train import photos
    from proofs import style, traits

    art = nouns.load_art()
    shown, picked, seeds = [], [], []
    for pic in photos():
        img = Image.fromarray((pic.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8))
        x = style.load_image(img, nouns.SIZE)
        seed = style.photo_traits(x)
        shown.append(torch.from_numpy(x))
        picked.append(nouns.to_tensor(nouns.composite(art, seed[None]))[0])
        seeds.append(seed)
    grid = shown + picked
    try:
        from models import traits_train
        from models.model import load_model

        model, _ = load_model(model_name)
        with torch.no_grad():
            grid += list(traits_train.drawn(model.decoder.art(traits_train.latents(np.stack(seeds)))))
    except CheckpointMissingError:  # before the checkpoint exists: photos and the real Nouns only
        pass
    return grid, [{"prompt": "0x" + bytes(int(i) for i in s).hex(), **traits.describe(s)} for s in seeds]


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m research.photo_to_noun`."""
    import torch

    from models.nouns_train import write_grid

    p = argparse.ArgumentParser(prog="python -m research.photo_to_noun", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    grid, picks = rows()
    write_grid(torch.stack(grid).clamp(0, 1), len(picks), args.out)
    print(json.dumps({"image": str(args.out), "nouns": picks}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
