"""What bounds nouns32's quality and circuit, measured: the evidence behind docs/training.md "Why the targets conflict".

    python -m research.nouns_capacity                    # rank ceiling only (~1 min)
    python -m research.nouns_capacity --train --prove    # also the decoder probes and the circuit floor

Writes docs/results/nouns-capacity.json (and with ``--train`` docs/results/images/nouns32-palette-probe.png);
sections a run does not measure are kept from the file, each section with its own date and machine. Three questions:

1. **Rank ceiling.** A decoder with one hidden layer of k units draws an affine function of k features, so its images
   lie in a k-dimensional affine space; the best such space for the data is the principal-component projection.
   PSNR of held-out Nouns projected on the top k components (fitted on 20,000 training Nouns) bounds every such
   decoder from above, whatever its latent. Beside it, the ceiling of proving only the 16×16 grid (drawn ×2).
2. **Decoder probes** (``--train``). Float autoencoders on the same data, latent (16 values, int8-rounded at
   evaluation) and prior as nouns32 (models/nouns_train.py), `--steps` steps each, with only the decoder changed:
   hidden width, a second hidden layer, no prior, locally connected tiles, and a palette-index output (one 7-bit
   digit per pixel, the index into the 127 most used Nouns colours, ordered along a nearest-neighbour path, so a
   32×32 image is 1,024 digits instead of 3,072). Float probes: the int8 model tracks its float network within
   0.2 dB (docs/training.md), and the question is which decoders can draw Nouns at all.
3. **Circuit floor** (``--prove``). The cheapest decoder that outputs the whole 32×32×3 grid in this encoding (one
   hidden unit: a single multiply-add per output, so nearly all of the circuit is the per-output rescale, clamp
   and packing) and the committed architecture, both on nouns32's circuit settings: rows, logrows, setup, prove
   and peak RSS (untrained seeded weights: circuit size does not depend on their values).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from benchmarks.measure import machine, run_child
from models import nouns, nouns_train, registry
from models.model import Encoder
from models.results import RESULTS
from models.train import psnr, quantize_latent, sliced_wasserstein
from research.design_space import settings_for

OUT = RESULTS / "nouns-capacity.json"
PALETTE_GRID = RESULTS / "images" / "nouns32-palette-probe.png"
NOUNS32 = registry.get("nouns32")
RANKS = (16, 64, 128, 256, 512, 1024)
#: Colours of the palette-index probe: a 7-bit digit indexes 127 of them (digit 127 is left unused).
PALETTE_SIZE = 127


def rank_ceiling(n_fit: int = 20_000, seed: int = 0) -> list[dict]:
    """PSNR of held-out Nouns projected on the top-k principal components of training Nouns, per k in RANKS."""
    art = nouns.load_art()
    train_heads, _ = nouns.head_split(art)
    rng = np.random.default_rng(seed)
    # (N, 3·32·32) in [0, 1], C×H×W as the decoder draws
    fit = nouns.to_tensor(nouns.composite(art, nouns.sample_seeds(art, n_fit, rng, train_heads))).reshape(n_fit, -1)
    fit = fit.double().numpy()
    evals = {k: v.reshape(len(v), -1).double().numpy() for k, v in nouns_train.eval_splits(NOUNS32.model).items()}
    mean = fit.mean(0)
    _, _, vt = np.linalg.svd(fit - mean, full_matrices=False)  # rows of vt: components, by variance
    rows = []
    # The ceiling of any model that proves the 16×16 grid and lets the renderer draw it ×2 (as pixel32 does): each
    # 2×2 block at its mean colour (the best single colour for squared error).
    row: dict = {"rank": "16x16 grid, x2"}
    for split, x in evals.items():
        blocks = x.reshape(len(x), 3, 16, 2, 16, 2).mean(axis=(3, 5))
        approx = blocks.repeat(2, axis=2).repeat(2, axis=3).reshape(len(x), -1)
        row[f"{split}_psnr_db"] = round(psnr(float(np.mean((approx - x) ** 2))), 2)
    rows.append(row)
    print(json.dumps(row), flush=True)
    for k in RANKS:
        basis = vt[:k]  # (k, 3072)
        row = {"rank": k}
        for split, x in evals.items():
            approx = np.clip((x - mean) @ basis.T @ basis + mean, 0, 1)
            row[f"{split}_psnr_db"] = round(psnr(float(np.mean((approx - x) ** 2))), 2)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


# --- decoder probes ----------------------------------------------------------------------------------------------
class MLP(nn.Module):
    """latent (B, 16) -> hidden layers (ReLU) -> (B, outputs)."""

    def __init__(self, widths: tuple[int, ...], outputs: int):
        super().__init__()
        dims = (16, *widths)
        layers: list[nn.Module] = []
        for a, b in zip(dims[:-1], dims[1:], strict=True):
            layers += [nn.Linear(a, b), nn.ReLU()]
        self.net = nn.Sequential(*layers, nn.Linear(dims[-1], outputs))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class LocalTiles(nn.Module):
    """latent (B, 16) -> `per` hidden units for each 8×8 tile -> that tile's 8×8×3 values only (B, 3·32·32)."""

    def __init__(self, per: int, tile: int = 8):
        super().__init__()
        self.tiles, self.tile, self.per = (32 // tile) ** 2, tile, per
        self.fc = nn.Linear(16, self.tiles * per)
        self.weight = nn.Parameter(torch.randn(self.tiles, per, 3 * tile * tile) / per**0.5)
        self.bias = nn.Parameter(torch.full((self.tiles, 3 * tile * tile), 0.5))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.fc(z)).view(-1, self.tiles, self.per)  # (B, T, per)
        out = torch.einsum("btk,tkn->btn", h, self.weight) + self.bias  # (B, T, 3·tile·tile)
        g, t = 32 // self.tile, self.tile
        return out.view(-1, g, g, 3, t, t).permute(0, 3, 1, 4, 2, 5).reshape(-1, 3 * 32 * 32)


