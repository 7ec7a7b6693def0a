"""The prompt in one public instance: the circuit packs a slot's n ≤ 16 prompt bytes into one field element.

The latent stays private to the circuit; what the verifier sees is

    p = x_0 · 256^(n−1) + Σ_{i≥1} (x_i + 128) · 256^(n−1−i)        (x_i the int8 value of byte i)
      = (P ⊕ 0x80…80) − 2^(8n−1)                                     (P the prompt read as a big-endian integer)

which lies in [−2^(8n−1), 2^(8n−1)): one signed 128-bit value for 16 bytes, inside ezkl 23's i128 integers, and
injective on int8 bytes. The contract computes the same element from the prompt bytes (docs/encoding.md).

Injectivity needs every x_i proven in [−128, 127]. Each x_i goes through the circuit's one lookup table twice,
as m·x_i and as −m·(x_i + 1) with m = −lo/128 (lo the table's lower end): both are ≥ lo exactly when
−128 ≤ x_i ≤ 127. Only the lower end is relied on: ezkl pads a table upwards to fill its columns, so values above
`hi` may still be found in it. The looked-up values enter the graph as `t − t` (exactly zero), so neither torch's
exporter nor tract prunes them; a lookup that `0 · t` feeds is pruned (measured).
"""

from __future__ import annotations

import torch
from torch import nn

from .config import MAX_PACKED_BYTES


class PromptPacker(nn.Module):
    """latent (B, n) at scale 2^act_bits -> (range-checked latent (B, n), packed prompt (B, 1))."""

    def __init__(self, n: int, act_bits: int, lookup_low: int):
        super().__init__()
        if not 1 <= n <= MAX_PACKED_BYTES:
            raise ValueError(f"a packed prompt holds 1 to {MAX_PACKED_BYTES} bytes, not {n}")
        unit = 2**act_bits
        if lookup_low > -128 or lookup_low % 128:
            raise ValueError(f"the lookup table's low end {lookup_low} must be a negative multiple of 128")
        # m·x as a real number is m·q/2^act_bits; its integer at the lookup's scale is m·q.
        self.m = float(-lookup_low // 128)
        self.step = 1 / unit  # one int8 step of the latent
        # Byte weights 256^(n−1−i): powers of two, exact in float32 and integers, so ezkl quantizes them at scale 0
        # and the product keeps the latent's scale: its integer is Σ (q_i + offset_i) · 256^(n−1−i).
        self.register_buffer("weights", torch.tensor([256.0 ** (n - 1 - i) for i in range(n)]).view(n, 1))
        self.register_buffer("offsets", torch.tensor([0.0] + [128.0 / unit] * (n - 1)))

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        low = torch.sigmoid(z * self.m)  # (B, n): m·q ≥ lo  <=>  q ≥ −128
        high = torch.sigmoid((z + self.step) * -self.m)  # (B, n): −m·(q + 1) ≥ lo  <=>  q ≤ 127
        z = z + (low - low) + (high - high)  # exactly z, but through both lookups
        return z, torch.matmul(z + self.offsets, self.weights)  # (B, n), (B, 1)
