"""What bounds the cells per output digit: ezkl's assignments of pixel32's decoder shape against its hidden width
and the last layer's scale (`python -m research.output_cells`, settings only, seconds; docs/results/output-cells.json).

The network is pixel32's (16 prompt bytes -> `hidden` ReLU units -> 768 sigmoid digits, 8-bit digits packed 15 per
public element, as `ProvenDecoder` packs them) on pixel32's circuit config (scales, lookup range, 1 column), with
random weights: the circuit's size does not depend on their values, only on their scale. Two last layers:

- *fractional* (the committed stage): int8 weights at 2^-7, so the product is rescaled before the lookup;
- *integer*: integer-valued weights, quantized at scale 0 by ezkl (no rescale; the issue's ~7 cells per digit).

Each digit also pays the last matmul itself, one multiply-accumulate per hidden unit, whichever the scale. So the
cells per digit are about `hidden` plus the stage; ≤ 20 cells per digit needs a decoder of ≤ ~16 hidden units.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import ezkl
import torch
from torch import nn

from benchmarks.measure import machine
from models import registry
from models.results import RESULTS
from proofs.stages import run_args

DIGITS, PER_ELEMENT = 768, 15  # pixel32's 16×16×3 proven grid; 8-bit digits, 15 per element


class Decoder(nn.Module):
    """pixel32's decoder shape with the sigmoid stage and the digit packing (weights random)."""

    def __init__(self, hidden: int, integer_last: bool):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(16, hidden), nn.Linear(hidden, DIGITS)
        if integer_last:  # integer-valued: ezkl quantizes them at scale 0 and inserts no rescale
            with torch.no_grad():
                self.fc2.weight.copy_(torch.randint(-8, 8, self.fc2.weight.shape).float())
                self.fc2.bias.copy_(torch.randint(-8, 8, self.fc2.bias.shape).float())
        powers = [256.0 ** (PER_ELEMENT - 1 - i) for i in range(PER_ELEMENT)]
        self.register_buffer("powers", torch.tensor(powers))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        digits = torch.sigmoid(self.fc2(torch.relu(self.fc1(z)))).reshape(1, -1)  # (1, 768)
        pad = (-digits.shape[1]) % PER_ELEMENT
        digits = torch.cat([digits, torch.zeros(1, pad)], 1)
        return torch.matmul(digits.reshape(-1, PER_ELEMENT), self.powers).reshape(1, -1)  # (1, 52)


def cells(hidden: int, integer_last: bool) -> dict:
    """ezkl's settings for one variant: rows, logrows, assignments and assignments per digit."""
    spec = registry.get("pixel32")
    config = spec.circuit_for(spec.model)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        onnx, settings = Path(tmp) / "network.onnx", Path(tmp) / "settings.json"
        model = Decoder(hidden, integer_last).eval()
        torch.onnx.export(model, torch.zeros(1, 16), str(onnx), input_names=["input"], opset_version=13, dynamo=False)
        if not ezkl.gen_settings(str(onnx), str(settings), py_run_args=run_args(config)):
            raise RuntimeError(f"gen_settings failed for hidden={hidden}, integer_last={integer_last}")
        s = json.loads(settings.read_text())
    return {
        "hidden": hidden,
        "last_layer": "integer" if integer_last else "fractional",
        "logrows": s["run_args"]["logrows"],
        "rows": s["num_rows"],
        "assignments": s["total_assignments"],
        "assignments_per_digit": round(s["total_assignments"] / DIGITS, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m research.output_cells`."""
    p = argparse.ArgumentParser(prog="python -m research.output_cells", description=__doc__)
    p.add_argument("--hidden", type=int, nargs="*", default=[8, 16, 32, 64])
    args = p.parse_args(argv)
    rows = [cells(h, integer) for h in args.hidden for integer in (False, True)]
    for row in rows:
        print(json.dumps(row), flush=True)
    (RESULTS / "output-cells.json").write_text(json.dumps({"rows": rows, "machine": machine()}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
