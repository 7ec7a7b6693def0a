"""The output stage's precision, measured: the trait decoder trained in float, with a fractional last layer, and
with an integer one (`python -m research.output_stage [--steps N]`, docs/results/output-stage.json).

Three variants of the same network (nouns' trait tables -> 256 hidden -> 3,072 sigmoid outputs), same data and
seed, scored on the 512 evaluation combinations as the renderer draws 8-bit digits:

- *float*: no quantization;
- *fractional*: QAT as the circuit computes with a fractional (int8 at 2^-7) last layer: the product's scale 14 is
  rescaled to 7 (ezkl's ~52 cells per digit), then the sigmoid lookup;
- *integer*: the last layer's weights integers (scale 0: no rescale, ~7 cells per digit), which leaves the hidden
  units and the weights one 2^-7 grid between them: 128× coarser than int8 × int8. A scale factor `c` moves
  resolution between the two (weights w·c rounded, hidden h/c rounded); trained with the weights reparameterised
  (w = v·c, v learned) so Adam's steps reach whole integers.

Why the showcase keeps the fractional last layer: the integer one lost ~4 dB here at every `c` tried.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from benchmarks.measure import machine
from models import nouns, traits_train
from models.config import ModelConfig
from models.quant import round_ste
from models.results import RESULTS
from models.train import psnr


def grid(x: torch.Tensor, bits: int) -> torch.Tensor:
    """x rounded to the 2^-bits grid, straight-through."""
    return round_ste(x * 2**bits) / 2**bits


class Variant(nn.Module):
    """Trait tables -> relu hidden -> sigmoid outputs, quantized as `mode` says once `quant` is on."""

    def __init__(self, mode: str, counts: tuple[int, ...], hidden: int = 256, c: float = 16.0):
        super().__init__()
        self.mode, self.c, self.quant = mode, c, False
        self.tables = nn.ModuleList(nn.Embedding(n, hidden) for n in counts)
        for t in self.tables:
            nn.init.normal_(t.weight, 0, 0.3)
        self.b1 = nn.Parameter(torch.zeros(hidden))
        self.fc2 = nn.Linear(hidden, 3 * nouns.SIZE**2)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        q = self.quant and self.mode != "float"
        tabs = [grid(t.weight.clamp(-4, 4), 7) if q else t.weight for t in self.tables]
        h = torch.relu(sum(t[ids[:, i]] for i, t in enumerate(tabs)) + (grid(self.b1, 7) if q else self.b1))
        scale = self.c if self.mode == "integer" else 1.0  # integer: w = v·c, h/c (the same function in float)
        if not q:
            return torch.sigmoid(F.linear(h / scale, self.fc2.weight * scale, self.fc2.bias))
        if self.mode == "fractional":
            w = grid(self.fc2.weight.clamp(-1, 127 / 128), 7)
            y = grid(F.linear(grid(h, 7), w, grid(self.fc2.bias, 7)), 7)
        else:
            w = round_ste((self.fc2.weight * scale).clamp(-128, 127))
            y = F.linear(grid(h / scale, 7), w, grid(self.fc2.bias, 7))
        return grid(torch.sigmoid(y), 7)


def run(mode: str, steps: int, c: float = 16.0, seed: int = 0) -> dict:
    """Train one variant (float for the first half, then QAT) and score it on the evaluation combinations."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    art = nouns.load_art()
    counts = (len(art.backgrounds), *(art.count(k) for k in nouns.LAYERS))
    cfg = ModelConfig(name="nouns", dataset="nouns", kind="traits", latent_dim=5, seed=seed)
    evals = traits_train.eval_seeds(cfg)
    held = {tuple(s) for s in evals.tolist()}
    net = Variant(mode, counts, c=c)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.1)
    start = time.perf_counter()
    for step in range(steps):
        net.quant = step >= steps // 2
        if step % 200 == 0:
            seeds = nouns.sample_seeds(art, 3200, rng, np.arange(art.count("heads")))
            seeds = seeds[[tuple(s) not in held for s in seeds.tolist()]]
            pool = nouns.to_tensor(nouns.composite(art, seeds)).reshape(len(seeds), -1)
            ids = torch.from_numpy(seeds)
        pick = torch.randint(len(ids), (64,))
        loss = F.mse_loss(net(ids[pick]), pool[pick])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    net.quant = True
    with torch.no_grad():
        truth = nouns.to_tensor(nouns.composite(art, evals))
        out = traits_train.drawn(net(torch.from_numpy(evals)).view(-1, 3, nouns.SIZE, nouns.SIZE))
    mse = F.mse_loss(out, truth).item()
    return {
        "variant": mode,
        "c": c if mode == "integer" else None,
        "steps": steps,
        "psnr_db": round(psnr(mse), 2),
        "palette_share": round(nouns.palette_share(out, art.palette), 4),
        "pixel_accuracy": round(((out - truth).abs() <= 8 / 255 + 1e-9).all(1).float().mean().item(), 4),
        "train_s": round(time.perf_counter() - start),
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m research.output_stage`."""
    p = argparse.ArgumentParser(prog="python -m research.output_stage", description=__doc__)
    p.add_argument("--steps", type=int, default=6000)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    rows = [run("float", args.steps), run("fractional", args.steps)]
    rows += [run("integer", args.steps, c) for c in (4.0, 16.0)]
    for row in rows:
        print(json.dumps(row), flush=True)
    (RESULTS / "output-stage.json").write_text(json.dumps({"rows": rows, "machine": machine()}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
