"""The trait decoder: a Noun's five trait ids -> its 32×32 RGB image, every step inside the circuit.

The prompt is the Noun: five bytes (background, body, accessory, head, glasses ids; `models.nouns.KINDS`). The
circuit reads each byte as an int8 fixed-point value q/2^7 (the prompt encoding), so an id ≥ 128 arrives as
id − 256; the one-hot below compares against that signed value. Shapes, B prompts:

    ids (B, 5) -> one-hot (B, 452)                                 relu(1 − |q − k|): exact for integers
      -> hidden h = relu(one-hot · T + b1) (B, H)                  T: the per-kind trait tables (452, H)
      -> covered pixels: y = fc2(h) (B, 3·765)                     pixels some part can cover
      -> background-only pixels: y = one-hot_bg · T_bg (B, 3·259)  pixels no part ever covers: two colours
      -> digits q = round(128 · sigmoid(y)) in [0, 128] (B, 3, 32, 32)

Why this shape (measured in docs/training.md): the one-hot product T is a gather whose every entry is an
integer at scale 0 (T lives on the 2^-7 grid, the one-hot is 2^-7), so it needs no rescale; a quarter of the
pixels are never covered by any part and are drawn exactly from the background id alone, which saves a quarter
of the last layer's multiply-adds; the sigmoid bounds every digit with one lookup instead of the old clamp's two
sign decompositions. The last layer stays fractional (int8 at 2^-7): an integer last layer at the digits' scale
lost 4 dB (its weights and the hidden units share one 2^-7 grid, 128× coarser than int8 × int8).
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import torch
from torch import nn

from . import nouns
from .config import ModelConfig
from .prompt import PromptPacker
from .quant import QLinear, QuantMixin, fake_quant

#: Bound of the trait tables' entries: 10-bit integers at scale 2^-7 (the one-hot product needs no rescale).
TABLE_MAX = 4.0


def counts() -> tuple[int, ...]:
    """Ids per prompt byte: (backgrounds, bodies, accessories, heads, glasses)."""
    art = nouns.load_art()
    return (len(art.backgrounds), *(art.count(k) for k in nouns.LAYERS))


#: The prompt's bytes, in order: the part kind each one names.
KINDS = ("background", "body", "accessory", "head", "glasses")


def prompt_space() -> dict:
    """The prompt space as the artifacts record it: `prompt_names` and `prompt_limits` (ids per byte)."""
    return {"prompt_names": list(KINDS), "prompt_limits": list(counts())}


def covered_mask() -> np.ndarray:
    """(32, 32) bool: pixels that some part of some kind can cover (the rest show only the background)."""
    art = nouns.load_art()
    mask = np.zeros((nouns.SIZE, nouns.SIZE), bool)
    for kind in nouns.LAYERS:
        mask |= (art.parts[kind][..., 3] > 0).any(axis=0)
    return mask


def signed(ids: np.ndarray | list[int]) -> np.ndarray:
    """Trait ids (bytes) as the int8 values the circuit reads, id − 256 for id ≥ 128."""
    ids = np.asarray(ids, np.int64)
    return np.where(ids >= 128, ids - 256, ids)


class TraitDecoder(QuantMixin, nn.Module):
    """latent (B, 5) = prompt bytes as int8 / 2^7 -> digits / 2^7 (B, 3, 32, 32) in [0, 1], as the circuit draws."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        n = counts()
        self.counts = n
        mask = torch.from_numpy(np.broadcast_to(covered_mask(), (cfg.channels, nouns.SIZE, nouns.SIZE)).copy())
        flat = mask.flatten()
        # Output positions (C×H×W order) of the covered and of the background-only digits.
        self.register_buffer("covered", torch.nonzero(flat).flatten(), persistent=False)
        self.register_buffer("bare", torch.nonzero(~flat).flatten(), persistent=False)
        self.register_buffer("offsets", torch.tensor(np.cumsum([0, *n[:-1]])), persistent=False)
        # The per-kind tables as one (452, H) matrix: row offsets[i] + id is trait `id` of byte i.
        self.table = nn.Parameter(torch.randn(sum(n), cfg.hidden) * 0.3)
        self.b1 = nn.Parameter(torch.zeros(cfg.hidden))
        self.fc2 = QLinear(cfg.hidden, len(self.covered))
        # Background-only pixels: one pre-activation per background id and digit, a table like T.
        self.bg = nn.Parameter(torch.zeros(n[0], len(self.bare)))

    @torch.no_grad()
    def snap(self) -> None:
        """Replace the tables and b1 by their quantized values (`quant.snap_weights` snaps fc2 on its own)."""
        for p in (self.table, self.b1, self.bg):
            p.copy_(self._grid(p, self.act_bits))

    def ids(self, z: torch.Tensor) -> torch.Tensor:
        """Latent (B, 5) -> trait ids (B, 5) as bytes (int8 values mod 256)."""
        return torch.round(z * 2**self.cfg.act_bits).long() % 256

    def _grid(self, t: torch.Tensor, bits: int) -> torch.Tensor:
        return fake_quant(t.clamp(-TABLE_MAX, TABLE_MAX - 2.0**-bits), bits) if self.quant else t

    def pre_activations(self, ids: torch.Tensor) -> torch.Tensor:
        """Trait ids (B, 5) -> the sigmoid's inputs (B, C·H·W) in image order."""
        bits = self.act_bits
        table, b1, bg = self._grid(self.table, bits), self._grid(self.b1, bits), self._grid(self.bg, bits)
        rows = (ids + self.offsets).clamp(max=len(table) - 1)  # (B, 5); an id past its kind reads another row
        valid = (ids < torch.tensor(self.counts)).float()  # ...but the circuit's one-hot is zero there
        h = torch.relu((table[rows] * valid[..., None]).sum(1) + b1)  # (B, H)
        out = h.new_zeros(len(ids), self.cfg.channels * nouns.SIZE**2)
        out[:, self.covered] = self.fc2(h)  # QLinear rounds y to 2^-bits when quantized
        out[:, self.bare] = bg[ids[:, 0].clamp(max=len(bg) - 1)] * valid[:, :1]
        return out

    def art(self, z: torch.Tensor) -> torch.Tensor:
        """The proven grid (B, C, H, W): digits q / 2^act_bits with q = round(2^act_bits · sigmoid(y))."""
        y = torch.sigmoid(self.pre_activations(self.ids(z)))
        if self.quant:
            y = fake_quant(y, self.cfg.act_bits)
        return y.view(-1, self.cfg.channels, nouns.SIZE, nouns.SIZE)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.art(z)

    @cached_property
    def one_hot_keys(self) -> torch.Tensor:
        """(452,) the int8 value each one-hot position matches, / 2^act_bits (the circuit's comparison)."""
        keys = np.concatenate([signed(np.arange(k)) for k in self.counts])
        return torch.tensor(keys, dtype=torch.float32) / 2**self.cfg.act_bits

    @cached_property
    def one_hot_source(self) -> torch.Tensor:
        """(452,) which prompt byte each one-hot position reads."""
        return torch.cat([torch.full((k,), i) for i, k in enumerate(self.counts)])