class TraitLatent(nn.Module):
    """Seeds (B, 5) -> a 16-value latent in (-1, 1): a learned embedding per part kind, concatenated (what a prompt
    that names its traits would carry; no encoder)."""

    DIMS = (1, 2, 4, 6, 3)  # background, body, accessory, head, glasses

    def __init__(self, art: nouns.NounsArt):
        super().__init__()
        counts = (len(art.backgrounds), *(art.count(kind) for kind in nouns.LAYERS))
        self.tables = nn.ModuleList(nn.Embedding(n, d) for n, d in zip(counts, self.DIMS, strict=True))

    def forward(self, seeds: torch.Tensor) -> torch.Tensor:
        return torch.tanh(torch.cat([t(seeds[:, i]) for i, t in enumerate(self.tables)], dim=1))  # (B, 16)


def probe_palette(art: nouns.NounsArt, rng: np.random.Generator) -> torch.Tensor:
    """The palette-index probe's colours (PALETTE_SIZE, 3) in [0, 1]: the most used colours of training Nouns,
    ordered along a greedy nearest-neighbour path from the darkest, so neighbouring digits are similar colours."""
    train_heads, _ = nouns.head_split(art)
    pixels = nouns.composite(art, nouns.sample_seeds(art, 4000, rng, train_heads)).reshape(-1, 3).astype(np.int64)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    top = colours[np.argsort(-counts, kind="stable")[:PALETTE_SIZE]].astype(np.float64)
    order = [int(np.argmin(top.sum(1)))]
    left = set(range(len(top))) - set(order)
    while left:
        last = top[order[-1]]
        nearest = min(sorted(left), key=lambda j: float(((top[j] - last) ** 2).sum()))
        order.append(nearest)
        left.remove(nearest)
    return torch.tensor(top[order] / 255.0, dtype=torch.float32)