@torch.no_grad()
def certified_range(decoder: TraitDecoder) -> tuple[int, int]:
    """Bounds (lo, hi) of every sigmoid input over every valid prompt, as integers at scale 2^act_bits.

    Interval arithmetic, sound for all 2·30·143·254·23 prompts at once: a hidden unit's pre-activation is a sum
    over the five kinds, so its extremes are the sums of each kind's extreme table entry; each output then takes
    every hidden unit at the end of its interval that moves it furthest. The circuit's lookup range must contain
    (lo, hi), or some prompt would have no witness (`proofs build` refuses such a circuit).
    """
    scale = 2**decoder.act_bits
    offsets = [0, *np.cumsum(decoder.counts)]
    parts = [decoder.table[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    hi = torch.relu(decoder.b1 + sum(t.max(0).values for t in parts))  # (H,)
    lo = torch.relu(decoder.b1 + sum(t.min(0).values for t in parts))  # (H,)
    w, b = decoder.fc2.weight, decoder.fc2.bias  # (N, H), (N,)
    top = b + (w.clamp(min=0) * hi).sum(1) + (w.clamp(max=0) * lo).sum(1)
    bottom = b + (w.clamp(min=0) * lo).sum(1) + (w.clamp(max=0) * hi).sum(1)
    # One step of slack each way for ezkl's rounding of y.
    return int(math.floor(min(bottom.min(), decoder.bg.min()) * scale)) - 1, int(
        math.ceil(max(top.max(), decoder.bg.max()) * scale)
    ) + 1


class ProvenTraitDecoder(nn.Module):
    """The circuit: latent (1, 5) -> the 3,072 digits packed `per` to a public element, base 2^8.

    Built from ONNX operations ezkl 23 proves: a constant gather, Abs, ReLU, MatMul/Gemm with integer (scale 0)
    or int8 (scale 7) constants, Sigmoid (one lookup), and the packing matmul. Digits are in [0, 128] (the lookup's
    range), so 8-bit digits pack injectively (docs/encoding.md).
    """

    def __init__(self, decoder: TraitDecoder, per: int, lookup_low: int | None = None):
        super().__init__()
        self.decoder = decoder
        cfg = decoder.cfg
        # The packed prompt (models/prompt.py) needs the lookup table's low end for its range checks.
        self.packer = PromptPacker(cfg.latent_dim, cfg.act_bits, lookup_low) if cfg.packed_prompt else None
        self.per = per
        scale = float(2**decoder.cfg.act_bits)
        with torch.no_grad():
            # Integer-valued constants: rebase_frac_zero_constants quantizes them at scale 0, so the one-hot
            # (2^-7 per hit) times an integer keeps scale 7 without a rescale.
            self.register_buffer("table", torch.round(decoder.table * scale))
            self.register_buffer("bg", torch.round(decoder.bg * scale))
        self.register_buffer("keys", decoder.one_hot_keys)
        self.register_buffer("source", decoder.one_hot_source)
        n = decoder.cfg.channels * nouns.SIZE**2
        order = torch.empty(n, dtype=torch.long)
        order[torch.cat([decoder.covered, decoder.bare])] = torch.arange(n)
        self.register_buffer("order", order)  # image position -> position in [covered ‖ bare]
        self.register_buffer("weights", torch.tensor([256.0 ** (per - 1 - i) for i in range(per)]))
        self.nbg = decoder.counts[0]
        self.unit = 1 / scale

    def forward(self, z: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        d = self.decoder
        prompt = None
        if self.packer is not None:
            z, prompt = self.packer(z)  # (1, 5), (1, 1)
        hot = torch.relu(self.unit - torch.abs(z[:, self.source] - self.keys))  # (1, 452): 2^-7 at each id
        h = torch.relu(torch.matmul(hot, self.table) + d.b1)  # (1, H)
        y = torch.cat([d.fc2(h), torch.matmul(hot[:, : self.nbg], self.bg)], dim=1)[:, self.order]  # (1, 3072)
        flat = torch.sigmoid(y)
        pad = (-flat.shape[1]) % self.per
        if pad:
            flat = torch.cat([flat, torch.zeros(1, pad)], dim=1)
        image = torch.matmul(flat.reshape(-1, self.per), self.weights).reshape(1, -1)
        return image if prompt is None else (prompt, image)