PROBES: dict[str, tuple] = {
    # name: (decoder factory, output kind, prior weight)
    "mlp h64 (nouns32's decoder)": (lambda: MLP((64,), 3072), "rgb", 1.0),
    "mlp h192": (lambda: MLP((192,), 3072), "rgb", 1.0),
    "mlp h512": (lambda: MLP((512,), 3072), "rgb", 1.0),
    "mlp h64-h64 (two hidden layers)": (lambda: MLP((64, 64), 3072), "rgb", 1.0),
    "mlp h64, no prior term": (lambda: MLP((64,), 3072), "rgb", 0.0),
    "local: 64 units per 8x8 tile": (lambda: LocalTiles(64), "rgb", 1.0),
    "palette index: mlp h128 -> 1024 digits": (lambda: MLP((128,), 1024), "palette", 1.0),
    # The latent made of learned trait embeddings instead of an encoder's code: measured on unseen combinations
    # only (a held-out head has no embedding).
    "trait latent, mlp h64": (lambda: MLP((64,), 3072), "traits", 0.0),
    "trait latent, mlp h256": (lambda: MLP((256,), 3072), "traits", 0.0),
    "trait latent, mlp h512": (lambda: MLP((512,), 3072), "traits", 0.0),
}


def train_probe(name: str, steps: int, seed: int = 0) -> tuple[dict, torch.Tensor]:
    """Train one probe (float) and measure it on the held-out splits; returns its row and a preview grid."""
    make, kind, prior = PROBES[name]
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    art = nouns.load_art()
    train_heads, _ = nouns.head_split(art)
    palette = probe_palette(art, np.random.default_rng(seed + 1)) if kind == "palette" else None

    def index_of(x: torch.Tensor) -> torch.Tensor:  # (B, 3, 32, 32) -> (B, 1024) nearest palette index
        return torch.cdist(x.permute(0, 2, 3, 1).reshape(-1, 3), palette).argmin(1).view(len(x), -1).float()

    def draw(out: torch.Tensor) -> torch.Tensor:  # decoder output -> (B, 3, 32, 32) image in [0, 1]
        if kind != "palette":
            return out.view(-1, 3, 32, 32).clamp(0, 1)
        digits = (out * PALETTE_SIZE).round().clamp(0, PALETTE_SIZE - 1).long()  # (B, 1024)
        return palette[digits].view(-1, 32, 32, 3).permute(0, 3, 1, 2)

    encoder = TraitLatent(art) if kind == "traits" else Encoder(NOUNS32.model)
    decoder = make()
    params = [*encoder.parameters(), *decoder.parameters()]
    opt = torch.optim.Adam(params, lr=NOUNS32.model.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=NOUNS32.model.lr, total_steps=steps, pct_start=0.1)
    start = time.perf_counter()
    for step in range(steps):
        if step % 200 == 0:  # a fresh pool of combinations, as nouns32's training
            seeds = torch.from_numpy(nouns.sample_seeds(art, 3200, rng, train_heads))
            pool = nouns.to_tensor(nouns.composite(art, seeds.numpy()))
            targets = index_of(pool) / PALETTE_SIZE if kind == "palette" else pool.reshape(len(pool), -1)
        pick = torch.randint(len(pool), (NOUNS32.model.batch_size,))
        z = encoder(seeds[pick] if kind == "traits" else pool[pick])
        # The palette probe regresses the digit (the index) directly: that is what its circuit would output.
        loss = F.mse_loss(decoder(z), targets[pick]) + prior * sliced_wasserstein(z, torch.rand(z.shape) * 2 - 1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    row: dict = {"probe": name, "steps": steps, "train_s": round(time.perf_counter() - start, 1)}
    with torch.no_grad():
        images = nouns_train.eval_splits(NOUNS32.model)
        for split, split_seeds in nouns_train.eval_seeds(NOUNS32.model).items():
            x, split_seeds = images[split], torch.from_numpy(split_seeds)
            if kind == "traits" and split == "unseen_heads":
                continue
            code = encoder(split_seeds if kind == "traits" else x)
            image = draw(decoder(quantize_latent(code, NOUNS32.model.act_bits)))
            row[f"{split}_psnr_db"] = round(psnr(F.mse_loss(image, x).item()), 2)
            row[f"{split}_palette_share"] = round(nouns.palette_share(image, art.palette), 4)
            if split == "unseen_combos":
                shown = torch.cat([x[:8], image[:8]])
        z_random = torch.randint(-128, 128, (8, 16), generator=torch.Generator().manual_seed(1)).float() / 128
        if kind == "traits":  # random traits, not random bytes: the latent is a lookup
            z_random = encoder(torch.from_numpy(nouns.sample_seeds(art, 8, np.random.default_rng(1), train_heads)))
        shown = torch.cat([shown, draw(decoder(z_random))])
    print(json.dumps(row), flush=True)
    return row, shown


# --- circuit floor ------------------------------------------------------------------------------------------------
def circuit_floor(prove: bool) -> list[dict]:
    """Settings (and with `prove` setup/prove/RSS) of the one-unit decoder and the committed nouns32 architecture."""
    circuit = {"num_inner_cols": NOUNS32.circuit.num_inner_cols}
    rows = []
    with tempfile.TemporaryDirectory(prefix="zkaigc-nouns-floor-") as tmp:
        for label, hidden in (
            ("one hidden unit (the floor)", 1),
            ("nouns32 (64 hidden units)", 64),
            ("256 hidden units (settings only)", 256),
            ("512 hidden units (settings only)", 512),
        ):
            work = Path(tmp) / str(hidden)
            _, s = settings_for(replace(NOUNS32.model, hidden=hidden), circuit, work)
            row = {
                "decoder": label,
                "hidden": hidden,
                "multiply_adds": 16 * hidden + hidden * 3072,
                "rows": s["num_rows"],
                "assignments": s["total_assignments"],
                "num_inner_cols": s["run_args"]["num_inner_cols"],
                "logrows": s["run_args"]["logrows"],
            }
            if prove and hidden <= 64:
                row.update(run_child("research.design_space", "--child", str(work)))
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Measure the rank ceiling, and with flags the decoder probes and the circuit floor; write the JSON."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", action="store_true", help="also train the decoder probes (~2 min each, one thread)")
    p.add_argument(
        "--probe",
        action="append",
        choices=list(PROBES),
        help="train only this probe (repeatable); its row replaces the file's",
    )
    p.add_argument("--steps", type=int, default=4000, help="training steps per probe (default 4000)")
    p.add_argument("--prove", action="store_true", help="also set up and prove the circuit floor (~5 min)")
    p.add_argument("--out", type=Path, default=OUT, help="the JSON to write (default docs/results/nouns-capacity.json)")
    args = p.parse_args(argv)
    # Sections not measured in this run are kept from the file, each with its own date and machine, so the slow
    # probes and the proofs can be run separately (the proofs under a quiet machine).
    report: dict = json.loads(args.out.read_text()) if args.out.exists() else {}

    def section(rows) -> dict:
        return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(), "rows": rows}

    report["rank_ceiling"] = section(rank_ceiling())
    if args.train or args.probe:
        kept = (
            [] if args.train else [r for r in report.get("probes", {}).get("rows", []) if r["probe"] not in args.probe]
        )
        rows = {r["probe"]: r for r in kept}
        for name in PROBES if args.train else args.probe:
            rows[name], shown = train_probe(name, args.steps)
            if PROBES[name][1] == "palette":
                # originals, their palette-index reconstructions, random prompts
                nouns_train.write_grid(shown, 8, PALETTE_GRID)
        report["probes"] = section([rows[name] for name in PROBES if name in rows])
    if args.prove or "circuit_floor" not in report:
        report["circuit_floor"] = section(circuit_floor(args.prove))
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
